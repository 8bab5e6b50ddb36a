"""Gemeindedaten on the pages: staff correct a fact (logged in, CSRF, note required, audit-logged),
the member sees its own facts with source and date, and the preset note until it saves its profile."""

from __future__ import annotations

from sqlmodel import Session, select

from profiles.facts import fact_history, load_seed_facts, record_fact
from profiles.schema import PRESET_FROM_FACTS, FactDoc
from store.models import AuditLog, Member, Profile

CORRECTION = {
    "value": "C",
    "source": "https://www.wirtschaft.nrw/das-regionale-wirtschaftsfoerderungsprogramm-rwp",
    "as_of": "2022-01-01",
    "confidence": "hoch",
    "note": "Gemeindeliste der Fördergebietskarte 2022–2027 eingesehen",
}


def _seed_facts(engine, slug: str) -> None:
    """The bundled facts of one real member, recorded as the seed does."""
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.slug == slug)).one()
        for name, fact in load_seed_facts()[slug].items():
            record_fact(session, member, name, FactDoc.model_validate(fact), "seed")
        session.commit()


def test_staff_correct_a_fact_and_the_member_sees_it(app, curator, member_a, member_b, world, engine):
    _seed_facts(engine, "schermbeck")
    page = curator.page("/staff/members/schermbeck/facts").text
    assert "GRW-Fördergebiet 2022–2027" in page and "unbekannt" in page
    assert "Einstufung nur auf Kreisebene belegt" in page  # why it is unknown

    response = curator.submit("/staff/members/schermbeck/facts/grw_foerdergebiet", CORRECTION)
    assert response.status_code == 303
    page = curator.page(response.headers["location"]).text
    assert "Die Korrektur ist gespeichert" in page
    assert "C-Fördergebiet" in page and "Frühere Fassungen (1)" in page and "kurator@rvr.ruhr" in page

    with Session(engine) as session:
        versions = fact_history(session, world.member_a.id)["grw_foerdergebiet"]
        assert [v.value for v in versions] == ["C", None]
        entry = session.exec(select(AuditLog).where(AuditLog.action == "fact.update")).one()
        assert entry.actor == "kurator@rvr.ruhr" and entry.object_id == str(world.member_a.id)
        assert entry.details["new"] == "C" and entry.details["note"] == CORRECTION["note"]
    assert "fact.update" in curator.page("/staff/audit").text

    own = member_a.page("/member/").text
    assert "Gemeindedaten" in own and "C-Fördergebiet" in own
    assert "wirtschaft.nrw" in own and "01.01.2022" in own and "13.516" in own
    assert "C-Fördergebiet" not in member_b.page("/member/").text, "another member sees only its own facts"
    assert "/staff/members" not in own, "the member page offers no way to change facts"


def test_a_correction_without_note_or_with_a_bad_value_changes_nothing(curator, world, engine):
    _seed_facts(engine, "schermbeck")
    curator.page("/staff/members/schermbeck/facts")
    response = curator.submit(
        "/staff/members/schermbeck/facts/population", {**CORRECTION, "value": "viele", "note": ""}
    )
    assert response.status_code == 400
    assert "Einwohnerzahl: &#39;viele&#39; ist keine Zahl" in response.text
    assert "Begründung: bitte schreiben Sie kurz" in response.text
    response = curator.submit(
        "/staff/members/schermbeck/facts/population", {**CORRECTION, "value": "13.600", "source": ""}
    )
    assert response.status_code == 400 and "braucht eine Quelle" in response.text
    with Session(engine) as session:
        assert [v.value for v in fact_history(session, world.member_a.id)["population"]] == [13516]
        assert session.exec(select(AuditLog).where(AuditLog.action == "fact.update")).all() == []


def test_german_numbers_and_unknown_are_understood(curator, world, engine):
    _seed_facts(engine, "schermbeck")
    curator.page("/staff/members/schermbeck/facts")
    assert (
        curator.submit("/staff/members/schermbeck/facts/area_km2", {**CORRECTION, "value": "110,8"}).status_code == 303
    )
    unknown = {"value": "", "source": "", "as_of": "", "confidence": "", "note": "Quelle zurückgezogen"}
    assert curator.submit("/staff/members/schermbeck/facts/steinkohle_standort", unknown).status_code == 303
    with Session(engine) as session:
        history = fact_history(session, world.member_a.id)
        assert history["area_km2"][0].value == 110.8
        assert history["steinkohle_standort"][0].value is None


def test_the_facts_pages_need_a_staff_login_and_the_csrf_token(anonymous, member_a, curator, world):
    response = anonymous.get("/staff/members/schermbeck/facts", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
    assert member_a.get("/staff/members/", follow_redirects=False).headers["location"] == "/staff/login"
    curator.page("/staff/members/")
    forged = curator.post("/staff/members/schermbeck/facts/grw_foerdergebiet", data=CORRECTION, follow_redirects=False)
    assert forged.status_code == 403


def test_the_overview_lists_every_member(curator, world, engine):
    _seed_facts(engine, "schermbeck")
    page = curator.page("/staff/members/").text
    assert 'href="/staff/members/schermbeck/facts"' in page and 'href="/staff/members/selm/facts"' in page
    assert "05170036" in page and "13.516" in page


def test_the_preset_note_shows_until_the_member_saves(member_a, world, engine):
    with Session(engine) as session:
        profile = session.exec(select(Profile).where(Profile.member_id == world.member_a.id)).one()
        profile.preset = PRESET_FROM_FACTS
        session.add(profile)
        session.commit()
    assert PRESET_FROM_FACTS in member_a.page("/member/").text
    response = member_a.submit("/member/profile", {"interests": "Radwege und Dorferneuerung", "keywords": "Radweg"})
    assert response.status_code == 303
    assert PRESET_FROM_FACTS not in member_a.page("/member/").text

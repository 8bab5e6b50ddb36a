"""Member facts: the bundled facts load for every member, round-trip through export and import,
a malformed fact is refused with its line, and the seed keeps what people changed."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from profiles.build_seed import default_profile
from profiles.facts import SEED_FACTS, current_facts, fact_history, load_seed_facts, record_fact
from profiles.io import ProfileFileError, export_profiles, load_seed_profiles, parse_profiles, seed_profiles
from profiles.schema import PRESET_FROM_FACTS, FactDoc, stated_facts
from store.models import AuditLog, Member, MemberFact, Profile


@pytest.fixture
def seeded(engine):
    with Session(engine) as session:
        seed_profiles(session)
        session.commit()
    return engine


def _member(session: Session, slug: str) -> Member:
    return session.exec(select(Member).where(Member.slug == slug)).one()


def test_the_facts_of_all_57_members_and_the_rvr_load():
    docs = {doc.slug: doc for doc in load_seed_profiles()}
    assert set(load_seed_facts()) == set(docs) and len(docs) == 58
    for slug, doc in docs.items():
        facts = stated_facts(doc.facts)
        assert facts["population"].value > 0, slug
        if slug != "rvr":
            assert re.fullmatch(r"\d{8}", facts["ags"].value) and facts["ags"].value == doc.ags, slug
            assert facts["bezirksregierung"].value == doc.bezirksregierung, slug
    duisburg = stated_facts(docs["duisburg"].facts)
    assert duisburg["population"].value == 502_270
    assert duisburg["population"].as_of.isoformat() == "2024-12-31"
    assert duisburg["steinkohle_standort"].value is True
    assert stated_facts(docs["kreis-recklinghausen"].facts)["steinkohle_standort"].value is False
    assert stated_facts(docs["bochum"].facts)["grw_foerdergebiet"].value is None, "unknown stays unknown"
    assert [s for s, d in docs.items() if stated_facts(d.facts)["jtf_gebiet"].value == "noerdliches_ruhrgebiet"] == [
        "bottrop",
        "dorsten",
        "gladbeck",
        "marl",
    ]


def test_seed_fills_the_member_rows_from_the_facts(seeded):
    with Session(seeded) as session:
        herne = _member(session, "herne")
        assert (herne.ags, herne.bezirksregierung) == ("05916000", "Arnsberg")
        assert current_facts(session, herne.id)["steinkohle_standort"].source.startswith("https://github.com/bundestag")


def test_export_and_import_round_trip_the_facts(seeded, tmp_path):
    with Session(seeded) as session:
        exported = export_profiles(session)
    docs = parse_profiles(exported)
    assert docs == load_seed_profiles()
    with Session(seeded) as session:  # importing the same file again changes no fact
        from profiles.io import apply_profiles

        report = apply_profiles(session, docs)
        assert report.facts_changed == 0
        before = len(session.exec(select(MemberFact)).all())
        session.commit()
    assert before == sum(len(stated_facts(d.facts)) for d in docs)


def test_a_malformed_fact_is_refused_with_its_line(seeded):
    with Session(seeded) as session:
        exported = export_profiles(session, ["marl"])
    broken = exported.replace("value: C\n", "value: Z\n", 1)
    line = next(i for i, text in enumerate(broken.splitlines()) if text.strip() == "value: Z")
    with pytest.raises(ProfileFileError) as error:
        parse_profiles(broken, "marl.yaml")
    message = str(error.value)
    assert message.startswith(f"marl.yaml, Zeile {line + 1} (marl, Feld facts.grw_foerdergebiet)")
    assert "GRW-Fördergebiet" in message and "'Z' ist nicht erlaubt" in message
    unsourced = re.sub(r"(jtf_gebiet:\n\s+value: noerdliches_ruhrgebiet\n)\s+source: .*\n", r"\1", exported)
    assert unsourced != exported
    with pytest.raises(ProfileFileError, match="braucht eine Quelle"):
        parse_profiles(unsourced, "marl.yaml")


def test_a_person_s_correction_survives_the_next_seed(seeded):
    correction = FactDoc(
        value="C",
        source="https://www.wirtschaft.nrw/das-regionale-wirtschaftsfoerderungsprogramm-rwp",
        confidence="hoch",
        note="Fördergebietskarte 2022–2027 eingesehen",
    )
    with Session(seeded) as session:
        bochum = _member(session, "bochum")
        assert record_fact(session, bochum, "grw_foerdergebiet", correction, "kurator@rvr.ruhr")
        profile = session.exec(select(Profile).where(Profile.member_id == bochum.id)).one()
        profile.preset, profile.interests = "", "Radschnellweg RS1 und Schulbau"
        session.add(profile)
        session.commit()
    with Session(seeded) as session:
        _count, report = seed_profiles(session)
        session.commit()
        assert report.facts_changed == 0
        bochum = _member(session, "bochum")
        versions = fact_history(session, bochum.id)["grw_foerdergebiet"]
        assert [v.value for v in versions] == ["C", None]
        assert versions[0].recorded_by == "kurator@rvr.ruhr"
        assert session.exec(select(Profile).where(Profile.member_id == bochum.id)).one().interests == (
            "Radschnellweg RS1 und Schulbau"
        )
        audit = session.exec(select(AuditLog).where(AuditLog.action == "fact.update")).one()
        assert audit.details["old"] is None and audit.details["new"] == "C"
        assert audit.details["note"] == "Fördergebietskarte 2022–2027 eingesehen"


def test_default_profiles_fit_the_town():
    docs = {doc.slug: doc for doc in load_seed_profiles()}
    distinct = {(d.interests, tuple(d.keywords), tuple(d.topics)) for d in docs.values()}
    assert len(distinct) >= 20
    for doc in docs.values():
        assert doc.preset == PRESET_FROM_FACTS
        assert 2 <= len(doc.keywords) <= 3, doc.slug
        assert doc.interests.count(". ") <= 1 and "_" not in doc.interests, doc.slug
    assert "Strukturwandel" in docs["herne"].keywords and "Strukturwandel" in docs["kamen"].keywords
    assert "Just Transition" in docs["gladbeck"].keywords
    assert "Dorferneuerung" in docs["sonsbeck"].keywords
    assert "Berufskolleg" in docs["kreis-wesel"].keywords
    assert "Radschnellweg" in docs["rvr"].keywords


def test_the_defaults_come_from_the_facts():
    unknown = default_profile("kreisangehoerige_gemeinde", {"population": {"value": 40_000}})
    coal = default_profile(
        "kreisangehoerige_gemeinde",
        {
            "population": {"value": 40_000},
            "steinkohle_standort": {"value": True},
            "staerkungspakt": {"value": "stufe2_2012"},
        },
    )
    assert "Strukturwandel" not in unknown["interests"]
    assert "Strukturwandel" in coal["interests"] and coal["interests"].endswith("geringem Eigenanteil.")


def test_the_seed_file_says_where_the_facts_come_from():
    header = SEED_FACTS.read_text(encoding="utf-8").split("\nsources:")[0]
    for field in ("population", "gemeinde_status", "grw_foerdergebiet", "steinkohle_standort", "jtf_gebiet"):
        assert f"# - {field}" in header or f", {field}" in header, field
    assert "Kreis Recklinghausen is NOT a site" in header

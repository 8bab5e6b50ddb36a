"""Programme-first review: one card per programme (linked records together), decisions for all
or for the ticked members, counts, undo; the member view's bulk reject; CSRF on every form."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from store.models import AuditLog, Match, ProgrammeLink


def _state(engine, match_id: int) -> tuple[str, str]:
    with Session(engine) as session:
        match = session.get(Match, match_id)
        return match.state, match.reason


def _link(engine, world, a: str, b: str) -> None:
    with Session(engine) as session:
        session.add(ProgrammeLink(programme_id=world.programmes[a].id, other_id=world.programmes[b].id, reason="Test"))
        session.commit()


def test_a_card_shows_the_programme_and_every_member_it_was_proposed_to(curator, world, engine):
    _link(engine, world, "radwege", "sport")
    html = curator.page("/staff/programme").text
    cards = re.findall(r'<h2 id="card-(\d+)"', html)
    assert len(cards) == 2  # radwege+sport linked into one card, waerme alone; approved ones not listed
    assert "Vorgeschlagen für 2 Mitglieder" in html
    assert "Gemeinde Schermbeck" in html and "Stadt Selm" in html
    assert "Verknüpfte Einträge" in html and "Wer kann beantragen" in html
    assert 'class="deadline-status"' in html
    assert "Passt zu Ihren Interessen: Radverkehr" in html


def test_reject_for_all_applies_to_linked_records_and_can_be_undone(curator, world, engine):
    _link(engine, world, "radwege", "sport")
    curator.page("/staff/programme")
    programme_id = world.programmes["radwege"].id
    no_reason = curator.submit(f"/staff/programme/{programme_id}/decide", {"action": "reject_all"})
    assert no_reason.status_code == 400 and "Ablehnungsgrund" in no_reason.text
    response = curator.submit(
        f"/staff/programme/{programme_id}/decide", {"action": "reject_all", "reason": "not_eligible"}
    )
    assert response.status_code == 303
    page = curator.page(response.headers["location"]).text
    assert "2 Vorschläge abgelehnt." in page
    assert _state(engine, world.matches["a_radwege"].id) == ("rejected", "not_eligible")
    assert _state(engine, world.matches["b_sport"].id) == ("rejected", "not_eligible")
    assert _state(engine, world.matches["a_waerme"].id) == ("proposed", "")
    audit = curator.page("/staff/audit").text
    assert "Kim Kurator hat „Kommunale Radwege stärken“ in einem Schritt für 2 Mitglieder abgelehnt." in audit

    undo = re.search(r'action="(/staff/bulk/\d+/undo)"', page).group(1)
    response = curator.submit(undo, {"back": "/staff/programme"})
    assert response.status_code == 303
    assert "2 Entscheidungen rückgängig gemacht." in curator.page(response.headers["location"]).text
    assert _state(engine, world.matches["a_radwege"].id) == ("proposed", "")
    assert _state(engine, world.matches["b_sport"].id) == ("proposed", "")
    assert curator.submit(undo).status_code == 409  # once only


def test_decide_for_the_ticked_members_only(curator, world, engine):
    _link(engine, world, "radwege", "sport")
    curator.page("/staff/programme")
    programme_id = world.programmes["radwege"].id
    chosen = world.matches["b_sport"].id
    response = curator.submit(
        f"/staff/programme/{programme_id}/decide",
        {"action": "approve_selected", "match_ids": [chosen, world.matches["a_waerme"].id]},  # waerme: other card
    )
    assert response.status_code == 303
    assert _state(engine, chosen) == ("approved", "")
    assert _state(engine, world.matches["a_radwege"].id) == ("proposed", "")
    assert _state(engine, world.matches["a_waerme"].id) == ("proposed", "")
    assert curator.submit(f"/staff/programme/{programme_id}/decide", {"action": "reject_selected"}).status_code == 400


def test_member_view_bulk_reject_with_count_and_undo(curator, world, engine):
    curator.page("/staff/queue")
    ids = [world.matches["a_radwege"].id, world.matches["a_waerme"].id, world.matches["b_sport"].id]
    response = curator.submit(
        "/staff/matches/bulk", {"action": "reject", "reason": "topic", "match_ids": ids, "back": "/staff/queue?q="}
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/staff/queue")
    page = curator.page(response.headers["location"]).text
    assert "3 Vorschläge abgelehnt." in page and "Keine vorgeschlagenen Treffer" in page
    assert 'id="select-all"' not in page  # nothing left to select
    with Session(engine) as session:
        entry = session.exec(select(AuditLog).where(AuditLog.action == "match.bulk_reject")).one()
        assert entry.details["count"] == 3
    undo = re.search(r'action="(/staff/bulk/\d+/undo)"', page).group(1)
    assert curator.submit(undo, {"back": "/staff/queue"}).status_code == 303
    assert {_state(engine, i) for i in ids} == {("proposed", "")}
    assert 'id="select-all"' in curator.page("/staff/queue").text


def test_bulk_forms_need_the_csrf_token(curator, world, engine):
    programme_id = world.programmes["radwege"].id
    response = curator.post(
        f"/staff/programme/{programme_id}/decide", data={"action": "approve_all"}, follow_redirects=False
    )
    assert response.status_code == 403
    response = curator.post("/staff/matches/bulk", data={"action": "approve", "match_ids": [1]}, follow_redirects=False)
    assert response.status_code == 403
    assert _state(engine, world.matches["a_radwege"].id) == ("proposed", "")


def test_programme_page_leads_to_its_card(curator, world):
    page = curator.page(f"/staff/programmes/{world.programmes['waerme'].id}").text
    link = re.search(r'href="(/staff/programme\?q=[^"]+)">Offene Vorschläge für alle Mitglieder', page).group(1)
    cards = curator.page(link.replace("&amp;", "&")).text
    assert re.findall(r'<h2 id="card-\d+" class="card-title"><a [^>]+>([^<]+)</a>', cards) == ["Kommunale Wärmeplanung"]

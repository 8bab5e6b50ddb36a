"""The review queue: filters, grouping, pagination, approve / reject / bulk approve, audit trail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from store.explanation import Explanation
from store.models import AuditLog, Match, MatchState, Member, Programme
from store.types import utcnow


def _titles(html: str) -> list[str]:
    return re.findall(r'class="title">([^<]+)</a>', html)


def test_queue_shows_proposed_matches_grouped_by_member(curator):
    html = curator.page("/staff/queue").text
    assert "3 vorgeschlagene Treffer" in html
    assert html.index("Gemeinde Schermbeck") < html.index("Stadt Selm")
    assert _titles(html) == ["Kommunale Radwege stärken", "Kommunale Wärmeplanung", "Sanierung kommunaler Sportstätten"]
    assert "LIFE Klimaanpassung" not in html  # approved matches are not in the queue
    assert "Passt zu Ihren Interessen: Radverkehr" in html


def test_queue_grouped_by_programme(curator):
    html = curator.page("/staff/queue?group=programme").text
    assert re.findall(r'<h2 id="group-\d+">([^<]+)</h2>', html) == [
        "Kommunale Radwege stärken",
        "Kommunale Wärmeplanung",
        "Sanierung kommunaler Sportstätten",
    ]


def test_filters(curator):
    assert _titles(curator.page("/staff/queue?topic=mobilitaet").text) == ["Kommunale Radwege stärken"]
    assert _titles(curator.page("/staff/queue?min_score=60").text) == [
        "Kommunale Radwege stärken",
        "Sanierung kommunaler Sportstätten",
    ]
    assert _titles(curator.page("/staff/queue?deadline=30").text) == ["Kommunale Radwege stärken"]
    assert "Kommunale Radwege" not in curator.page("/staff/queue?deadline=none").text
    assert _titles(curator.page("/staff/queue?q=selm").text) == ["Sanierung kommunaler Sportstätten"]
    assert _titles(curator.page("/staff/queue?q=w%C3%A4rme").text) == ["Kommunale Wärmeplanung"]
    assert "Keine vorgeschlagenen Treffer" in curator.page("/staff/queue?level=eu").text
    assert "Keine vorgeschlagenen Treffer" in curator.page("/staff/queue?source=eu_sedia").text


def test_bad_filter_value_is_named(curator):
    response = curator.get("/staff/queue?min_score=viel")
    assert response.status_code == 400
    assert "Mindestpassung" in response.text and "viel" in response.text


def test_approve_and_reject_with_reason_are_audited(curator, world, engine):
    curator.page("/staff/queue")
    a, w = world.matches["a_radwege"].id, world.matches["a_waerme"].id
    assert (
        curator.submit(f"/staff/matches/{a}/approve", {"back": "/staff/queue?q=Rad"}).headers["location"]
        == "/staff/queue?q=Rad"
    )
    assert (
        curator.submit(f"/staff/matches/{w}/reject", {"reason": "own_share", "note": "30 % Eigenanteil"}).status_code
        == 303
    )
    with Session(engine) as session:
        approved, rejected = session.get(Match, a), session.get(Match, w)
        assert approved.state == "approved" and approved.reviewer_id == world.curator.id and approved.decided_at
        assert (rejected.state, rejected.reason, rejected.note) == ("rejected", "own_share", "30 % Eigenanteil")
        actions = [(e.actor, e.action, e.object_id) for e in session.exec(select(AuditLog).order_by(AuditLog.id))]
    assert ("kurator@rvr.ruhr", "match.approve", str(a)) in actions
    assert ("kurator@rvr.ruhr", "match.reject", str(w)) in actions
    audit = curator.page("/staff/audit").text
    assert "match.reject" in audit and "30 % Eigenanteil" in audit
    assert "Kommunale Wärmeplanung" not in curator.page("/staff/queue").text


def test_decisions_are_not_made_twice_and_other_needs_a_note(curator, world):
    curator.page("/staff/queue")
    a, w = world.matches["a_radwege"].id, world.matches["a_waerme"].id
    curator.submit(f"/staff/matches/{a}/approve")
    again = curator.submit(f"/staff/matches/{a}/reject", {"reason": "topic"})
    assert again.status_code == 409 and "bereits entschieden" in again.text
    no_note = curator.submit(f"/staff/matches/{w}/reject", {"reason": "other"})
    assert no_note.status_code == 400 and "Notiz" in no_note.text
    unknown = curator.submit(f"/staff/matches/{w}/reject", {"reason": "egal"})
    assert unknown.status_code == 400 and "egal" in unknown.text
    assert curator.submit("/staff/matches/999999/approve").status_code == 404


def test_bulk_approve_only_touches_proposed(curator, world, engine):
    curator.page("/staff/queue")
    ids = [world.matches["a_radwege"].id, world.matches["b_sport"].id, world.matches["a_eu"].id]
    assert curator.submit("/staff/matches/bulk", {"action": "approve", "match_ids": ids}).status_code == 303
    with Session(engine) as session:
        states = {m.id: (m.state, m.reviewer_id) for m in session.exec(select(Match))}
    assert states[ids[0]] == ("approved", world.curator.id) and states[ids[1]] == ("approved", world.curator.id)
    assert states[ids[2]] == ("approved", None)  # was approved before: left as it was
    assert "Bitte wählen Sie" in curator.submit("/staff/matches/bulk", {"action": "approve"}).text


def test_queue_is_paginated(curator, world, engine):
    with Session(engine) as session:
        member = session.get(Member, world.member_b.id)
        for n in range(120):
            programme = Programme(source_key="foerderdatenbank", natural_key=f"p{n}", title=f"Programm {n:03d}")
            session.add(programme)
            session.flush()
            session.add(
                Match(
                    member_id=member.id,
                    programme_id=programme.id,
                    score=10 + n % 50,
                    created_at=utcnow() - timedelta(days=n),
                )
            )
        session.commit()
    first = curator.page("/staff/queue").text
    assert "123 vorgeschlagene Treffer, Seite 1 von 3" in first
    assert len(_titles(first)) == 50
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = curator.page("/staff/queue?page=3").text
    assert len(_titles(last)) == 23 and 'rel="prev"' in last and 'rel="next"' not in last
    assert set(_titles(first)).isdisjoint(_titles(last))


def test_missing_form_field_is_named_on_a_page(curator, world):
    curator.page("/staff/queue")
    response = curator.submit(f"/staff/matches/{world.matches['a_waerme'].id}/reject", {"note": "ohne Grund"})
    assert response.status_code == 422
    assert "Eingabe fehlt oder ist ungültig: reason" in response.text and "<html" in response.text


def test_members_are_listed_in_german_order(curator, engine, world):
    """Umlauts sort as their base letter: "Bönen" before "Breckerfeld", in SQL and in Python alike."""
    with Session(engine) as session:
        for slug, name in (("breckerfeld", "Stadt Breckerfeld"), ("boenen", "Stadt Bönen"), ("oer", "Stadt Öhringen")):
            member = Member(slug=slug, name=name, kind="kreisangehoerige_gemeinde")
            session.add(member)
            session.flush()
            session.add(Match(member_id=member.id, programme_id=world.programmes["sport"].id, score=50))
        session.commit()

    queue = curator.page("/staff/queue").text
    groups = re.findall(r'<h2 id="group-\d+">([^<]+)</h2>', queue)
    digests = re.findall(r'<td data-label="Mitglied">([^<]+)</td>', curator.page("/staff/digests").text)

    expected = ["Gemeinde Schermbeck", "Stadt Bönen", "Stadt Breckerfeld", "Stadt Öhringen", "Stadt Selm"]
    assert groups == expected
    assert digests == expected


# Programmes found through the glossary (an English call) or the thesaurus (a German programme): the row
# says which of the programme's words answered which interest; the other rows have no such line.
BRIDGED = [
    (
        "b_eu",
        "Im englischen Aufruf",
        Explanation(
            summary="Passt zu Ihren Interessen: Klimaanpassung (im englischen Aufruf: climate, adaptation)",
            interests=["Klimaanpassung"],
            translated=["Klimaanpassung → climate, adaptation"],
        ),
        "Klimaanpassung → climate, adaptation",
    ),
    (
        "b_sport",
        "Im Programmtext",
        Explanation(
            version=7,
            summary="Passt zu Ihren Interessen: Kunstrasenplatz (im Programmtext: Sportstätten)",
            interests=["Kunstrasenplatz"],
            related=["Kunstrasenplatz → Sportstätten"],
        ),
        "Kunstrasenplatz → Sportstätten",
    ),
]


@pytest.mark.parametrize(("key", "label", "explanation", "line"), BRIDGED, ids=["english", "related"])
def test_queue_row_shows_the_programme_words_that_answered_an_interest(
    curator, world, engine, key, label, explanation, line
):
    with Session(engine) as session:
        match = session.get(Match, world.matches[key].id)
        match.state = MatchState.proposed
        match.explanation = explanation
        session.add(match)
        session.commit()
    html = curator.page("/staff/queue").text
    row = html[html.index(f'id="match-{world.matches[key].id}"') :]
    row = row[: row.index("</li>")]
    assert explanation.summary in row
    assert f'<p class="terms">{label}: {line}</p>' in row
    assert html.count(f"{label}: ") == 1  # the other rows have none
    other = {"Im englischen Aufruf", "Im Programmtext"} - {label}
    assert not [o for o in other if f"{o}: " in row]

"""The review queue shows, per match, what the mail shows: "bitte prüfen" for unknown facts, the own
share with how it was worked out and its source, and who else received a joint-application programme."""

from __future__ import annotations

from sqlmodel import Session

from store.explanation import Explanation
from store.models import Match, MatchState, Programme
from store.types import utcnow

CONDITION = {
    "outcome": "unknown",
    "label": "GRW-Fördergebiet",
    "reason": "bitte prüfen: GRW-Fördergebiet",
    "detail": "Ob Ihr Gebiet im GRW-Fördergebiet liegt, ist bei uns nicht belegt.",
    "sentence": "Die Vorhaben müssen im GRW-Fördergebiet liegen.",
}
OWN_SHARE = {
    "text": "Förderquote bis zu 90 % → Eigenanteil mindestens 10 %",
    "how": "100 % minus Förderquote (bis zu 90 %) = Eigenanteil mindestens 10 %",
    "sentence": "Die Zuwendung beträgt bis zu 90 Prozent der zuwendungsfähigen Ausgaben.",
    "missing": [],
}


def test_queue_row_shows_checks_own_share_and_peers(curator, world, engine):
    with Session(engine) as session:
        radwege = session.get(Programme, world.programmes["radwege"].id)
        radwege.teaser_text = "Zuschüsse für interkommunale Radwege mehrerer Kommunen."
        match = session.get(Match, world.matches["a_radwege"].id)
        stored = match.explanation.model_dump()
        match.explanation = Explanation.model_validate({**stored, "conditions": [CONDITION], "own_share": OWN_SHARE})
        session.add_all([radwege, match])
        session.add(
            Match(
                member_id=world.member_b.id,
                programme_id=radwege.id,
                score=60.0,
                state=MatchState.approved,
                released_at=utcnow(),
            )
        )
        session.commit()

    html = curator.page("/staff/queue").text

    row = html[html.index('id="match-' + str(world.matches["a_radwege"].id)) :]
    row = row[: row.index("</li>")]
    assert "Bitte prüfen</dt><dd>GRW-Fördergebiet – Ob Ihr Gebiet" in row
    assert "Förderquote bis zu 90 % → Eigenanteil mindestens 10 %" in row
    assert "<summary>Wie berechnet</summary>" in row and "Die Zuwendung beträgt bis zu 90 Prozent" in row
    assert "Diese Woche auch erhalten: Stadt Selm" in row
    waerme = html[html.index('id="match-' + str(world.matches["a_waerme"].id)) :]
    assert "Bitte prüfen" not in waerme[: waerme.index("</li>")]


def test_the_profile_page_says_how_to_opt_in_to_projects_abroad(member_a):
    html = member_a.page("/member/").text
    assert 'aria-describedby="abroad-hint"' in html
    assert "nur vor, wenn Sie hier Entwicklungszusammenarbeit oder Städtepartnerschaften nennen" in html


def test_the_live_preview_says_bitte_pruefen_instead_of_a_silent_pass(member_a, engine, world):
    """A member whose facts do not settle a programme's area condition sees what to check, and the own
    share the stated rate leaves (the preview runs the real matcher)."""
    with Session(engine) as session:
        sport = session.get(Programme, world.programmes["sport"].id)
        sport.eligibility_text = "Antragsberechtigt sind Gemeinden. Die Sportstätten müssen im ländlichen Raum liegen."
        sport.description_text = "Die Zuwendung beträgt bis zu 80 Prozent der zuwendungsfähigen Ausgaben."
        session.add(sport)
        session.commit()
    member_a.page("/member/")
    html = member_a.submit(
        "/member/preview",
        {"interests": "Sanierung kommunaler Sportstätten", "keywords": "Sportstätten", "digest_frequency": "weekly"},
    ).text
    assert "Bitte prüfen: ländlicher Raum" in html
    assert "Eigenanteil für Sie: Förderquote bis zu 80 % → Eigenanteil mindestens 20 %" in html


def test_the_programme_page_names_the_members_that_received_a_joint_programme(curator, world, engine):
    with Session(engine) as session:
        eu = session.get(Programme, world.programmes["eu_call"].id)
        eu.teaser_text = "Unterstützt werden interkommunale Kooperationsvorhaben zur Klimaanpassung."
        session.add(eu)
        for key in ("a_eu", "b_eu"):
            match = session.get(Match, world.matches[key].id)
            match.released_at = utcnow()
            session.add(match)
        session.commit()
    html = curator.page(f"/staff/programmes/{world.programmes['eu_call'].id}").text
    assert "Diese Woche auch erhalten: Gemeinde Schermbeck, Stadt Selm" in html

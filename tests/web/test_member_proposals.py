"""A member's own proposals on the web (/member/vorschlaege): released and sent items with the
reasons and the deadline status, verdicts "passt / passt nicht", and nobody else's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from mailer.config import mail_config
from mailer.tokens import FeedbackClaim, make_feedback_token
from store.explanation import Explanation
from store.models import Feedback, Match, MatchState
from store.types import utcnow
from web import member_proposals

LOGIN_LINK = re.compile(r"https?://[^/\s]+(/member/login/\S+)")


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_member_sees_released_and_sent_items_with_reasons_and_deadline(member_a, world, engine):
    with Session(engine) as session:
        sent = session.get(Match, world.matches["a_waerme"].id)
        sent.state, sent.sent_at = MatchState.sent, utcnow() - timedelta(days=2)
        session.add(sent)
        session.commit()
    page = member_a.page("/member/vorschlaege")
    assert page.status_code == 200
    released = _section(page.text, "released-h")
    assert "LIFE Klimaanpassung in Städten" in released
    assert "Passt zu Ihren Interessen: Radverkehr" in released  # the typed explanation's summary
    assert "Antragsberechtigt: Kommune" in released and "Fördergebiet: bundesweit" in released
    assert re.search(r"Frist am \d\d\.\d\d\.\d{4} \(noch 40 Tage\)", released)
    already = _section(page.text, "sent-h")
    assert "Kommunale Wärmeplanung" in already and "Laufend" in already
    assert f"Geschickt am {(utcnow() - timedelta(days=2)).strftime('%d.%m.%Y')}" in already
    # a proposal the curators have not looked at is RVR's working state, not the member's
    assert "Kommunale Radwege stärken" not in page.text


def test_the_digest_link_lands_on_the_list_after_login(anonymous, outbox, world):
    response = anonymous.get("/member/vorschlaege", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/member/login?weiter=/member/vorschlaege"
    form = anonymous.page(response.headers["location"]).text
    assert '<input type="hidden" name="weiter" value="/member/vorschlaege">' in form
    anonymous.submit("/member/login", {"email": world.recipient_a.email, "weiter": "/member/vorschlaege"})
    link = LOGIN_LINK.search(outbox()[-1].get_payload(decode=True).decode("utf-8")).group(1)
    assert link.endswith("?weiter=/member/vorschlaege")
    assert f'action="{link}"' in anonymous.page(link).text
    assert anonymous.submit(link).headers["location"] == "/member/vorschlaege"
    assert "LIFE Klimaanpassung in Städten" in anonymous.page("/member/vorschlaege").text


def test_a_login_never_leads_off_the_member_pages(anonymous, outbox, world):
    for elsewhere in ("https://example.org/", "//example.org", "/staff/"):
        assert 'name="weiter"' not in anonymous.page(f"/member/login?weiter={elsewhere}").text
        anonymous.submit("/member/login", {"email": world.recipient_a.email, "weiter": elsewhere})
        link = LOGIN_LINK.search(outbox()[-1].get_payload(decode=True).decode("utf-8")).group(1)
        assert "weiter" not in link
        anonymous.page(link)
        assert anonymous.submit(f"{link}?weiter={elsewhere}").headers["location"] == "/member/"
        anonymous.submit("/member/logout")


def test_verdict_is_stored_once_and_can_be_changed(member_a, world, engine):
    match_id = world.matches["a_eu"].id
    member_a.page("/member/vorschlaege")
    response = member_a.submit(f"/member/vorschlaege/{match_id}/passt")
    assert response.status_code == 303
    assert response.headers["location"] == f"/member/vorschlaege?gespeichert={match_id}#vorschlag-{match_id}"
    page = member_a.page(response.headers["location"].split("#")[0]).text
    assert "Danke, Ihre Einschätzung zu „LIFE Klimaanpassung in Städten“ ist gespeichert." in page
    assert "Ihre Einschätzung: passt" in page
    member_a.submit(f"/member/vorschlaege/{match_id}/passt-nicht")
    assert "Ihre Einschätzung: passt nicht" in member_a.page("/member/vorschlaege").text
    with Session(engine) as session:
        [feedback] = session.exec(select(Feedback)).all()
    assert (feedback.member_id, feedback.programme_id, feedback.match_id) == (
        world.member_a.id,
        world.programmes["eu_call"].id,
        match_id,
    )
    assert feedback.fits is False and feedback.channel == "web" and feedback.recipient_id == world.recipient_a.id


def test_a_verdict_from_the_mail_link_is_shown_on_the_page(member_a, world, engine):
    with Session(engine) as session:
        session.add(
            Feedback(
                member_id=world.member_a.id,
                programme_id=world.programmes["eu_call"].id,
                recipient_id=world.recipient_a2.id,
                fits=False,
                channel="mail",
            )
        )
        session.commit()
    assert "Ihre Einschätzung: passt nicht" in member_a.page("/member/vorschlaege").text


def test_member_cannot_see_or_judge_another_members_proposals(member_a, member_b, world, engine):
    with Session(engine) as session:
        sport = session.get(Match, world.matches["b_sport"].id)
        sport.state = MatchState.approved
        session.add(sport)
        session.commit()
    assert "Sanierung kommunaler Sportstätten" in member_b.page("/member/vorschlaege").text
    page_a = member_a.page("/member/vorschlaege").text
    assert "Sanierung kommunaler Sportstätten" not in page_a and "Stadt Selm" not in page_a
    for match in ("b_sport", "b_eu", "a_radwege"):  # another member's, and one not released
        response = member_a.submit(f"/member/vorschlaege/{world.matches[match].id}/passt")
        assert response.status_code == 404 and "Diesen Vorschlag gibt es bei Ihnen nicht." in response.text
    assert member_a.submit(f"/member/vorschlaege/{world.matches['a_eu'].id}/vielleicht").status_code == 404
    with Session(engine) as session:
        assert session.exec(select(Feedback)).all() == []


def test_verdict_without_csrf_token_is_refused(member_a, world, engine):
    response = member_a.post(f"/member/vorschlaege/{world.matches['a_eu'].id}/passt", data={}, follow_redirects=False)
    assert response.status_code == 403
    with Session(engine) as session:
        assert session.exec(select(Feedback)).all() == []


def test_a_persons_verdict_counts_once_whether_given_by_mail_or_on_the_page(member_a, anonymous, app, world, engine):
    claim = FeedbackClaim(world.recipient_a.id, world.member_a.id, world.programmes["eu_call"].id, None)
    token = make_feedback_token(mail_config(app.state.settings).secret_key, claim)
    anonymous.post(f"/m/feedback/{token}/passt")
    member_a.page("/member/vorschlaege")
    member_a.submit(f"/member/vorschlaege/{world.matches['a_eu'].id}/passt-nicht")
    with Session(engine) as session:
        [feedback] = session.exec(select(Feedback)).all()
    assert (feedback.fits, feedback.channel, feedback.recipient_id) == (False, "web", world.recipient_a.id)
    anonymous.post(f"/m/feedback/{token}/passt")  # changed its mind again, in the mail
    with Session(engine) as session:
        [feedback] = session.exec(select(Feedback)).all()
    assert (feedback.fits, feedback.channel) == (True, "mail")
    assert "Ihre Einschätzung: passt" in member_a.page("/member/vorschlaege").text


def test_sent_items_are_paged_newest_first_and_a_verdict_returns_to_its_page(member_a, world, engine, monkeypatch):
    monkeypatch.setattr(member_proposals, "SENT_PER_PAGE", 1)
    with Session(engine) as session:
        for key, days_ago in (("a_waerme", 1), ("a_eu", 8)):
            match = session.get(Match, world.matches[key].id)
            match.state, match.sent_at = MatchState.sent, utcnow() - timedelta(days=days_ago)
            session.add(match)
        session.commit()
    first = _section(member_a.page("/member/vorschlaege").text, "sent-h")
    assert "Kommunale Wärmeplanung" in first and "LIFE Klimaanpassung" not in first
    assert "Seite 1 von 2 (2 Vorschläge)" in first and 'href="/member/vorschlaege?seite=2#sent-h">Ältere' in first
    second = _section(member_a.page("/member/vorschlaege?seite=2").text, "sent-h")
    assert "LIFE Klimaanpassung in Städten" in second and "Kommunale Wärmeplanung" not in second
    match_id = world.matches["a_eu"].id
    response = member_a.submit(f"/member/vorschlaege/{match_id}/passt", {"seite": "2"})
    assert response.headers["location"] == f"/member/vorschlaege?gespeichert={match_id}&seite=2#vorschlag-{match_id}"
    assert (
        "Danke, Ihre Einschätzung zu „LIFE Klimaanpassung in Städten“"
        in member_a.page(response.headers["location"].split("#")[0]).text
    )
    assert "Seite 2 von 2" in member_a.page("/member/vorschlaege?seite=99").text  # beyond the end: the last page


@pytest.mark.parametrize(
    ("key", "explanation", "line"),
    [
        (
            "a_eu",
            Explanation(
                summary="Passt zu Ihren Interessen: Radverkehr (im englischen Aufruf: cycling)",
                interests=["Radverkehr"],
                translated=["Radverkehr → cycling"],
            ),
            "Im englischen Aufruf: Radverkehr → cycling",
        ),
        (
            "a_waerme",
            Explanation(
                version=7,
                summary="Passt zu Ihren Interessen: Heizung im Rathaus (im Programmtext: Energieeffizienz, Wärme)",
                interests=["Heizung im Rathaus"],
                related=["Heizung im Rathaus → Energieeffizienz, Wärme, Nichtwohngebäude"],
            ),
            "Im Programmtext: Heizung im Rathaus → Energieeffizienz, Wärme, Nichtwohngebäude",
        ),
    ],
    ids=["english", "related"],
)
def test_a_released_programme_names_its_words_that_answered_an_interest(
    member_a, world, engine, key, explanation, line
):
    """An English call found through the glossary, a German programme through the thesaurus: the member
    reads which of the programme's words answered which of its interests, once."""
    with Session(engine) as session:
        match = session.get(Match, world.matches[key].id)
        match.state = MatchState.approved
        match.explanation = explanation
        session.add(match)
        session.commit()
    released = _section(member_a.page("/member/vorschlaege").text, "released-h")
    assert f"Passt zu: {explanation.interests[0]}" in released
    assert f"<li>{line}</li>" in released
    assert released.count(line.split(": ")[0] + ": ") == 1

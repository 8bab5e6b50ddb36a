"""The pages and mails of members on the web speak German: the proposal list, the reactivation
pages and mail, the onboarding page, the invitation mail and their audit entries."""

from __future__ import annotations

from lxml import html as lxml_html
from sqlmodel import Session

from mailer.config import mail_config
from mailer.tokens import make_unsubscribe_token
from store.models import Match, MatchState
from store.types import utcnow

from .test_german_everywhere import problems, visible_text
from .test_onboarding import ACTION_ID
from .test_reactivation import LINK as REACTIVATION_LINK


def test_member_web_pages_and_mails_are_german(app, engine, world, curator, member_a, anonymous, outbox):
    with Session(engine) as session:
        match = session.get(Match, world.matches["a_waerme"].id)
        match.state, match.sent_at = MatchState.sent, utcnow()
        session.add(match)
        session.commit()
    texts = {}
    member_a.page("/member/vorschlaege")
    member_a.submit(f"/member/vorschlaege/{world.matches['a_eu'].id}/passt")
    texts["proposals"] = visible_text(member_a.page(f"/member/vorschlaege?gespeichert={world.matches['a_eu'].id}").text)

    token = make_unsubscribe_token(mail_config(app.state.settings).secret_key, world.recipient_b.id)
    texts["unsubscribed"] = visible_text(anonymous.post(f"/m/abmelden/{token}").text)
    texts["reactivation sent"] = visible_text(anonymous.post(f"/m/abmelden/{token}/widerrufen").text)
    reactivation_mail = outbox()[-1].get_payload(decode=True).decode("utf-8")
    texts["reactivation mail"] = reactivation_mail
    link = REACTIVATION_LINK.search(reactivation_mail).group(1)
    texts["reactivation confirm"] = visible_text(anonymous.get(link).text)
    texts["reactivated"] = visible_text(anonymous.post(link).text)

    page = curator.page("/staff/onboarding").text
    texts["onboarding"] = visible_text(page)
    response = curator.submit("/staff/onboarding", {"scope": "alle", "action_id": ACTION_ID.search(page).group(1)})
    texts["onboarding sent"] = visible_text(response.text)
    texts["invitation mail"] = outbox()[-1].get_payload(decode=True).decode("utf-8")
    audit = curator.page("/staff/audit").text
    texts["audit"] = visible_text(audit)

    assert {name: found for name, text in texts.items() if (found := problems(text))} == {}
    assert "LIFE Klimaanpassung in Städten" in texts["proposals"] and "Ihre Einschätzung: passt" in texts["proposals"]
    assert "Bitte vervollständigen Sie" not in texts["invitation mail"]  # the subject is a header, the body greets
    assert texts["invitation mail"].startswith("Guten Tag")
    for sentence in (
        "hat für bauamt@selm.de (Stadt Selm) einen Link zum Wiederanmelden angefordert.",
        "bauamt@selm.de hat sich für Stadt Selm wieder zum Digest angemeldet.",
        "Kim Kurator hat 2 Mitglieder (3 Mails) eingeladen, ihr Profil zu vervollständigen.",
    ):
        assert sentence in " ".join(lxml_html.fromstring(audit).text_content().split())

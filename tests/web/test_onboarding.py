"""Staff onboarding: the dashboard counts members who edited their profile; one action invites all
members (or those who never edited) by mail through a real SMTP server, each address once; the
invitation's magic link logs the member in for days, once."""

from __future__ import annotations

import re
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from itsdangerous import TimestampSigner
from sqlmodel import Session, select

from store.models import AuditLog, Recipient, RecipientStatus
from web.tokens import INVITATION, make_magic_token

INVITATION_LINK = re.compile(r"https?://\S+(/member/einladung/\S+)")
ACTION_ID = re.compile(r'name="action_id" value="([0-9a-f]{32})"')


class Recorder:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 2.0.0 queued"

    def to(self) -> list[str]:
        return sorted(address for rcpt_tos, _ in self.messages for address in rcpt_tos)


@pytest.fixture
def smtp(app):
    """Plain SMTP on loopback; the app's mail goes there instead of the Maildir."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings = app.state.settings
    settings.mail_backend, settings.smtp_host, settings.smtp_port = "smtp", "127.0.0.1", port
    try:
        yield recorder
    finally:
        controller.stop()


def _invite(curator, scope: str):
    page = curator.page("/staff/onboarding").text
    action_id = ACTION_ID.search(page).group(1)
    return curator.submit("/staff/onboarding", {"scope": scope, "action_id": action_id}), action_id


def _edit_profile(member) -> None:
    member.page("/member/")
    response = member.submit("/member/profile", {"interests": "Radwege und Schulhöfe", "digest_frequency": "weekly"})
    assert response.status_code == 303, response.text


def test_dashboard_counts_members_who_edited_their_profile(curator, member_a):
    assert "<strong>0 von 2</strong> Mitgliedern haben ihr Profil selbst bearbeitet" in curator.page("/staff/").text
    _edit_profile(member_a)
    page = curator.page("/staff/").text
    assert "<strong>1 von 2</strong> Mitgliedern haben ihr Profil selbst bearbeitet" in page
    assert 'href="/staff/onboarding"' in page
    onboarding = curator.page("/staff/onboarding").text
    unedited = onboarding[onboarding.index('id="h-unedited"') :]
    assert "Stadt Selm" in unedited and "Gemeinde Schermbeck" not in unedited


def test_invite_only_members_who_never_edited(curator, member_a, smtp):
    _edit_profile(member_a)
    response, _ = _invite(curator, "unbearbeitet")
    assert response.status_code == 200
    assert "1 Einladung an 1 Mitglied verschickt." in response.text
    assert smtp.to() == ["bauamt@selm.de"]
    [(_, message)] = smtp.messages
    assert message["Subject"] == "Bitte vervollständigen Sie Ihr Profil im Förderradar Ruhr"
    assert message["To"] == "Bauamt <bauamt@selm.de>" and message["MIME-Version"] == "1.0" and message["Date"]
    body = message.get_content()
    assert body.startswith("Guten Tag Bauamt,") and "Stadt Selm" in body
    assert "bitten wir Sie, Ihr Profil" in body and "Er gilt 14 Tage und nur einmal" in body


def test_invite_all_sends_one_mail_per_active_address_once_per_action(curator, smtp, engine, world):
    with Session(engine) as session:
        session.add(Recipient(member_id=world.member_b.id, email="alt@selm.de", status=RecipientStatus.unsubscribed))
        session.commit()
    response, action_id = _invite(curator, "alle")
    assert "3 Einladungen an 2 Mitglieder verschickt." in response.text
    assert smtp.to() == ["bauamt@selm.de", "kaemmerei@schermbeck.de", "klima@schermbeck.de"]
    again = curator.submit("/staff/onboarding", {"scope": "alle", "action_id": action_id})  # reload, double click
    assert again.status_code == 409 and "bereits verschickt" in again.text
    assert len(smtp.messages) == 3
    with Session(engine) as session:
        [entry] = session.exec(select(AuditLog).where(AuditLog.action == "onboarding.invite")).all()
    assert entry.actor == world.curator.email and entry.details["mails"] == 3
    audit = curator.page("/staff/audit").text
    assert "Kim Kurator hat 2 Mitglieder (3 Mails) eingeladen, ihr Profil zu vervollständigen." in audit


def test_bad_form_values_are_named(curator, smtp):
    page = curator.page("/staff/onboarding").text
    action_id = ACTION_ID.search(page).group(1)
    response = curator.submit("/staff/onboarding", {"scope": "jeder", "action_id": action_id})
    assert response.status_code == 409 and "Auswahl „jeder“ ist unbekannt" in response.text
    response = curator.submit("/staff/onboarding", {"scope": "alle", "action_id": "123"})
    assert response.status_code == 409 and "Formular ist unvollständig" in response.text
    assert smtp.messages == []


def test_members_and_strangers_cannot_invite(member_a, anonymous, smtp):
    for client in (member_a, anonymous):
        response = client.post("/staff/onboarding", data={"scope": "alle", "action_id": "a" * 32})
        assert response.status_code in (303, 403)
        assert client.get("/staff/onboarding", follow_redirects=False).headers["location"] == "/staff/login"
    assert smtp.messages == []


def test_invitation_link_logs_the_member_in_once(curator, new_browser, smtp, world):
    _invite(curator, "alle")
    message = next(m for rcpt, m in smtp.messages if rcpt == ["bauamt@selm.de"])
    link = INVITATION_LINK.search(message.get_content()).group(1)
    with new_browser() as browser:
        assert "Jetzt anmelden" in browser.page(link).text
        response = browser.submit(link)
        assert response.status_code == 303 and response.headers["location"] == "/member/"
        assert "Profil von Stadt Selm" in browser.page("/member/").text
    with new_browser() as other:
        other.page(link)
        again = other.submit(link)
        assert again.status_code == 400 and "schon benutzt" in again.text


def test_invitation_lasts_days_but_not_forever_and_is_no_login_link(app, world, new_browser, monkeypatch):
    secret = app.state.settings.signing_key()

    def token_made_ago(seconds: int, purpose: str) -> str:
        with monkeypatch.context() as patch:
            patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)
            return make_magic_token(
                secret, recipient_id=world.recipient_b.id, member_id=world.member_b.id, purpose=purpose
            )

    with new_browser() as browser:
        two_days = token_made_ago(2 * 86400, INVITATION)
        assert "Jetzt anmelden" in browser.page(f"/member/einladung/{two_days}").text
        expired = browser.page(f"/member/einladung/{token_made_ago(15 * 86400, INVITATION)}")
        assert expired.status_code == 400 and "abgelaufen" in expired.text
        login_token = token_made_ago(0, "login")  # a login link is not an invitation, and vice versa
        assert browser.page(f"/member/einladung/{login_token}").status_code == 400
        assert browser.page(f"/member/login/{two_days}").status_code == 400

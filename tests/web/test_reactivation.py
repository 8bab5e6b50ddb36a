"""An unsubscribed address comes back only by double opt-in: a confirmation link mailed to the
address itself (signed, expiring, bound to that unsubscription) reactivates it; nothing else does."""

from __future__ import annotations

import re
import time
from email.header import decode_header, make_header

from itsdangerous import TimestampSigner
from sqlmodel import Session, select

from mailer.config import mail_config
from mailer.tokens import ReactivationClaim, make_reactivation_token, make_unsubscribe_token
from store.models import AuditLog, Recipient, RecipientStatus

LINK = re.compile(r"https?://\S+(/m/wieder-anmelden/\S+)")


def _header(message, name: str) -> str:
    return str(make_header(decode_header(message[name])))


def _status(engine, recipient_id: int) -> str:
    with Session(engine) as session:
        return session.get(Recipient, recipient_id).status


def _unsubscribe(anonymous, app, recipient_id: int) -> str:
    token = make_unsubscribe_token(mail_config(app.state.settings).secret_key, recipient_id)
    done = anonymous.post(f"/m/abmelden/{token}")
    assert "Sie sind abgemeldet" in done.text and "Bestätigungslink zum Wiederanmelden schicken" in done.text
    return token


def _confirmation_link(message) -> str:
    return LINK.search(message.get_payload(decode=True).decode("utf-8")).group(1)


def test_unsubscribed_address_is_reactivated_by_the_link_in_its_confirmation_mail(
    anonymous, app, world, engine, outbox
):
    recipient = world.recipient_a
    token = _unsubscribe(anonymous, app, recipient.id)
    sent = anonymous.post(f"/m/abmelden/{token}/widerrufen")
    assert sent.status_code == 200 and "Bitte sehen Sie in Ihr Postfach" in sent.text
    assert _status(engine, recipient.id) == RecipientStatus.unsubscribed  # the request alone changes nothing
    [message] = outbox()
    assert _header(message, "To") == "Kämmerei <kaemmerei@schermbeck.de>"
    assert _header(message, "Subject") == "Bitte bestätigen Sie: Förderradar-Digest wieder erhalten"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "Gemeinde Schermbeck" in body and "Er gilt 3 Tage" in body and "Wenn Sie das nicht wünschen" in body
    link = _confirmation_link(message)

    confirm = anonymous.get(link)  # mail scanners open links: GET only shows the button
    assert "Jetzt wieder anmelden" in confirm.text
    assert _status(engine, recipient.id) == RecipientStatus.unsubscribed
    done = anonymous.post(link)
    assert done.status_code == 200 and "Sie sind wieder angemeldet" in done.text
    assert _status(engine, recipient.id) == RecipientStatus.active
    assert "bereits angemeldet" in anonymous.post(link).text
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]
    assert actions == ["recipient.unsubscribe", "recipient.reactivation_request", "recipient.reactivate"]


def test_an_old_confirmation_does_not_undo_a_later_unsubscribe(anonymous, app, world, engine, outbox):
    recipient = world.recipient_b
    token = _unsubscribe(anonymous, app, recipient.id)
    anonymous.post(f"/m/abmelden/{token}/widerrufen")
    link = _confirmation_link(outbox()[-1])
    anonymous.post(link)
    anonymous.post(f"/m/abmelden/{token}")  # unsubscribed again, later
    refused = anonymous.post(link)
    assert refused.status_code == 400 and "früheren Abmeldung" in refused.text
    assert _status(engine, recipient.id) == RecipientStatus.unsubscribed


def test_expired_or_forged_confirmation_is_refused(anonymous, app, world, engine, monkeypatch):
    recipient = world.recipient_a
    _unsubscribe(anonymous, app, recipient.id)
    secret = mail_config(app.state.settings).secret_key
    with Session(engine) as session:
        claim = ReactivationClaim(recipient.id, session.get(Recipient, recipient.id).status_changed_at.isoformat())
    good = make_reactivation_token(secret, claim)
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 4 * 86400)
        expired = make_reactivation_token(secret, claim)
    tampered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    assert anonymous.post(f"/m/wieder-anmelden/{tampered}").status_code == 400
    response = anonymous.post(f"/m/wieder-anmelden/{expired}")
    assert response.status_code == 410 and "abgelaufen" in response.text
    unsubscribe_token = make_unsubscribe_token(secret, recipient.id)  # a token of another purpose
    assert anonymous.post(f"/m/wieder-anmelden/{unsubscribe_token}").status_code == 400
    assert _status(engine, recipient.id) == RecipientStatus.unsubscribed
    assert "Sie sind wieder angemeldet" in anonymous.post(f"/m/wieder-anmelden/{good}").text


def test_member_asks_for_reactivation_of_its_own_unsubscribed_address(member_a, anonymous, app, world, engine, outbox):
    _unsubscribe(anonymous, app, world.recipient_a2.id)
    page = member_a.page("/member/").text
    assert f'action="/member/recipients/{world.recipient_a2.id}/reactivate"' in page
    assert f'action="/member/recipients/{world.recipient_a.id}/reactivate"' not in page  # active: no button
    response = member_a.submit(f"/member/recipients/{world.recipient_a2.id}/reactivate")
    assert response.status_code == 200
    assert "Wir haben einen Bestätigungslink an klima@schermbeck.de geschickt" in response.text
    [message] = outbox()
    assert _header(message, "To") == "klima@schermbeck.de"
    assert _status(engine, world.recipient_a2.id) == RecipientStatus.unsubscribed  # the address must confirm
    anonymous.post(_confirmation_link(message))
    assert _status(engine, world.recipient_a2.id) == RecipientStatus.active


def test_member_cannot_reactivate_another_members_address(member_a, anonymous, app, world, engine, outbox):
    _unsubscribe(anonymous, app, world.recipient_b.id)
    response = member_a.submit(f"/member/recipients/{world.recipient_b.id}/reactivate")
    assert response.status_code == 404
    assert outbox() == []


def test_suppressed_address_is_not_offered_a_reactivation(anonymous, app, world, engine, outbox):
    with Session(engine) as session:
        recipient = session.get(Recipient, world.recipient_b.id)
        recipient.status = RecipientStatus.suppressed
        session.add(recipient)
        session.commit()
    token = make_unsubscribe_token(mail_config(app.state.settings).secret_key, world.recipient_b.id)
    response = anonymous.post(f"/m/abmelden/{token}/widerrufen")
    assert response.status_code == 409 and "kommen nicht an" in response.text
    assert outbox() == []

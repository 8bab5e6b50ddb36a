"""Unsubscribe and feedback links: the GET never acts, the cookie-less POST does, bad tokens are refused."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlmodel import Session, select

from mailer.config import mail_config
from mailer.send import send_period
from mailer.tokens import FeedbackClaim, make_feedback_token, make_unsubscribe_token
from store.db import make_engine
from store.models import AuditLog, Feedback, Recipient
from web import routes_mail


@pytest.fixture
def client(settings_env, engine):
    app = FastAPI()
    app.state.settings = settings_env
    app.state.engine = make_engine(settings_env.database_url)
    app.include_router(routes_mail.router)
    with TestClient(app, base_url="https://foerderradar.example.org") as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture
def secret(settings_env) -> str:
    return mail_config(settings_env).secret_key


def _recipient(engine, rid):
    with Session(engine) as session:
        return session.get(Recipient, rid)


def test_get_only_asks_and_one_click_post_unsubscribes_without_cookies(
    client, engine, world, secret, settings_env, today, period
):
    member = world.member("hattingen", recipients=["amt@hattingen.example"])
    world.match(member, world.programme("Programm"))
    token = make_unsubscribe_token(secret, 1)

    page = client.get(f"/m/abmelden/{token}")
    assert page.status_code == 200 and "Jetzt abmelden" in page.text and "amt@hattingen.example" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert _recipient(engine, 1).status == "active"

    client.cookies.clear()
    done = client.post(
        f"/m/abmelden/{token}",
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200 and "Sie sind abgemeldet" in done.text
    assert _recipient(engine, 1).status == "unsubscribed"
    with Session(engine) as session:
        assert session.exec(select(AuditLog.action)).all() == ["recipient.unsubscribe"]
    report = send_period(engine, mail_config(settings_env), period=period, today=today)
    assert report.sent == 0  # an unsubscribed address gets nothing more


def test_forged_and_expired_tokens_are_refused(client, engine, world, secret, monkeypatch):
    world.member("witten", recipients=["amt@witten.example"])
    good = make_unsubscribe_token(secret, 1)
    forged = make_unsubscribe_token("another-secret", 1)
    tampered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 91 * 86400)
        expired = make_unsubscribe_token(secret, 1)

    for token in (forged, tampered):
        response = client.post(f"/m/abmelden/{token}")
        assert response.status_code == 400 and "ungültig" in response.text
    response = client.post(f"/m/abmelden/{expired}")
    assert response.status_code == 410 and "abgelaufen" in response.text
    feedback_as_unsubscribe = make_feedback_token(secret, FeedbackClaim(1, 1, 1, None))
    assert client.post(f"/m/abmelden/{feedback_as_unsubscribe}").status_code == 400
    assert _recipient(engine, 1).status == "active"


def test_feedback_get_changes_nothing_and_post_records_one_verdict(client, engine, world, secret):
    member = world.member("bochum", recipients=["amt@bochum.example"])
    programme = world.programme("Stadtgrün <b>2027</b>")
    match = world.match(member, programme)
    token = make_feedback_token(secret, FeedbackClaim(1, member, programme, match))
    fits, fits_not = f"{token}/passt", f"{token}/passt-nicht"

    page = client.get(f"/m/feedback/{fits}")
    assert page.status_code == 200 and "Ja, passt" in page.text
    assert "&lt;b&gt;2027&lt;/b&gt;" in page.text  # titles are escaped
    with Session(engine) as session:
        assert session.exec(select(Feedback)).all() == []

    assert client.post(f"/m/feedback/{fits}").status_code == 200
    assert client.post(f"/m/feedback/{fits_not}").status_code == 200  # a change of mind replaces the vote
    with Session(engine) as session:
        [vote] = session.exec(select(Feedback)).all()
        assert (vote.fits, vote.recipient_id, vote.match_id, vote.channel) == (False, 1, match, "mail")

    forged = make_feedback_token("another-secret", FeedbackClaim(1, member, programme, match))
    assert client.post(f"/m/feedback/{forged}/passt").status_code == 400
    assert client.post(f"/m/feedback/{token}/vielleicht").status_code == 404

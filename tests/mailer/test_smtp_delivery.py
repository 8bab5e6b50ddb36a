"""Delivery through a real STARTTLS+AUTH SMTP server: headers, parts, non-ASCII."""

from __future__ import annotations

from sqlmodel import Session, select

from mailer.send import send_period
from store.models import DigestSend, Match


def test_digest_arrives_with_headers_parts_and_umlauts(engine, world, smtp_server, smtp_config, today, period):
    handler, _, _ = smtp_server
    member = world.member("muelheim-an-der-ruhr", "Stadt Mülheim an der Ruhr",
                          recipients=[("klaerwerk@muelheim.example", "Jürgen Weiß")])
    programme = world.programme("Förderung von Radwegen „Stadt & Land“", deadline=today.replace(month=12, day=15))
    world.match(member, programme, summary="Passt zu Ihren Interessen: Radverkehr, Klimaschutz")

    report = send_period(engine, smtp_config, period=period, today=today)

    assert report.sent == 1 and report.failed == 0
    [received] = handler.received
    message = received.message
    assert received.rcpt_tos == ["klaerwerk@muelheim.example"]
    assert message["To"].addresses[0].display_name == "Jürgen Weiß"
    assert "Stadt Mülheim an der Ruhr" in message["Subject"]
    assert message["Subject"].startswith("Förderradar KW 48: 1 neues Förderangebot")
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"])
    assert "<https://foerderradar.example.org/m/abmelden/" in unsubscribe and "<mailto:" in unsubscribe
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Id"] and message["Date"] and message["Reply-To"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Förderung von Radwegen „Stadt & Land“" in text
    assert "Förderung von Radwegen „Stadt &amp; Land“" in html
    assert "Warum passt das? Passt zu Ihren Interessen: Radverkehr, Klimaschutz" in text
    assert "15.12.2026 (noch 21 Tage)" in text
    with Session(engine) as session:
        [send] = session.exec(select(DigestSend)).all()
        assert send.state == "sent" and send.message_id == message["Message-ID"]
        assert session.exec(select(Match)).one().state == "sent"


def test_second_run_in_the_same_week_sends_nothing(engine, world, smtp_server, smtp_config, today, period):
    handler, _, _ = smtp_server
    member = world.member("selm", "Stadt Selm", recipients=["a@selm.example", "b@selm.example"])
    world.match(member, world.programme("Klimaschutz in Kommunen"))

    first = send_period(engine, smtp_config, period=period, today=today)
    second = send_period(engine, smtp_config, period=period, today=today)

    assert first.sent == 2
    assert second.sent == 0 and second.already_sent == 2
    assert len(handler.received) == 2

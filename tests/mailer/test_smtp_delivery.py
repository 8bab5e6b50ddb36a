"""Delivery through a real STARTTLS+AUTH SMTP server: headers, parts, non-ASCII."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from mailer.send import send_period
from store.models import DigestSend, Match


def test_digest_arrives_with_headers_parts_and_umlauts(engine, world, smtp_server, smtp_config, today, period):
    handler, _, _ = smtp_server
    member = world.member(
        "muelheim-an-der-ruhr", "Stadt Mülheim an der Ruhr", recipients=[("klaerwerk@muelheim.example", "Jürgen Weiß")]
    )
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
    assert "1 neues Angebot." in html  # the preheader, shown next to the subject in the inbox
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


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_implicit_tls_with_auth_and_a_silent_server_times_out(
    engine, world, tmp_path, mail_config, smtp_kit, today, period
):
    """FOERDERRADAR_SMTP_TLS (port 465 style) works; a server that never answers defers, not hangs."""
    import socket
    import ssl
    import threading

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    cert_file, key_file = smtp_kit.self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    handler = smtp_kit.RecordingHandler()

    class ImplicitTLS(Controller):
        def factory(self):
            return SMTP(
                self.handler,
                authenticator=smtp_kit.authenticator,
                auth_required=True,
                auth_require_tls=False,
                hostname="localhost",
            )

    port = smtp_kit.free_port()
    controller = ImplicitTLS(handler, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    member = world.member("marl", "Stadt Marl", recipients=["amt@marl.example"])
    world.match(member, world.programme("Programm"))
    mail_config.backend, mail_config.smtp_port, mail_config.smtp_tls = "smtp", port, True
    mail_config.smtp_user, mail_config.smtp_password = smtp_kit.user, smtp_kit.password
    mail_config.smtp_cafile = str(cert_file)
    try:
        assert send_period(engine, mail_config, period=period, today=today).sent == 1
    finally:
        controller.stop()
    assert [r.rcpt_tos for r in handler.received] == [["amt@marl.example"]]

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    stop = threading.Event()
    threading.Thread(target=lambda: (silent.accept(), stop.wait(30)), daemon=True).start()
    world.match(world.member("haltern", recipients=["amt@haltern.example"]), world.programme("Noch eins"))
    mail_config.smtp_port, mail_config.smtp_tls, mail_config.smtp_timeout = silent.getsockname()[1], False, 1
    try:
        report = send_period(engine, mail_config, period=period, today=today)
    finally:
        stop.set()
        silent.close()
    assert report.sent == 0 and report.deferred == 1

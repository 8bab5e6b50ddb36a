"""The digest's headers as they are on the wire, not as the email package reads them back.

Mailbox providers read the raw List-Unsubscribe header: an RFC 2047 encoded-word there hides the
URIs and no one-click unsubscribe is offered. So these tests look at the serialised bytes: what
``wire_bytes`` produces and what a real SMTP server (aiosmtpd) receives.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest

from mailer.headers import build_message, wire_bytes
from mailer.render import RenderedDigest
from mailer.send import send_period

REQUIRED = ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "List-Id", "List-Unsubscribe")
LIST_UNSUBSCRIBE = re.compile(r"^<https://[^\s<>]+>, <mailto:[^\s<>]+>$")


def header_problems(raw: bytes) -> list[str]:
    """A small linter for the raw header block (RFC 5322, RFC 2369, RFC 8058)."""
    problems = []
    head, separator, _body = raw.partition(b"\r\n\r\n")
    if not separator:
        return ["no CRLF CRLF between header and body"]
    for number, line in enumerate(raw.split(b"\r\n"), 1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {number}: bare CR or LF")
        if len(line) > 998:
            problems.append(f"line {number}: {len(line)} octets > 998")
    fields: dict[str, list[str]] = {}
    for line in head.decode("ascii").split("\r\n"):
        if line[:1] in (" ", "\t"):
            name = list(fields)[-1]
            fields[name][-1] += line  # unfold: CRLF removed, the whitespace stays
        else:
            name, _, value = line.partition(":")
            fields.setdefault(name.lower(), []).append(value.strip())
    for name in REQUIRED + ("List-Unsubscribe-Post",):
        if len(fields.get(name.lower(), [])) != 1:
            problems.append(f"{name}: expected once, found {len(fields.get(name.lower(), []))}")
    for name, values in fields.items():
        if name.startswith("list-") and any("=?" in value for value in values):
            problems.append(f"{name}: encoded-word {values}")
    if not LIST_UNSUBSCRIBE.match(fields.get("list-unsubscribe", [""])[0]):
        problems.append(f"List-Unsubscribe not '<https://…>, <mailto:…>': {fields.get('list-unsubscribe')}")
    if fields.get("list-unsubscribe-post") != ["List-Unsubscribe=One-Click"]:
        problems.append(f"List-Unsubscribe-Post: {fields.get('list-unsubscribe-post')}")
    if fields.get("mime-version") != ["1.0"]:
        problems.append(f"MIME-Version: {fields.get('mime-version')}")
    return problems


def strict_defects(raw: bytes) -> list[str]:
    """Parse with the strict policy (raises on a defect) and collect any defect left on headers or parts."""
    message = BytesParser(policy=policy.strict).parsebytes(raw)
    defects = [f"{name}: {value.defects}" for name, value in message.items() if value.defects]
    for part in message.walk():
        defects += [f"part {part.get_content_type()}: {d!r}" for d in part.defects]
    return defects


def test_the_linter_finds_what_the_email_package_did_to_list_unsubscribe():
    broken = (
        b"MIME-Version: 1.0\r\nFrom: a@b.example\r\nTo: c@d.example\r\nSubject: x\r\n"
        b"Date: Tue, 24 Nov 2026 07:00:00 +0100\r\nMessage-ID: <1@b.example>\r\nList-Id: <l.b.example>\r\n"
        b"List-Unsubscribe: =?utf-8?q?=3Chttp=3A//127=2E0=2E0=2E1=3A8000/m/abmelden/ey?=\r\n"
        b" <mailto:x@b.example>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nbody\r\n"
    )
    assert any("encoded-word" in problem for problem in header_problems(broken))
    assert any("not '<https://" in problem for problem in header_problems(broken))


def test_wire_bytes_have_plain_folded_list_headers_and_every_required_header(mail_config):
    mail_config.public_base_url = "https://foerderradar.example.org"
    message = build_message(
        RenderedDigest("Förderradar KW 48: 2 neue Förderangebote für Bönen", "2 neue Angebote.", "<p>Ä</p>", "Ä"),
        mail_config,
        recipient_id=17,
        email="kaemmerei@boenen.example",
        name="Jürgen Weiß",
        period="2026-W48",
        msg_id="<digest.2026-W48.r17.abc@rvr.ruhr>",
        now=datetime(2026, 11, 24, 6, 0, tzinfo=UTC),
    )
    raw = wire_bytes(message)

    assert header_problems(raw) == []
    assert strict_defects(raw) == []
    assert b"\r\nMIME-Version: 1.0\r\n" in b"\r\n" + raw
    assert b"\r\nDate: Tue, 24 Nov 2026 07:00:00 +0100\r\n" in raw
    assert b"\r\nList-Id: Foerderradar Ruhr <foerderradar.rvr.ruhr>\r\n" in raw
    assert re.search(
        rb"\r\nList-Unsubscribe: <https://foerderradar\.example\.org/m/abmelden/[\w.-]+>,\r\n"
        rb" <mailto:foerderradar-abmelden@rvr\.ruhr\?subject=abmelden%20r17>\r\n",
        raw,
    )


def test_a_header_that_cannot_go_verbatim_is_refused(mail_config):
    mail_config.unsubscribe_mailto = "abmelden@förderradar.example"
    message = build_message(
        RenderedDigest("x", "x", "x", "x"),
        mail_config,
        recipient_id=1,
        email="a@b.example",
        name="",
        period="2026-W48",
        msg_id="<1@b.example>",
        now=datetime(2026, 11, 24, tzinfo=UTC),
    )
    with pytest.raises(ValueError, match="List-Unsubscribe: nur ASCII"):
        wire_bytes(message)


def test_what_reaches_the_smtp_server_passes_the_linter_and_the_strict_parser(
    engine, world, smtp_server, smtp_config, today, period
):
    handler, _, _ = smtp_server
    smtp_config.public_base_url = "https://foerderradar.example.org"
    member = world.member("boenen", "Gemeinde Bönen", recipients=[("kaemmerei@boenen.example", "Jürgen Weiß")])
    world.match(member, world.programme("Bundesförderung für effiziente Gebäude – Nichtwohngebäude"))

    assert send_period(engine, smtp_config, period=period, today=today).sent == 1

    [received] = handler.received
    assert header_problems(received.raw) == []
    assert strict_defects(received.raw) == []

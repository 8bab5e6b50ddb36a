"""Bounce handling on real-format DSNs: parsing, suppression rules, the Maildir folder."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from mailer.bounces.parse import parse_bounce
from mailer.bounces.process import process_bounce_maildir
from store.models import BounceEvent, Recipient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bounces"


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "email", "permanent", "code", "message_id"),
    [
        (
            "postfix_user_unknown.eml",
            "alt.kaemmerei@schermbeck.example",
            True,
            "5.1.1",
            "<digest.2026-W48.r7.3f1a9c0b2d4e@rvr.ruhr>",
        ),
        (
            "postfix_delayed.eml",
            "klimaschutz@selm.example",
            False,
            "4.4.1",
            "<digest.2026-W48.r12.a0b1c2d3e4f5@rvr.ruhr>",
        ),
        (
            "exchange_ndr_recipient_not_found.eml",
            "stadtplanung@gelsenkirchen.example",
            True,
            "5.1.10",
            "<digest.2026-W48.r21.77aa88bb99cc@rvr.ruhr>",
        ),
        (
            "gmail_mailbox_full.eml",
            "buergermeister.bottrop@gmail.example",
            False,
            "4.2.2",
            "<digest.2026-W48.r30.0123456789ab@rvr.ruhr>",
        ),
        (
            "exim_text_only.eml",
            "foerdermittel@herne.example",
            True,
            "5.2.1",
            "<digest.2026-W48.r44.5566778899aa@rvr.ruhr>",
        ),
    ],
)
def test_dsn_fixtures_parse_to_the_failed_address(name, email, permanent, code, message_id):
    [failure] = parse_bounce(_fixture(name))
    assert (failure.email, failure.permanent, failure.status_code, failure.message_id) == (
        email,
        permanent,
        code,
        message_id,
    )


def test_an_out_of_office_reply_is_not_a_bounce():
    assert parse_bounce(_fixture("out_of_office.eml")) == []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parser_never_fails_on_arbitrary_bytes(raw):
    assert isinstance(parse_bounce(raw), list)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_parser_never_fails_on_a_mangled_delivery_status(garbage):
    raw = _fixture("postfix_user_unknown.eml").decode()
    head, _, tail = raw.partition("Final-Recipient:")
    mangled = (head + garbage + tail).encode("utf-8", "surrogateescape")
    for failure in parse_bounce(mangled):
        assert "@" in failure.email


def _drop(folder: Path, name: str) -> None:
    box = mailbox.Maildir(folder, create=True)
    box.add(_fixture(name))
    box.close()


def test_bounce_folder_suppresses_after_one_permanent_or_three_temporary_failures(engine, world, tmp_path):
    world.member("schermbeck", recipients=["alt.kaemmerei@schermbeck.example"])
    world.member("bottrop", recipients=["buergermeister.bottrop@gmail.example"])
    world.member("dorsten", recipients=["kaemmerei@dorsten.example"])
    folder = tmp_path / "bounces"
    for name in ("postfix_user_unknown.eml", "gmail_mailbox_full.eml", "out_of_office.eml"):
        _drop(folder, name)

    first = process_bounce_maildir(engine, folder)
    again = process_bounce_maildir(engine, folder)  # nothing is counted twice

    assert (first.messages, first.failures, first.not_bounces) == (3, 2, 1)
    assert first.suppressed == ["alt.kaemmerei@schermbeck.example"]
    assert again.messages == 0

    def status(email):
        with Session(engine) as session:
            r = session.exec(select(Recipient).where(Recipient.email == email)).one()
            return r.status, r.soft_bounces

    assert status("alt.kaemmerei@schermbeck.example")[0] == "suppressed"
    assert status("buergermeister.bottrop@gmail.example") == ("bouncing", 1)
    assert status("kaemmerei@dorsten.example") == ("active", 0)

    for _ in range(2):
        _drop(folder, "gmail_mailbox_full.eml")
    report = process_bounce_maildir(engine, folder)
    assert report.suppressed == ["buergermeister.bottrop@gmail.example"]
    assert status("buergermeister.bottrop@gmail.example") == ("suppressed", 3)
    with Session(engine) as session:
        assert len(session.exec(select(BounceEvent)).all()) == 4

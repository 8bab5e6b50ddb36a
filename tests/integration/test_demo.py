"""`foerderradar demo` end to end, in a subprocess (the Twisted reactor runs once per process)."""

from __future__ import annotations

import email
import json
import mailbox
import os
import socket
import subprocess
import sys
from email.utils import parseaddr
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "foerderradar", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


@pytest.fixture
def demo_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOERDERRADAR_")}
    env |= {
        "FOERDERRADAR_DATA_DIR": str(tmp_path / "data"),
        "FOERDERRADAR_DATABASE_URL": database_url,
        "FOERDERRADAR_SECRET_KEY": "demo-test-secret",
    }
    return env


def test_demo_fills_the_outbox_once_per_week(demo_env, tmp_path):
    result = run_cli("demo", "--json", env=demo_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["programmes_per_source"]["foerderdatenbank"] >= 50
    assert len(summary["programmes_per_source"]) >= 3, "the demo crawls the EU and NRW snapshots too"
    assert all(run["status"] != "failed" for run in summary["runs"])
    with_matches = summary["matches_per_member"]
    assert with_matches and "schermbeck" in with_matches
    assert len(with_matches) + len(summary["members_without_matches"]) == 58
    assert summary["proposed_left"] > 0, "the review page has proposals to curate after the demo"
    outbox = mailbox.Maildir(tmp_path / "data" / "outbox", create=False)
    recipients = sorted(parseaddr(str(message["To"]))[1] for message in outbox)
    assert summary["digests_sent"] == len(recipients) == len(with_matches)
    assert recipients == sorted(f"{slug}@example.org" for slug in with_matches)
    one = next(iter(outbox))
    assert one.get_content_type() == "multipart/alternative"
    assert "Förderradar" in str(email.header.make_header(email.header.decode_header(one["Subject"])))

    again = run_cli("demo", "--json", env=demo_env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["digests_sent"] == 0
    assert len(list(mailbox.Maildir(tmp_path / "data" / "outbox", create=False))) == len(recipients)

    human = run_cli("demo", env=demo_env, cwd=tmp_path)
    assert "Treffer je Mitglied" in human.stdout and "foerderdatenbank" in human.stdout


class Collector(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[email.message.Message] = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def test_demo_over_smtp_delivers_once_and_digest_send_delivers_none(demo_env, tmp_path):
    handler = Collector()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = demo_env | {
            "FOERDERRADAR_MAIL_BACKEND": "smtp",
            "FOERDERRADAR_SMTP_HOST": "127.0.0.1",
            "FOERDERRADAR_SMTP_PORT": str(port),
        }
        result = run_cli("demo", "--json", env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        delivered = sorted(parseaddr(str(m["To"]))[1] for m in handler.messages)
        assert delivered == sorted(f"{slug}@example.org" for slug in summary["matches_per_member"])
        assert len({m["Message-ID"] for m in handler.messages}) == len(delivered)
        send = run_cli("digest", "send", env=env, cwd=tmp_path)
        assert send.returncode == 0, send.stderr
        assert len(handler.messages) == len(delivered)
    finally:
        controller.stop()

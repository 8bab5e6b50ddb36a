"""The mail commands and the scheduler process, run for real (CLI in-process, scheduler as a child)."""

from __future__ import annotations

import datetime as dt
import mailbox
import signal
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from foerderradar.cli import app
from store.db import init_database, make_engine
from store.models import AuditLog, DigestSend, Match

runner = CliRunner()


@pytest.fixture
def migrated(settings_env, database_url):
    """A database made by the migrations, as the commands expect it, with a small World."""
    init_database(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _outbox(settings) -> int:
    path = settings.maildir_path
    return len(mailbox.Maildir(path, create=False)) if path.exists() else 0


def test_digest_send_twice_in_one_week_delivers_once(migrated, settings_env, request):
    world = request.getfixturevalue("world_on")(migrated)
    member = world.member(
        "schermbeck", "Gemeinde Schermbeck", recipients=["a@schermbeck.example", "b@schermbeck.example"]
    )
    world.match(member, world.programme("Dorfentwicklung"), released=False)

    released = runner.invoke(app, ["digest", "release", "--member", "schermbeck"])
    first = runner.invoke(app, ["digest", "send"])
    second = runner.invoke(app, ["digest", "send", "--json"])

    assert released.exit_code == 0 and "1 Treffer freigegeben" in released.output
    assert first.exit_code == 0 and "Versendet: 2" in first.output
    assert second.exit_code == 0 and '"sent": 0' in second.output and '"already_sent": 2' in second.output
    assert _outbox(settings_env) == 2
    with Session(migrated) as session:
        assert session.exec(select(Match.state)).all() == ["sent"]
        assert "digest.release" in session.exec(select(AuditLog.action)).all()
    world.match(member, world.programme("Radwege"), released=False)
    late = runner.invoke(app, ["digest", "release", "--member", "schermbeck"])
    assert late.exit_code == 0 and "bereits versandt" in late.output and "nächsten Digest" in late.output


def test_preview_writes_the_next_digest_without_sending(migrated, settings_env, request, tmp_path):
    world = request.getfixturevalue("world_on")(migrated)
    member = world.member("selm", "Stadt Selm", recipients=["a@selm.example"])
    world.match(member, world.programme("Städtebauförderung"))
    target = tmp_path / "vorschau.html"

    result = runner.invoke(app, ["digest", "preview", "--member", "selm", "--out", str(target)])
    unknown = runner.invoke(app, ["digest", "preview", "--member", "atlantis"])
    bad_period = runner.invoke(app, ["digest", "send", "--period", "2026-48"])

    assert result.exit_code == 0 and "Betreff: Förderradar KW" in result.output
    assert "Städtebauförderung" in target.read_text(encoding="utf-8")
    assert unknown.exit_code == 2 and "atlantis" in unknown.output
    assert bad_period.exit_code == 2 and "2026-48" in bad_period.output
    assert _outbox(settings_env) == 0
    with Session(migrated) as session:
        assert session.exec(select(DigestSend)).all() == []


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_scheduler_catches_up_after_a_restart_and_never_sends_twice(
    migrated, settings_env, request, monkeypatch, tmp_path
):
    world = request.getfixturevalue("world_on")(migrated)
    addresses = [f"person{n}@dorsten.example" for n in range(12)]
    member = world.member("dorsten", "Stadt Dorsten", recipients=addresses)
    world.match(member, world.programme("Quartiersentwicklung"))
    berlin_now = dt.datetime.now(ZoneInfo("Europe/Berlin"))
    fired = berlin_now - dt.timedelta(minutes=2)  # the Tuesday job "should have run" two minutes ago
    monkeypatch.setenv("FOERDERRADAR_DIGEST_SEND_DAY", fired.strftime("%a").lower())
    monkeypatch.setenv("FOERDERRADAR_DIGEST_SEND_TIME", fired.strftime("%H:%M"))
    monkeypatch.setenv("FOERDERRADAR_CRAWL_DAY", (berlin_now + dt.timedelta(days=3)).strftime("%a").lower())
    command = [sys.executable, "-c", "from foerderradar.cli import app; app()", "scheduler"]

    def all_sent() -> bool:
        with Session(migrated) as session:
            states = session.exec(select(DigestSend.state)).all()
        return len(states) == len(addresses) and set(states) == {"sent"}

    log = tmp_path / "scheduler.log"
    with open(log, "wb") as out:
        first = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            assert _wait_for(all_sent), log.read_text()
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        assert _outbox(settings_env) == len(addresses)

        before = len(log.read_text(errors="replace"))

        def second_run_decided() -> bool:  # skipped (firing done) or ran again (killed before marking it done)
            lines = log.read_text(errors="replace")[before:].splitlines()
            return any("send-digests@" in line and ("übersprungen" in line or "fertig" in line) for line in lines)

        second = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            assert _wait_for(second_run_decided), log.read_text()
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
    assert _outbox(settings_env) == len(addresses)  # the restart sent nobody a second digest


def test_bounces_process_command_suppresses_the_address(migrated, settings_env, request):
    from pathlib import Path

    world = request.getfixturevalue("world_on")(migrated)
    world.member("schermbeck", recipients=["alt.kaemmerei@schermbeck.example"])
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "bounces" / "postfix_user_unknown.eml"
    settings_env.bounce_maildir_path.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(settings_env.bounce_maildir_path, create=True)
    box.add(fixture.read_bytes())
    box.close()

    result = runner.invoke(app, ["bounces", "process"])

    assert result.exit_code == 0 and "gesperrt: alt.kaemmerei@schermbeck.example" in result.output

"""``digest send`` ends with code 3 and "N Mails warten …" while mails wait for a retry, 0 after."""

from __future__ import annotations

import socket

from typer.testing import CliRunner

from foerderradar.cli import app
from foerderradar.exitcodes import ExitCode
from store.db import init_database, make_engine

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _reset_settings(monkeypatch, **env):
    from core.settings import get_settings

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_digest_send_exits_3_and_says_how_many_mails_wait_then_0(settings_env, database_url, monkeypatch, request):
    init_database(database_url)
    engine = make_engine(database_url)
    world = request.getfixturevalue("world_on")(engine)
    world.match(world.member("herten", recipients=["a@herten.example", "b@herten.example"]), world.programme("Sport"))
    with socket.socket() as probe:  # a port nothing listens on: the mail server is down
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    _reset_settings(monkeypatch, FOERDERRADAR_MAIL_BACKEND="smtp", FOERDERRADAR_SMTP_PORT=str(closed_port))

    outage = invoke("digest", "send")

    assert outage.exit_code == ExitCode.RETRY_LATER == 3
    last = outage.output.strip().splitlines()[-1]
    assert last.startswith("2 Mails warten auf einen neuen Versuch ab ") and last.endswith(" Uhr")

    _reset_settings(monkeypatch, FOERDERRADAR_MAIL_BACKEND="maildir")
    resumed = invoke("digest", "send")
    assert resumed.exit_code == 0
    assert resumed.output.strip().splitlines()[-1] == "Keine Mail wartet auf einen neuen Versuch."
    engine.dispose()


def test_run_weekly_combines_crawl_and_send_codes():
    from foerderradar.cli_mail import weekly_exit_code

    assert weekly_exit_code(None, ExitCode.OK) == weekly_exit_code(0, ExitCode.OK) == ExitCode.OK
    assert weekly_exit_code(3, ExitCode.OK) == ExitCode.RETRY_LATER  # a source was busy with another crawl
    assert weekly_exit_code(0, ExitCode.RETRY_LATER) == ExitCode.RETRY_LATER
    assert weekly_exit_code(1, ExitCode.RETRY_LATER) == ExitCode.RUN_FAILED
    assert weekly_exit_code(-9, ExitCode.OK) == ExitCode.RUN_FAILED  # the crawl process was killed

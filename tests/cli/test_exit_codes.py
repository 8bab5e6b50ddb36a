"""One table of exit codes, the same in every command; database failures as one German line."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from foerderradar.cli import app
from foerderradar.exitcodes import EXIT_CODE_MEANINGS, ExitCode
from store.db import create_all, make_engine

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _reset_settings(monkeypatch, **env):
    from core.settings import get_settings

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_the_table_is_the_one_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3]
    for code, meaning in EXIT_CODE_MEANINGS.items():
        assert f"| {int(code)} | {meaning} |" in readme


def test_bad_input_is_2_everywhere(settings_env):
    assert invoke("digest", "send", "--period", "2026-48").exit_code == ExitCode.BAD_INPUT
    assert invoke("crawl").exit_code == ExitCode.BAD_INPUT
    assert invoke("crawl", "atlantis").exit_code == ExitCode.BAD_INPUT
    assert invoke("digest", "release").exit_code == ExitCode.BAD_INPUT


# ---------------------------------------------------------------------------------------------
# Database failures
# ---------------------------------------------------------------------------------------------

COMMANDS_THAT_READ = [
    ("matches", "--member", "selm"),
    ("match",),
    ("digest", "preview", "--member", "selm"),
    ("sources",),
]
COMMANDS_THAT_INIT = [("init",), ("digest", "send"), ("profiles", "seed")]


def _one_error_line(result) -> str:
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("args", COMMANDS_THAT_READ + COMMANDS_THAT_INIT)
def test_unreachable_database_is_one_line_and_exit_1(settings_env, monkeypatch, args):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _reset_settings(
        monkeypatch, FOERDERRADAR_DATABASE_URL=f"postgresql://postgres:geheim@127.0.0.1:{port}/foerderradar"
    )

    result = invoke(*args)

    assert result.exit_code == ExitCode.RUN_FAILED
    line = _one_error_line(result)
    assert line.startswith("Fehler: Datenbank postgresql://********@127.0.0.1:") and "nicht erreichbar" in line
    assert "geheim" not in result.output


@pytest.mark.parametrize("args", COMMANDS_THAT_READ)
def test_database_never_initialised_says_run_init(settings_env, database_url, args):
    make_engine(database_url).dispose()

    result = invoke(*args)

    assert result.exit_code == ExitCode.RUN_FAILED
    line = _one_error_line(result)
    assert "ist nicht eingerichtet" in line and "Führen Sie `foerderradar init` aus." in line


def test_database_made_without_alembic_can_be_stamped_when_equal(settings_env, database_url):
    engine = make_engine(database_url)
    create_all(engine)

    refused = invoke("init")

    assert refused.exit_code == ExitCode.RUN_FAILED
    line = _one_error_line(refused)
    assert "ohne Migrationen (Alembic) angelegt" in line and "foerderradar init --stamp" in line
    stamped = invoke("init", "--stamp")
    assert stamped.exit_code == 0 and "Datenbank bereit" in stamped.output
    assert invoke("init").exit_code == 0
    engine.dispose()


def test_database_made_without_alembic_that_differs_must_be_recreated(settings_env, database_url):
    engine = make_engine(database_url)
    create_all(engine)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE digestsend DROP COLUMN size_bytes"))

    for args in (("init",), ("init", "--stamp")):
        result = invoke(*args)
        assert result.exit_code == ExitCode.RUN_FAILED
        line = _one_error_line(result)
        assert "weicht vom aktuellen Schema ab" in line and "neu an" in line
    engine.dispose()

"""``foerderradar staff add`` / ``staff token`` and ``serve --help`` (the real CLI, in process)."""

from __future__ import annotations

from sqlmodel import Session, select
from typer.testing import CliRunner

from foerderradar.cli import app as cli
from store.models import AuditLog, StaffUser
from web.auth import authenticate, user_for_api_token

runner = CliRunner()


def test_staff_add_and_token(settings_env, engine, monkeypatch):
    monkeypatch.setenv("FOERDERRADAR_STAFF_PASSWORD", "ein-sehr-langes-passwort")
    result = runner.invoke(cli, ["staff", "add", "Neu@RVR.ruhr", "--role", "admin", "--name", "Nora Neu"])
    assert result.exit_code == 0, result.output
    assert "neu@rvr.ruhr (admin)" in result.output
    with Session(engine) as session:
        assert authenticate(session, "neu@rvr.ruhr", "ein-sehr-langes-passwort").name == "Nora Neu"
    result = runner.invoke(cli, ["staff", "token", "neu@rvr.ruhr"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    with Session(engine) as session:
        assert user_for_api_token(session, token).email == "neu@rvr.ruhr"
        assert session.exec(select(AuditLog).where(AuditLog.action == "staff.api_token")).one()
        assert token not in session.exec(select(StaffUser)).one().api_token_hash


def test_staff_add_refuses_bad_input(settings_env, engine, monkeypatch):
    monkeypatch.setenv("FOERDERRADAR_STAFF_PASSWORD", "kurz")
    result = runner.invoke(cli, ["staff", "add", "a@rvr.ruhr"])
    assert result.exit_code == 2 and "zu kurz" in result.output
    monkeypatch.setenv("FOERDERRADAR_STAFF_PASSWORD", "ein-sehr-langes-passwort")
    result = runner.invoke(cli, ["staff", "add", "a@rvr.ruhr", "--role", "chef"])
    assert result.exit_code == 2 and "chef" in result.output
    result = runner.invoke(cli, ["staff", "token", "niemand@rvr.ruhr"])
    assert result.exit_code == 2 and "niemand@rvr.ruhr" in result.output
    with Session(engine) as session:
        assert session.exec(select(StaffUser)).all() == []


def test_staff_add_asks_twice_without_env(settings_env, engine):
    result = runner.invoke(
        cli, ["staff", "add", "b@rvr.ruhr"], input="ein-sehr-langes-passwort\nein-sehr-langes-passwort\n"
    )
    assert result.exit_code == 0, result.output
    assert "Passwort wiederholen" in result.output


def test_serve_help_names_settings(settings_env):
    result = runner.invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "FOERDERRADAR_WEB_PORT" in result.output

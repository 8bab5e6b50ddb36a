"""The shell: settings, init, profile and programme files, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys

from sqlmodel import Session, select
from typer.testing import CliRunner

from foerderradar.cli import app
from store.db import make_engine
from store.models import CrawlRun, Member, Programme

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_every_command_has_help(settings_env):
    import typer.main

    assert invoke("--help").exit_code == 0
    root = typer.main.get_command(app)
    assert {"config", "init", "crawl", "profiles", "programmes"} <= set(root.commands)

    def paths(group, prefix):
        for name, command in group.commands.items():
            yield [*prefix, name]
            if hasattr(command, "commands"):  # a group (typer vendors its own click)
                yield from paths(command, [*prefix, name])

    all_paths = list(paths(root, []))
    assert ["digest", "send"] in all_paths and ["match", "evaluate"] in all_paths
    for path in all_paths:
        result = invoke(*path, "--help")
        assert result.exit_code == 0 and "Usage" in result.output, path


def test_config_masks_secrets(settings_env, monkeypatch):
    monkeypatch.setenv("FOERDERRADAR_SMTP_PASSWORD", "hunter2")
    from core.settings import get_settings

    get_settings.cache_clear()
    result = invoke("config", "--json")
    shown = json.loads(result.output)
    assert shown["FOERDERRADAR_SMTP_PASSWORD"] == "********"
    assert "hunter2" not in result.output and "test-secret-key" not in result.output
    assert shown["FOERDERRADAR_MAIL_BACKEND"] == "maildir"


def test_bad_setting_fails_at_start_naming_the_variable(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "FOERDERRADAR_SMTP_PORT": "zweihundert", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "foerderradar", "config"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "FOERDERRADAR_SMTP_PORT" in result.stderr


def test_init_twice_is_harmless(settings_env):
    assert invoke("init").exit_code == 0
    with Session(make_engine(settings_env.database_url)) as session:
        session.add(Member(slug="selm", name="Selm", kind="kreisangehoerige_gemeinde"))
        session.commit()
    second = invoke("init")
    assert second.exit_code == 0
    with Session(make_engine(settings_env.database_url)) as session:
        assert [m.slug for m in session.exec(select(Member))] == ["selm"]


def test_profiles_seed_import_bad_file_changes_nothing(settings_env, tmp_path):
    assert invoke("profiles", "seed").exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- slug: selm\n  name: Selm\n  kind: kreisangehoerige_gemeinde\n  interests: neu\n"
        "- slug: werne\n  name: Werne\n  kind: dorf\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["profiles", "import", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml, Zeile 7" in result.output and "dorf" in result.output
    exported = tmp_path / "out.yaml"
    assert invoke("profiles", "export", str(exported), "--member", "selm").exit_code == 0
    assert "neu" not in exported.read_text(encoding="utf-8").split("interests:")[1].split("\n")[0]


def test_programmes_import_skips_bad_rows_and_upserts_by_url(settings_env, tmp_path):
    csv_file = tmp_path / "programme.csv"
    csv_file.write_text(
        "title;url;level;regions;eligible_applicants;deadline;description\n"
        "Aufruf Klimaschutz im Quartier;https://ministerium.example/aufruf;land;nordrhein_westfalen;kommune;"
        "31.12.2099;Förderung von Quartierskonzepten\n"
        ";https://ministerium.example/ohne-titel;land;;;;\n"
        "Veranstaltung Fördermittel;https://ministerium.example/event;bund;_bundesweit;kommune;kein Datum;\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["programmes", "import", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert "Zeile 3: Spalte title" in result.output and "Zeile 4: Spalte deadline" in result.output
    again = runner.invoke(app, ["programmes", "import", str(csv_file)])
    assert "0 neu" in again.output and "1 unverändert" in again.output
    with Session(make_engine(settings_env.database_url)) as session:
        programme = session.exec(select(Programme)).one()
        assert (programme.source_key, programme.status, str(programme.next_deadline)) == (
            "manual",
            "open",
            "2099-12-31",
        )
        assert all(run.status == "success" for run in session.exec(select(CrawlRun)))

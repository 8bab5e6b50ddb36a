"""Every crawl ends in a known state, and one source is crawled by one process at a time.

Real subprocesses of `foerderradar crawl` against a loopback server, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from crawler.spiders.foerderdatenbank.export_writer import ExportWriter
from foerderradar.demo_server import SnapshotResponse, SnapshotServer
from store.db import init_database, make_engine
from store.models import CrawlRun, Programme

EXPORT_XML = Path(__file__).resolve().parents[1] / "fixtures" / "foerderdatenbank" / "export_xml"
ENV = {
    "FOERDERRADAR_CRAWL_DOWNLOAD_DELAY": "0",
    "FOERDERRADAR_CRAWL_AUTOTHROTTLE": "false",
    "FOERDERRADAR_CRAWL_RETRY_TIMES": "0",
    "COLUMNS": "200",
}
CLI = [sys.executable, "-c", "from foerderradar.cli import app; app()"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=os.environ | ENV, timeout=120)


def start_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ | ENV
    )


def export_zip() -> bytes:
    writer = ExportWriter()
    writer.add_tree(EXPORT_XML)
    return writer.to_zip()


def runs(database_url: str) -> list[CrawlRun]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(CrawlRun).order_by(CrawlRun.id)).all())
    finally:
        engine.dispose()


def _slow_export(release: threading.Event, body: bytes):
    def handle(_request):
        release.wait(60)
        return SnapshotResponse(body, "application/zip")

    return handle


def _wait_for_running_run(database_url: str) -> None:
    for _ in range(300):
        if any(run.status == "running" for run in runs(database_url)):
            return
        time.sleep(0.1)
    raise AssertionError("the crawl never started its run")


def _refuse_programme_inserts(database_url: str) -> None:
    """A database fault the crawl cannot foresee: every new programme row is refused."""
    engine = make_engine(database_url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_programme BEFORE INSERT ON programme "
                    "BEGIN SELECT RAISE(ABORT, 'Speicher voll (Test)'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_programme() RETURNS trigger AS $$ "
                    "BEGIN RAISE EXCEPTION 'Speicher voll (Test)'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_programme BEFORE INSERT ON programme "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_programme()"
                )
            )
    engine.dispose()


def test_a_database_error_while_storing_fails_the_run_with_its_text(settings_env):
    init_database(settings_env.database_url)
    _refuse_programme_inserts(settings_env.database_url)
    with SnapshotServer() as server:
        server.add_static("GET", "/FDB/WS/export", export_zip(), "application/zip")
        result = run_cli("crawl", "foerderdatenbank", "--url", server.url("/FDB/WS/export"))

    assert result.returncode == 1
    assert "Speicher voll (Test)" in result.stderr and "FEHLER" in result.stderr  # logged in German on stderr
    [run] = runs(settings_env.database_url)
    assert run.status == "failed" and "Speicher voll (Test)" in run.error and run.finished_at is not None
    shown = json.loads(run_cli("sources", "--json").stdout)
    [fdb] = [entry for entry in shown if entry["key"] == "foerderdatenbank"]
    assert fdb["status"] == "failed" and fdb["broken"] and "Speicher voll (Test)" in fdb["reason"]


def test_a_killed_crawl_is_marked_aborted_by_the_next_one(settings_env):
    init_database(settings_env.database_url)
    release = threading.Event()
    body = export_zip()
    with SnapshotServer() as server:
        server.add_route("GET", "/slow/export", _slow_export(release, body))
        server.add_static("GET", "/FDB/WS/export", body, "application/zip")
        killed = start_cli("crawl", "foerderdatenbank", "--url", server.url("/slow/export"))
        try:
            _wait_for_running_run(settings_env.database_url)
        finally:
            os.kill(killed.pid, signal.SIGKILL)
            killed.communicate(timeout=30)
            release.set()
        assert [run.status for run in runs(settings_env.database_url)] == ["running"]

        after = run_cli("crawl", "foerderdatenbank", "--url", server.url("/FDB/WS/export"))

    assert after.returncode == 0, after.stderr
    first, second = runs(settings_env.database_url)
    assert first.status == "aborted" and "Abgebrochen" in first.error and first.finished_at is not None
    assert second.status == "success"


def test_a_second_crawl_of_the_same_source_is_refused_and_nothing_is_lost(settings_env):
    init_database(settings_env.database_url)
    release = threading.Event()
    body = export_zip()
    with SnapshotServer() as server:
        server.add_route("GET", "/slow/export", _slow_export(release, body))
        first = start_cli("crawl", "foerderdatenbank", "--url", server.url("/slow/export"))
        try:
            _wait_for_running_run(settings_env.database_url)
            second = run_cli("crawl", "--all")
        finally:
            release.set()
            out, err = first.communicate(timeout=120)

    assert second.returncode == 3
    assert "wird gerade von einem anderen Crawl gelesen" in second.stderr and "foerderdatenbank" in second.stderr
    assert first.returncode == 0, err
    assert [run.status for run in runs(settings_env.database_url)] == ["success"]
    engine = make_engine(settings_env.database_url)
    with Session(engine) as session:
        assert len(session.exec(select(Programme)).all()) == 3
    engine.dispose()


def test_a_600_character_document_name_is_stored_under_a_stable_shortened_key(settings_env):
    """Formerly `value too long for type character varying(512)` on PostgreSQL left the run `running`."""
    init_database(settings_env.database_url)
    folder = EXPORT_XML / "BMWI/FDB/Content/DE/Foerderprogramm/Bund/BMAS"
    long_name = "einstiegsgeld-" + "mit-sehr-langem-namen-" * 28  # over 600 characters
    writer = ExportWriter()
    writer.add_tree(EXPORT_XML)
    writer.add_raw(
        f"BMWI/FDB/Content/DE/Foerderprogramm/Bund/BMAS/{long_name}.xml",
        (folder / "einstiegsgeld.xml").read_bytes().replace(b'name="einstiegsgeld"', f'name="{long_name}"'.encode()),
    )
    with SnapshotServer() as server:
        server.add_static("GET", "/FDB/WS/export", writer.to_zip(), "application/zip")
        first = run_cli("crawl", "foerderdatenbank", "--url", server.url("/FDB/WS/export"))
        second = run_cli("crawl", "foerderdatenbank", "--url", server.url("/FDB/WS/export"))

    assert first.returncode == 0, first.stderr
    assert "gelesen 4, neu 4" in first.stdout
    assert second.returncode == 0 and "unverändert 4" in second.stdout  # the shortened key is the same each run
    engine = make_engine(settings_env.database_url)
    with Session(engine) as session:
        keys = [p.natural_key for p in session.exec(select(Programme)).all()]
    engine.dispose()
    [shortened] = [key for key in keys if "mit-sehr-langem-namen" in key]
    assert len(shortened) == 512 and long_name not in shortened
    assert [run.status for run in runs(settings_env.database_url)] == ["success", "success"]

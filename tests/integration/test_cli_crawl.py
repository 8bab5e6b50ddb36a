"""`foerderradar crawl foerderdatenbank --url …` as an operator runs it (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from crawler.archive import BlobStore
from crawler.spiders.foerderdatenbank.export_writer import ExportWriter
from foerderradar.demo_server import SnapshotServer
from store.db import make_engine
from store.models import CrawlResponse, CrawlRun, Programme

EXPORT_XML = Path(__file__).resolve().parents[1] / "fixtures" / "foerderdatenbank" / "export_xml"
CAPTCHA = b"<html><head><title>Radware Captcha Page</title></head><body></body></html>"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        FOERDERRADAR_CRAWL_DOWNLOAD_DELAY="0",
        FOERDERRADAR_CRAWL_AUTOTHROTTLE="false",
        FOERDERRADAR_CRAWL_RETRY_TIMES="0",
        COLUMNS="200",
    )
    return subprocess.run(
        [sys.executable, "-c", "from foerderradar.cli import app; app()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def stored(database_url: str) -> list[tuple[str, str, object]]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return [
                (p.natural_key, p.content_hash, p.removed_at)
                for p in session.exec(select(Programme).order_by(Programme.natural_key)).all()
            ]
    finally:
        engine.dispose()


def test_crawl_ingests_export_then_bot_page_exits_nonzero_and_keeps_data(settings_env):
    writer = ExportWriter()
    writer.add_tree(EXPORT_XML)
    with SnapshotServer() as server:
        server.add_static("GET", "/FDB/WS/export", writer.to_zip(), "application/zip")
        server.add_static("GET", "/captcha/export", CAPTCHA, "text/html")
        ok = run_cli("crawl", "foerderdatenbank", "--url", server.url("/FDB/WS/export"))
        assert ok.returncode == 0, ok.stderr
        assert "success" in ok.stdout and "gelesen 3, neu 3" in ok.stdout
        before = stored(settings_env.database_url)
        assert len(before) == 3

        bot = run_cli("crawl", "foerderdatenbank", "--url", server.url("/captcha/export"))
    assert bot.returncode != 0
    assert "Bot-Schutz" in bot.stderr and "CAPTCHA" in bot.stderr
    assert stored(settings_env.database_url) == before
    engine = make_engine(settings_env.database_url)
    with Session(engine) as session:
        runs = session.exec(select(CrawlRun).order_by(CrawlRun.id)).all()
    engine.dispose()
    assert [run.status for run in runs] == ["success", "failed"]


RECONSTRUCTED = Path(__file__).resolve().parents[1] / "fixtures" / "reconstructed" / "nrw_mhkbd"


def test_crawl_keeps_what_it_received_and_tells_the_operator_about_a_renamed_heading(settings_env):
    with SnapshotServer() as server:
        for path, name in json.loads((RECONSTRUCTED / "routes.json").read_text(encoding="utf-8")).items():
            server.add_static("GET", path, (RECONSTRUCTED / name).read_bytes(), "text/html; charset=utf-8")
        good = run_cli("crawl", "nrw_mhkbd", "--url", server.url("/nrw_mhkbd/"))
        assert good.returncode == 0, good.stderr
        page = (RECONSTRUCTED / "heimat-scheck.html").read_text(encoding="utf-8")
        renamed = page.replace("Wer kann beantragen?", "Wer darf beantragen?").encode()
        server.add_static("GET", "/nrw_mhkbd/foerderprogramme/heimat-scheck", renamed, "text/html")
        drifted = run_cli("crawl", "nrw_mhkbd", "--url", server.url("/nrw_mhkbd/"))
    assert drifted.returncode == 0  # an alarm, not a failure: the run is incomplete and removes nothing
    assert "Strukturänderung bei Programmseite: „Wer kann beantragen?“ auf 1 von 2" in drifted.stderr
    engine = make_engine(settings_env.database_url)
    with Session(engine) as session:
        archived = session.exec(select(CrawlResponse)).all()
    engine.dispose()
    assert len(archived) == 2 * 4  # robots.txt, list page, two programme pages: every run, by default
    assert all(BlobStore(settings_env.archive_dir).get(r.body_sha256) is not None for r in archived)

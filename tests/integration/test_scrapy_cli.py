"""`scrapy list` and `scrapy crawl NAME` from the repository root, with the application's defaults.

An operator used to Scrapy runs the spiders the Scrapy way; the items must land in the same database
(``FOERDERRADAR_DATABASE_URL``) that `foerderradar crawl NAME` would use, through the same pipelines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from crawler.spiders.foerderdatenbank.export_writer import ExportWriter
from foerderradar.demo_server import SnapshotServer
from store.db import make_engine
from store.models import CrawlRun, Programme

ROOT = Path(__file__).resolve().parents[2]
EXPORT_XML = ROOT / "tests" / "fixtures" / "foerderdatenbank" / "export_xml"


def scrapy(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FOERDERRADAR_CRAWL_DOWNLOAD_DELAY="0", FOERDERRADAR_CRAWL_AUTOTHROTTLE="false")
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120
    )


def test_scrapy_list_names_every_source_spider():
    listed = scrapy("list")
    assert listed.returncode == 0, listed.stderr
    assert {"foerderdatenbank", "eu_sedia", "nrwbank"} <= set(listed.stdout.split())


def test_scrapy_crawl_stores_into_the_application_database(settings_env):
    writer = ExportWriter()
    writer.add_tree(EXPORT_XML)
    with SnapshotServer() as server:
        server.add_static("GET", "/FDB/WS/export", writer.to_zip(), "application/zip")
        done = scrapy("crawl", "foerderdatenbank", "-a", f"export_url={server.url('/FDB/WS/export')}")
    assert done.returncode == 0, done.stderr
    engine = make_engine(settings_env.database_url)
    try:
        with Session(engine) as session:
            assert len(session.exec(select(Programme)).all()) == 3
            run = session.exec(select(CrawlRun)).one()
            assert run.source_key == "foerderdatenbank" and run.status == "success"
    finally:
        engine.dispose()

"""Fixtures for the source spiders: a loopback snapshot server and an in-process crawl."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.crawler import CrawlerRunner
from sqlmodel import Session, select

from crawler.runner import crawler_settings
from foerderradar.demo_server import SnapshotServer
from store.models import CrawlRun

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# Fast and strict against 127.0.0.1: no delay, short timeout, two retries.
FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_TIMES": 2,
    "DOWNLOAD_TIMEOUT": 2,
    "LOG_LEVEL": "ERROR",
}


@pytest.fixture
def server():
    with SnapshotServer() as running:
        yield running


@pytest.fixture
def crawl(engine, database_url):
    """``await crawl(SpiderClass, **kwargs)`` runs one spider into the test database; returns its CrawlRun."""

    async def run(spider_cls, overrides: dict | None = None, **kwargs) -> CrawlRun:
        runner = CrawlerRunner(crawler_settings(database_url, FAST | (overrides or {})))
        crawler = runner.create_crawler(spider_cls)
        await runner.crawl(crawler, **kwargs)
        with Session(engine) as session:
            return session.exec(select(CrawlRun).where(CrawlRun.id == crawler.spider.crawl_run_id)).one()

    return run


@pytest.fixture
def serve_sedia(server):
    """``serve_sedia(rows, total=None)`` puts SEDIA result rows behind the strict fake endpoint; returns its URL."""
    from foerderradar.demo_sources import SEDIA_SEARCH_PATH, sedia_handler, sedia_pages_from_rows

    def serve(rows: list[dict], total: int | None = None) -> str:
        server.add_route("POST", SEDIA_SEARCH_PATH, sedia_handler(sedia_pages_from_rows(rows, total), total))
        return server.url(SEDIA_SEARCH_PATH)

    return serve


@pytest.fixture
def bulk_rows():
    """``bulk_rows(n)``: n distinct open topics, copies of a saved real row with their own identifiers."""
    import json

    template = json.loads((FIXTURES / "eu-funding-tenders" / "fundhunt_sedia_search.json").read_text(encoding="utf-8"))[
        "results"
    ][0]

    def make(count: int) -> list[dict]:
        rows = []
        for number in range(count):
            row = json.loads(json.dumps(template))
            row["reference"] = f"{number}TOPICSen"
            row["metadata"]["identifier"] = [f"HORIZON-TEST-{number:04d}"]
            rows.append(row)
        return rows

    return make


RECONSTRUCTED = FIXTURES / "reconstructed"


@pytest.fixture
def serve_snapshot(server):
    """``serve_snapshot(key)`` serves a source's test pages at their routes; returns the spider's base URL.

    The pages are the reconstructed ones of tests/fixtures/reconstructed/<key>/ and, where the demo
    holds a real page of that source (foerderradar/demo_data/<key>/), that one too.
    """
    import json

    from foerderradar.demo_sources import DEMO_DATA

    def serve(key: str) -> str:
        for folder in (RECONSTRUCTED / key, DEMO_DATA / key):
            if not (folder / "routes.json").is_file():
                continue
            for path, name in json.loads((folder / "routes.json").read_text(encoding="utf-8")).items():
                kind = "application/json" if name.endswith(".json") else "text/html; charset=utf-8"
                server.add_static("GET", path, (folder / name).read_bytes(), kind)
        return server.url(f"/{key}/")

    return serve


@pytest.fixture
def stored(engine):
    """``stored(source_key)``: that source's programmes by natural key."""
    from store.models import Programme

    def load(source_key: str) -> dict:
        with Session(engine) as session:
            return {
                p.natural_key: p
                for p in session.exec(select(Programme).where(Programme.source_key == source_key)).all()
            }

    return load

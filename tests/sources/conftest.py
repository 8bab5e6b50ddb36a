"""Fixtures for the source spiders: a loopback snapshot server and an in-process crawl."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.crawler import CrawlerRunner
from sqlmodel import Session, select

from crawler.runner import crawler_settings
from foerderradar.demo_server import SnapshotServer
from store.models import CrawlRun

SHARED = Path(__file__).resolve().parents[3] / "shared" / "sources"

# Fast and strict against 127.0.0.1: no delay, short timeout, two retries.
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "RETRY_TIMES": 2, "DOWNLOAD_TIMEOUT": 2, "LOG_LEVEL": "ERROR"}


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

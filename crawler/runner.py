"""Run spiders in this process and report their CrawlRuns.

The Twisted reactor cannot be restarted, so a process runs all its crawls in one go
(``run_crawls``). Long-lived processes such as the scheduler start crawls as subprocesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlmodel import Session

from crawler import settings as default_settings
from store.db import make_engine
from store.models import CrawlRun


@dataclass
class CrawlRequest:
    spider_cls: type
    kwargs: dict[str, Any] = field(default_factory=dict)


def crawler_settings(database_url: str, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.set("FOERDERRADAR_DATABASE_URL", database_url, priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawls(
    database_url: str, requests: list[CrawlRequest], overrides: dict[str, Any] | None = None
) -> list[CrawlRun]:
    """Crawl each request's spider (one after another) and return the CrawlRuns they recorded."""
    from twisted.internet import defer

    process = CrawlerProcess(crawler_settings(database_url, overrides), install_root_handler=False)
    crawlers = []

    @defer.inlineCallbacks
    def crawl_in_turn():
        try:
            for request in requests:
                crawler = process.create_crawler(request.spider_cls)
                crawlers.append(crawler)
                yield process.crawl(crawler, **request.kwargs)
        finally:
            # Imported only now: importing the reactor earlier installs Twisted's default one before
            # the first crawl can install the asyncio reactor the settings ask for.
            from twisted.internet import reactor

            reactor.callLater(0, reactor.stop)

    crawl_in_turn()
    process.start(stop_after_crawl=False)
    engine = make_engine(database_url)
    runs = []
    with Session(engine) as session:
        for crawler in crawlers:
            run_id = getattr(crawler.spider, "crawl_run_id", None)
            if run_id is not None:
                runs.append(session.get(CrawlRun, run_id))
    engine.dispose()
    return runs

"""Run spiders in this process and report their CrawlRuns.

The Twisted reactor cannot be restarted, so a process runs all its crawls in one go
(``run_crawls``). Long-lived processes such as the scheduler start crawls as subprocesses.
Every crawl leases its sources first (``crawler.source_lease``) and ends each run in a known
state: a run still ``running`` when Scrapy stops (an exception the pipeline could not record)
is marked ``failed`` here.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.liveness import process_holder
from crawler import settings as default_settings
from crawler.source_lease import RENEW_EVERY_SECONDS, release_sources, renew_sources, take_sources
from crawler.spiders.base import SourceSpider
from store.db import make_engine
from store.models import CrawlRun, RunStatus
from store.types import utcnow

if TYPE_CHECKING:
    from twisted.internet.defer import Deferred
    from twisted.internet.task import LoopingCall

UNFINISHED = "Lauf ohne Abschluss beendet (Fehler im Crawl, siehe Log)"


@dataclass
class CrawlRequest:
    spider_cls: type[SourceSpider]
    kwargs: dict[str, Any] = field(default_factory=dict)


def crawler_settings(database_url: str, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.set("FOERDERRADAR_DATABASE_URL", database_url, priority="project")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="project")  # the shell configures logging
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawls(
    database_url: str, requests: list[CrawlRequest], overrides: dict[str, Any] | None = None
) -> list[CrawlRun]:
    """Crawl each request's spider (one after another) and return the CrawlRuns they recorded.

    Raises ``crawler.source_lease.SourceBusy`` (before crawling anything) when another crawl holds
    one of the sources."""
    engine = make_engine(database_url)
    keys = sorted({request.spider_cls.source_key for request in requests})
    holder = process_holder(unique=True)
    try:
        take_sources(engine, keys, holder)
        try:
            crawlers = _crawl(database_url, requests, overrides, lambda: renew_sources(engine, keys, holder))
        finally:
            release_sources(engine, keys, holder)
        return _finished_runs(engine, crawlers)
    finally:
        engine.dispose()


def _crawl(
    database_url: str,
    requests: list[CrawlRequest],
    overrides: dict[str, Any] | None,
    heartbeat: Callable[[], object],
) -> list[Crawler]:
    from twisted.internet import defer

    process = CrawlerProcess(crawler_settings(database_url, overrides))
    crawlers: list[Crawler] = []
    beats: list[LoopingCall] = []

    @defer.inlineCallbacks
    def crawl_in_turn() -> Generator[Deferred[Any], Any, None]:
        try:
            for request in requests:
                crawler = process.create_crawler(request.spider_cls)
                crawlers.append(crawler)
                done = process.crawl(crawler, **request.kwargs)
                if not beats:  # only now: the first crawl has installed the reactor the settings ask for
                    from twisted.internet import task

                    beats.append(task.LoopingCall(heartbeat))
                    beats[0].start(RENEW_EVERY_SECONDS, now=False)
                yield done
        finally:
            # Imported only now: importing the reactor earlier installs Twisted's default one before
            # the first crawl can install the asyncio reactor the settings ask for.
            from twisted.internet import reactor

            for beat in beats:
                if beat.running:
                    beat.stop()
            # Twisted's interfaces declare methods without ``self``, which mypy misreads (no mypy-zope).
            reactor.callLater(0, reactor.stop)  # type: ignore[arg-type,misc]

    crawl_in_turn()
    process.start(stop_after_crawl=False)
    return crawlers


def _finished_runs(engine: Engine, crawlers: list[Crawler]) -> list[CrawlRun]:
    """The runs of these crawlers; one still ``running`` (its pipeline died) is marked failed."""
    found: list[int | None] = [
        getattr(crawler.spider, "crawl_run_id", None) for crawler in crawlers if crawler.spider is not None
    ]
    ids = [run_id for run_id in found if run_id is not None]
    with Session(engine, expire_on_commit=False) as session:
        session.execute(
            update(CrawlRun)
            .where(col(CrawlRun.id).in_(ids), col(CrawlRun.status) == RunStatus.running)
            .values(status=RunStatus.failed, finished_at=utcnow(), error=UNFINISHED)
        )
        session.commit()
        return [_stored_run(session, run_id) for run_id in ids]


def _stored_run(session: Session, run_id: int) -> CrawlRun:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"Crawl-Lauf {run_id} ist nicht mehr in der Datenbank")
    return run

"""The store pipeline: every item of a spider goes through one ``store.ingest.Ingest``.

Spider conventions (see ``crawler.spiders.base.SourceSpider``):
- ``source_key`` (its name comes from ``core.labels``), ``source_level``, ``source_url``, ``attribution``
  describe the source;
- ``crawl_complete`` is set to True once the spider has read the whole source;
- ``crawl_partial`` is True when the spider reads only part of the source on purpose (removes nothing);
- ``crawl_error`` is set to a message when the run must fail (bot page, wrong content type ...);
- ``crawl_alarms`` and ``crawl_stats`` carry contract findings and counters;
- ``fingerprint`` holds the structure the run found; it is stored with the run and compared with the
  last good run (``crawler.drift``), a change being one more alarm.
A run with download errors or spider exceptions is never complete, so nothing is marked removed.
An exception while storing (an item or the end of the run) fails the run with the error's text, so
no run is left ``running`` and the command ends non-zero.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.http import Response
from twisted.python.failure import Failure

from core.labels import source_name
from crawler import drift
from crawler.spiders.base import SourceSpider
from store.db import make_engine
from store.ingest import Ingest
from store.models import row_id

log = logging.getLogger(__name__)

_FAILURE_STATS = ("spider_exceptions/count", "downloader/exception_count", "log_count/ERROR")


class StorePipeline:
    crawler: Crawler  # set by from_crawler

    def __init__(self, database_url: str) -> None:
        if not database_url:
            raise RuntimeError("FOERDERRADAR_DATABASE_URL is not set in the Scrapy settings")
        self.engine = make_engine(database_url)
        self.ingest: Ingest | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler.settings.get("FOERDERRADAR_DATABASE_URL"))
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error, weak=False)
        return pipeline

    def _spider(self) -> SourceSpider:
        spider = self.crawler.spider
        if not isinstance(spider, SourceSpider):
            raise TypeError(f"the store pipeline needs a SourceSpider, not {type(spider).__name__}")
        return spider

    def _ingest(self) -> Ingest:
        if self.ingest is None:
            raise RuntimeError("the store pipeline was not opened (open_spider)")
        return self.ingest

    def open_spider(self) -> None:
        spider = self._spider()
        self.ingest = Ingest(
            self.engine,
            spider.source_key,
            source_name=source_name(spider.source_key),
            level=getattr(spider, "source_level", "other"),
            source_url=getattr(spider, "source_url", ""),
            attribution=getattr(spider, "attribution", ""),
            today=getattr(spider, "today", None),
        )
        spider.crawl_run_id = self.ingest.run.id

    def spider_error(self, failure: Failure, response: Response, spider: SourceSpider) -> None:
        spider.crawl_alarms = [
            *getattr(spider, "crawl_alarms", []),
            f"Fehler beim Verarbeiten von {response.url}: {failure.getErrorMessage()}",
        ]

    def process_item(self, item: Any) -> Any:
        spider = self._spider()
        if getattr(spider, "crawl_error", ""):
            raise DropItem("run already failed")
        ingest = self.ingest
        try:
            if ingest is None:
                raise RuntimeError("the store pipeline was not opened (open_spider)")
            outcome = ingest.add(dict(item))
        except Exception as exc:  # noqa: BLE001 - any storage failure fails the run, with its text
            log.exception("Speichern fehlgeschlagen")
            spider.crawl_error = f"Speichern fehlgeschlagen: {error_text(exc)}"
            raise DropItem(spider.crawl_error) from exc
        if outcome == "invalid":
            raise DropItem(ingest.errors[-1])
        return item

    def close_spider(self) -> None:
        try:
            self._close()
        except Exception as exc:  # noqa: BLE001 - the run must end failed, never stay "running"
            log.exception("Abschluss des Laufs fehlgeschlagen")
            spider = self._spider()
            spider.crawl_run = self._ingest().fail(f"Abschluss fehlgeschlagen: {error_text(exc)}")
        finally:
            self.engine.dispose()

    def _close(self) -> None:
        spider = self._spider()
        ingest = self._ingest()
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        counters = {k: v for k, v in stats.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        counters |= getattr(spider, "crawl_stats", {})
        error = getattr(spider, "crawl_error", "")
        structure_alarms = drift.check(self.engine, row_id(ingest.run), spider.source_key, spider.fingerprint)
        if error:
            run = ingest.fail(error, stats=counters)
        else:
            problems = [f"{name}={stats[name]}" for name in _FAILURE_STATS if stats.get(name)]
            complete = bool(getattr(spider, "crawl_complete", False)) and not problems
            alarms = list(getattr(spider, "crawl_alarms", [])) + structure_alarms
            if problems and getattr(spider, "crawl_complete", False):
                alarms.append("Unvollständig wegen Fehlern: " + ", ".join(problems))
            run = ingest.finish(
                complete=complete,
                alarms=alarms,
                stats=counters,
                partial_source=bool(getattr(spider, "crawl_partial", False)),
            )
        drift.record(self.engine, row_id(run), spider.source_key, spider.fingerprint)
        spider.crawl_run = run


def error_text(exc: BaseException) -> str:
    """The first line of an error (a database error's SQL and parameters are left out), at most 500 characters."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return ((text.splitlines() or [type(exc).__name__])[0])[:500]

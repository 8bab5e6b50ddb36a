"""The base of every source spider: source identity and the run flags the store pipeline reads."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import scrapy
from twisted.python.failure import Failure

from crawler.drift import Fingerprint

if TYPE_CHECKING:
    from store.models import CrawlRun


class SourceSpider(scrapy.Spider):
    source_key: str = ""
    source_level: str = "other"
    source_url: str = ""
    attribution: str = ""
    # Set by the store pipeline: the run's id when it opens, the finished run when it closes.
    crawl_run_id: int | None = None
    crawl_run: CrawlRun | None = None

    def __init__(self, *args: Any, base_url: str = "", today: str | date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_url = base_url or self.source_url
        if today:  # the replayed day (``crawl --stichtag``) for spiders that do not read it themselves
            self.today = date.fromisoformat(today) if isinstance(today, str) else today
        self.crawl_complete = False
        self.crawl_partial = False  # reads only part of the source on purpose: removes nothing
        self.crawl_error = ""
        self.crawl_alarms: list[str] = []
        self.crawl_stats: dict[str, int] = {}
        self.fingerprint = Fingerprint()  # the structure this run found, for drift alarms

    def fail(self, message: str) -> None:
        """Mark the run failed (e.g. a bot page instead of data) and stop the spider."""
        self.crawl_error = message
        self.logger.error(message)
        raise scrapy.exceptions.CloseSpider(reason="failed")


def failed_request(failure: Failure) -> scrapy.Request:
    """The request behind a download failure (Scrapy sets ``failure.request`` on errbacks)."""
    request: scrapy.Request = failure.request  # type: ignore[attr-defined]
    return request

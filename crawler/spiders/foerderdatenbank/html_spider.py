"""FdbHtmlSpider: the Förderdatenbank's search and detail pages, the fallback to the export.

It walks the search result pages (page by page via the "weiter" link, with a page cap and a loop
guard, because the site's pagination is unstable: hit counts flip and pages repeat), follows each
card to its detail page and yields the same items, on the same keys, as the export spider.

A run is usually partial (filtered start URL, page cap), and a partial run must never mark
programmes removed. So ``crawl_complete`` is set only when the walk reached the last page on its
own, every detail page was read, and the number of distinct programmes is within the site's
known jitter of the hit count. A bot-protection page anywhere fails the whole run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.spiders.base import SourceSpider, failed_request
from crawler.spiders.foerderdatenbank.export_parser import ATTRIBUTION
from crawler.spiders.foerderdatenbank.html_parser import BotPageError, parse_detail_page, parse_search_page

BASE_URL = "https://www.foerderdatenbank.de/"
SEARCH_PATH = (
    "SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html"
    "?submit=Suchen&filterCategories=FundingProgram&sortOrder=dateOfIssue_dt+desc"
)
HIT_JITTER = 4  # the hit count flips by a few programmes within one crawl (NOTES.md §4.3)


class FdbHtmlSpider(SourceSpider):
    name = "foerderdatenbank_html"
    source_key = "foerderdatenbank"
    source_level = "bund"
    source_url = BASE_URL
    attribution = ATTRIBUTION

    def __init__(
        self,
        *args: Any,
        base_url: str = "",
        search: str = SEARCH_PATH,
        max_pages: int | str = 300,
        today: str | date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, base_url=base_url or BASE_URL, **kwargs)
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        self.search_url = urljoin(self.base_url, search)
        self.crawl_partial = search != SEARCH_PATH  # a filtered walk sees part of the source: removes nothing
        self.max_pages = int(max_pages)
        self.today = date.fromisoformat(today) if isinstance(today, str) else today or date.today()
        self.pages_seen: set[int] = set()
        self.detail_urls: set[str] = set()
        self.hits = 0
        self.pending = 0
        self.walk_finished = False
        self.detail_failures = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(
            self.search_url, callback=self.parse_search, errback=self.request_failed, cb_kwargs={"page": 1}
        )

    def request_failed(self, failure: Failure) -> None:
        """A page that could not be fetched makes the run incomplete (nothing is removed)."""
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        self.crawl_alarms.append(f"Seite nicht geladen: {failed_request(failure).url} ({reason})")
        if failed_request(failure).callback == self.parse_detail:
            self.pending -= 1
            self.detail_failures += 1
        # a failed search page simply ends the walk early: walk_finished stays False

    def parse_search(self, response: Response, page: int) -> Iterator[Any]:
        try:
            result = parse_search_page(response.text, url=response.url, base_url=self.base_url)
        except BotPageError as exc:
            self.fail(str(exc))
        self.pages_seen.add(page)
        self.hits = self.hits or result.hits
        self.crawl_stats["fdb_html/pages"] = len(self.pages_seen)
        for card in result.cards:
            if card.url in self.detail_urls:
                continue  # the same programme on two pages: pagination jitter
            self.detail_urls.add(card.url)
            self.pending += 1
            yield scrapy.Request(card.url, callback=self.parse_detail, errback=self.request_failed)
        if result.next_url is None:
            self.walk_finished = True
        elif result.next_page in self.pages_seen or result.next_page is None:
            self.crawl_alarms.append(f"Seitenschleife: Seite {page} verweist zurück auf Seite {result.next_page}")
        elif len(self.pages_seen) >= self.max_pages:
            self.crawl_alarms.append(f"Seitenlimit {self.max_pages} erreicht; Lauf unvollständig")
        else:
            yield scrapy.Request(
                result.next_url,
                callback=self.parse_search,
                errback=self.request_failed,
                cb_kwargs={"page": result.next_page},
            )
        self._check_complete()

    def parse_detail(self, response: Response) -> Iterator[Any]:
        self.pending -= 1
        try:
            item = parse_detail_page(response.text, url=response.url, today=self.today)
        except BotPageError as exc:
            self.fail(str(exc))
        self.crawl_stats["fdb_html/details"] = self.crawl_stats.get("fdb_html/details", 0) + 1
        yield item
        self._check_complete()

    def _check_complete(self) -> None:
        """Complete only after the last page, every detail page, and a plausible programme count."""
        if not self.walk_finished or self.pending or self.detail_failures:
            return
        if abs(len(self.detail_urls) - self.hits) > HIT_JITTER:
            message = f"{len(self.detail_urls)} Programme gefunden, Trefferzahl der Suche {self.hits}"
            if message not in self.crawl_alarms:
                self.crawl_alarms.append(message)
            return
        self.crawl_complete = True

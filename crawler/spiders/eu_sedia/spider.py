"""The SEDIA search spider: EU grant topics, external-action and cascade calls that are open or forthcoming.

One run: a facet request for programme labels (optional; falls back to the code table), then
the search pages one after another, sorted by identifier, 100 rows each, up to ``max_pages``.
Rows are collected across pages and deduplicated before any item is emitted, so a topic that a
replica serves twice still becomes one item. The run is complete only if every page was read.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.health import failure_reason, missing_keys, shape_alarm
from crawler.spiders.base import SourceSpider, failed_request
from crawler.spiders.eu_sedia import rows, wire
from crawler.spiders.eu_sedia.programmes import labels_from_facets

ENVELOPE_KEYS = ("totalResults", "results")
ROW_KEYS = ("reference", "metadata")
# The metadata keys the row parser reads; their presence per row type is the source's fingerprint.
WATCHED_METADATA = (
    "identifier",
    "title",
    "callTitle",
    "type",
    "status",
    "startDate",
    "deadlineDate",
    "deadlineModel",
    "frameworkProgramme",
    "programmePeriod",
    "DATASOURCE",
    "descriptionByte",
    "description",
    "topicConditions",
    "budgetOverview",
    "budget",
    "typesOfAction",
    "keywords",
    "tags",
    "projectAcronym",
)
DEFAULT_MAX_PAGES = 30  # ~3,000 rows; the whole "forthcoming + open" set is 1,000–1,500


def berlin_today() -> date:
    """Deadlines are days in Brussels/Berlin, so "today" is the local calendar day of the run."""
    return datetime.now(ZoneInfo("Europe/Berlin")).date()


class SediaSpider(SourceSpider):
    name = "eu_sedia"
    source_key = "eu_sedia"
    source_level = "eu"
    source_url = "https://api.tech.ec.europa.eu/search-api/prod/rest/search"
    attribution = rows.ATTRIBUTION

    def __init__(
        self,
        *args: Any,
        search_url: str = "",
        facet_url: str = "",
        today: str = "",
        max_pages: int | str = DEFAULT_MAX_PAGES,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, base_url=search_url, **kwargs)
        self.search_url = self.base_url
        self.facet_url = facet_url or wire.facet_url_for(self.search_url)
        self.today = date.fromisoformat(today) if today else berlin_today()
        self.max_pages = int(max_pages)
        self.facet_labels: dict[str, str] = {}
        self.rows: list[dict[str, Any]] = []
        self.total_results: int | None = None

    # -- requests ------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        body, content_type = wire.facet_body()
        yield scrapy.Request(
            self.facet_url,
            method="POST",
            body=body,
            headers={"Content-Type": content_type, "Accept": "application/json"},
            callback=self.parse_facets,
            errback=self.facets_failed,
            dont_filter=True,
        )

    def _page_request(self, page: int) -> scrapy.Request:
        body, content_type = wire.search_body()
        return scrapy.Request(
            wire.page_url(self.search_url, page),
            method="POST",
            body=body,
            headers={"Content-Type": content_type, "Accept": "application/json"},
            callback=self.parse_page,
            errback=self.page_failed,
            cb_kwargs={"page": page},
            dont_filter=True,
        )

    # -- facets --------------------------------------------------------------------------------

    def parse_facets(self, response: Response) -> Iterator[Any]:
        try:
            self.facet_labels = labels_from_facets(json.loads(response.text))
        except ValueError:
            self.facet_labels = {}
        self.crawl_stats["facet_labels"] = len(self.facet_labels)
        yield self._page_request(1)

    def facets_failed(self, failure: Failure) -> Iterator[Any]:
        # Labels are a nicety: the documented code table stands in, the run goes on.
        self.logger.warning("SEDIA facet lookup failed, using the code table: %s", failure.getErrorMessage())
        self.crawl_stats["facet_labels"] = 0
        yield self._page_request(1)

    # -- pages ---------------------------------------------------------------------------------

    def parse_page(self, response: Response, page: int) -> Iterator[Any]:
        try:
            payload = json.loads(response.text)
        except ValueError:
            self.fail(
                f"SEDIA-Seite {page}: Antwort ist kein JSON ({(response.headers.get('Content-Type') or b'').decode()})"
            )
        missing = missing_keys(payload, ENVELOPE_KEYS)
        self.fingerprint.unit("SEDIA-Seite", [key for key in ENVELOPE_KEYS if key not in missing])
        if missing:
            self.fail(shape_alarm(f"SEDIA-Seite {page}", missing))
        results = payload.get("results") or []
        if page == 1:
            self.total_results = int(payload.get("totalResults") or 0)
        self.crawl_stats["pages"] = page
        self.crawl_stats["rows"] = self.crawl_stats.get("rows", 0) + len(results)
        bad_rows = [row for row in results if missing_keys(row, ROW_KEYS)]
        if bad_rows:
            self.crawl_alarms.append(
                shape_alarm(f"SEDIA-Seite {page}", missing_keys(bad_rows[0], ROW_KEYS)) + f" ({len(bad_rows)} Zeilen)"
            )
        for row in results:
            if missing_keys(row, ROW_KEYS):
                continue
            try:
                rows.check_filters(row)
            except rows.FilterViolation as exc:
                self.fail(f"SEDIA hat die Suchfilter nicht angewandt: {exc}")
            if rows.is_live_row(row):
                self.rows.append(row)
                present = [key for key in WATCHED_METADATA if rows.values(row, key)]
                self.fingerprint.unit(f"SEDIA-Zeile Typ {rows.first(row, 'type')}", ["metadata", *present])
            else:
                self.crawl_stats["archive_rows_dropped"] = self.crawl_stats.get("archive_rows_dropped", 0) + 1
        pages_needed = max(1, math.ceil((self.total_results or 0) / wire.PAGE_SIZE))
        if page < pages_needed:
            if not results:
                self.crawl_alarms.append(f"SEDIA-Seite {page} war leer, erwartet {pages_needed} Seiten")
                yield from self._emit(complete=False)
            elif page >= self.max_pages:
                self.crawl_alarms.append(
                    f"Seitenlimit erreicht: {self.max_pages} von {pages_needed} Seiten "
                    f"gelesen ({self.total_results} Treffer)"
                )
                yield from self._emit(complete=False)
            else:
                yield self._page_request(page + 1)
        else:
            yield from self._emit(complete=True)

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        page = failed_request(failure).cb_kwargs.get("page")
        self.crawl_alarms.append(f"SEDIA-Seite {page} nicht geladen: {failure_reason(failure)}")
        yield from self._emit(complete=False)

    def _emit(self, *, complete: bool) -> Iterator[Any]:
        unique = rows.dedupe(self.rows)
        self.crawl_stats["duplicate_rows"] = len(self.rows) - len(unique)
        for row in unique:
            yield rows.row_to_item(row, today=self.today, facet_labels=self.facet_labels)
        self.crawl_complete = complete

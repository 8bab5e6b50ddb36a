"""A list page linking to programme pages that are read by their headings.

MHKBD, Bezirksregierung Münster, EFRE.NRW and the federal call pages share this pattern; each
source spider names its list path, the link pattern of its detail pages and which headings fill
which item fields. Site paths are resolved against ``base_url`` (so the same spider reads the live
site or a snapshot served under a path prefix). A list page without any detail link is a changed
site, not an empty one: the run fails with that reason.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from core.deadline_status import deadline_fields
from core.deadlines import parse_deadlines
from core.rates import funding_columns
from crawler.health import failure_reason
from crawler.spiders.base import SourceSpider, failed_request
from crawler.spiders.federal_calls.calendar import calendar_item
from crawler.spiders.nrw.classify import applicant_codes, funding_type_codes
from crawler.spiders.nrw.headings import Section, normalise_heading, pick, sections

# Item fields a heading can fill; all hold plain text.
TEXT_FIELDS = (
    "teaser_text",
    "description_text",
    "eligibility_text",
    "legal_text",
    "deadline_text",
    "funding_rate",
    "status_note",
)


def berlin_today() -> date:
    """Deadlines are calendar days in NRW, so "today" is the local day of the run."""
    return datetime.now(ZoneInfo("Europe/Berlin")).date()


def site_url(base_url: str, href: str) -> str:
    """``href``'s site path resolved against ``base_url`` (absolute links to the live site included)."""
    parts = urlsplit(href)
    path = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", path)


def page_title(response: Response) -> str:
    title = " ".join(" ".join(response.css("main h1 ::text, h1 ::text").getall()[:8]).split())
    return title or " ".join((response.css("title::text").get() or "").split())


class HeadingPageSpider(SourceSpider):
    """List page → detail pages → one item per page (plus a calendar entry for yearly dates)."""

    source_level = "land"
    regions: ClassVar[list[str]] = ["nordrhein_westfalen"]
    funder = ""
    list_path = ""
    detail_link = re.compile(r"$^")  # pattern on the link's path
    detail_query = ""  # appended to detail URLs (BMFTR: content-only view)
    list_next_css = ""  # link to the next list page, for paginated lists
    content_scope: str | None = "main"
    kind = "programme"
    # item field → headings that may hold it (first found wins; compared normalised)
    heading_fields: ClassVar[dict[str, tuple[str, ...]]] = {}
    contact_headings: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, today: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = date.fromisoformat(today) if today else berlin_today()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(
            site_url(self.base_url, self.list_path), callback=self.parse_list, errback=self.list_failed
        )

    def list_failed(self, failure: Failure) -> None:
        self.fail(f"Übersichtsseite {failed_request(failure).url} nicht geladen: {failure_reason(failure)}")

    def detail_links(self, response: Response) -> list[str]:
        links = []
        for href in response.css("a::attr(href)").getall():
            if self.detail_link.search(urlsplit(href).path):
                url = site_url(self.base_url, href) + self.detail_query
                if url not in links:
                    links.append(url)
        return links

    def parse_list(self, response: Response) -> Iterator[Any]:
        links = self.detail_links(response)
        self.fingerprint.unit("Übersichtsseite", ["Links auf Programmseiten"] if links else [])
        if not links:
            self.fail(f"Übersichtsseite {response.url} enthält keine Links auf Programmseiten (Seitenaufbau geändert?)")
        self.crawl_stats["detail_pages"] = self.crawl_stats.get("detail_pages", 0) + len(links)
        for url in links:
            yield scrapy.Request(url, callback=self.parse_detail, errback=self.detail_failed)
        following = response.css(self.list_next_css + "::attr(href)").get() if self.list_next_css else None
        if following:
            yield scrapy.Request(site_url(self.base_url, following), callback=self.parse_list, errback=self.list_failed)
        else:
            self.crawl_complete = True  # a failed detail page adds an alarm, which keeps the run untrusted

    def detail_failed(self, failure: Failure) -> None:
        self.crawl_alarms.append(f"Seite {failed_request(failure).url} nicht geladen: {failure_reason(failure)}")

    # -- detail --------------------------------------------------------------------------------

    def natural_key(self, response: Response) -> str:
        return urlsplit(response.url).path.removeprefix(urlsplit(self.base_url).path.rstrip("/")).strip("/")

    def public_url(self, response: Response) -> str:
        """The link shown to readers: the page on the live site, not the snapshot server."""
        return site_url(self.source_url, self.natural_key(response))

    def parse_detail(self, response: Response) -> Iterator[Any]:
        found = sections(response.text, scope=self.content_scope)
        item = self.base_item(response, found)
        self.complete_item(item, response, found)
        self.fingerprint.unit("Programmseite", self.structure(found, item))
        missing = [field for field, aliases in self.heading_fields.items() if pick(found, *aliases) is None]
        if missing:
            self.crawl_stats["pages_missing_headings"] = self.crawl_stats.get("pages_missing_headings", 0) + 1
            self.logger.info("%s: no heading for %s", response.url, ", ".join(missing))
        info = parse_deadlines(
            self.deadline_prose(item, found), today=self.today, status_note=item.get("status_note", "")
        )
        item.update(deadline_fields(info, kind=item["kind"], today=self.today))
        yield item
        yearly = calendar_item(item, info, today=self.today)
        if yearly is not None:
            yield yearly

    def base_item(self, response: Response, found: dict[str, Section]) -> dict[str, Any]:
        item: dict[str, Any] = {
            "natural_key": self.natural_key(response),
            "url": self.public_url(response),
            "kind": self.kind,
            "title": page_title(response),
            "level": self.source_level,
            "regions": list(self.regions),
            "funder": self.funder,
            "attribution": self.attribution,
        }
        raw = {}
        for field, aliases in self.heading_fields.items():
            section = pick(found, *aliases)
            if section is not None:
                item[field] = section.text
                raw[field] = section.html
        stated_rate = item.pop("funding_rate", "")
        item.update(funding_columns(stated_rate, item.get("description_text", ""), item.get("eligibility_text", "")))
        contacts = [pick(found, heading) for heading in self.contact_headings]
        contact_text = "\n\n".join(section.text for section in contacts if section)
        if contact_text:
            item["contact"] = {"text": contact_text}
        known = {normalise_heading(a) for aliases in self.heading_fields.values() for a in aliases}
        known |= {normalise_heading(h) for h in self.contact_headings}
        extra_sections = {s.heading: s.text for key, s in found.items() if key not in known}
        item["raw"] = raw
        item["extra"] = {"extra_sections": extra_sections} if extra_sections else {}
        applicants = item.get("eligibility_text", "")
        item["eligible_applicants"] = applicant_codes(applicants)
        item["funding_types"] = funding_type_codes(stated_rate or item.get("description_text", ""))
        return item

    def structure(self, found: dict[str, Section], item: dict[str, Any]) -> list[str]:
        """What of the page this spider relies on was there: the title and each heading group,
        named by its first heading (an alias found counts for its group, so adding an alias for a
        renamed heading ends the drift alarm)."""
        groups = [aliases for aliases in self.heading_fields.values()] + [(h,) for h in self.contact_headings]
        return (["Seitentitel"] if item.get("title") else []) + [
            aliases[0] for aliases in groups if pick(found, *aliases) is not None
        ]

    def complete_item(self, item: dict[str, Any], response: Response, found: dict[str, Section]) -> None:
        """Source-specific fields; the default adds nothing."""

    def deadline_prose(self, item: dict[str, Any], found: dict[str, Section]) -> str:
        """The text deadlines are read from; the deadline section by default."""
        return str(item.get("deadline_text") or "")

"""FdbExportSpider: one GET of the Förderdatenbank bulk export, every programme into the store.

The export is the source of record (NOTES.md §3): a complete run sees every programme, so a
programme missing from it may be marked removed. That is only safe if the body really was the
ZIP: the site's bot protection answers a plain client with HTTP 200 and an HTML CAPTCHA page.
So the body must start with the ZIP magic, or the run fails loudly and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.spiders.base import SourceSpider
from crawler.spiders.foerderdatenbank.export_parser import ATTRIBUTION, ExportFormatError, ExportParser

EXPORT_URL = "https://www.foerderdatenbank.de/FDB/WS/export"
ZIP_MAGIC = b"PK\x03\x04"
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def describe_non_zip(body: bytes) -> str:
    """A German message for staff saying what came instead of the ZIP."""
    title = _TITLE.search(body[:20000])
    shown = title.group(1).decode("utf-8", "replace").strip() if title else ""
    looks_html = b"<html" in body[:2000].lower() or b"<!doctype" in body[:2000].lower() or bool(title)
    kind = (
        "eine HTML-Seite – vermutlich die Bot-Schutz-/CAPTCHA-Seite der Förderdatenbank"
        if looks_html
        else "kein ZIP-Archiv"
    )
    return (
        f"Export-Download lieferte {kind} statt des Export-ZIP (Titel {shown!r}, {len(body)} Bytes, "
        f"Anfang {body[:32]!r}). Lauf abgebrochen; gespeicherte Programme bleiben unverändert."
    )


def document_structure(item: dict[str, Any]) -> list[tuple[str, object]]:
    """The export properties a programme document's item was read from, by their export names."""
    return [
        ("gsb:title", item.get("title")),
        ("gsb:teaserText", item.get("teaser_text")),
        ("gsb:summary", item.get("description_text")),
        ("gsb:regulatoryFWork", item.get("eligibility_text")),
        ("gsb:bodyText", item.get("legal_text")),
        ("gsb:procInfluence", item.get("deadline_text")),
        ("Förderbereich", item.get("funding_areas")),
        ("Förderberechtigte", item.get("eligible_applicants")),
        ("Fördergebiet", item.get("regions")),
        ("Förderart", item.get("funding_types")),
        ("Fördergeber", item.get("funder")),
        ("Kontakt", item.get("contact")),
    ]


class FdbExportSpider(SourceSpider):
    name = "foerderdatenbank"
    source_key = "foerderdatenbank"
    source_level = "bund"
    source_url = EXPORT_URL
    attribution = ATTRIBUTION

    def __init__(self, *args: Any, export_url: str = "", today: str | date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, base_url=export_url, **kwargs)
        self.export_url = self.base_url
        if isinstance(today, str):
            today = date.fromisoformat(today)
        self.today = today or date.today()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(
            self.export_url, callback=self.parse_export, errback=self.download_failed, dont_filter=True
        )

    def download_failed(self, failure: Failure) -> None:
        """Network error, robots.txt refusal or an HTTP error after all retries: the run failed."""
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        self.crawl_error = f"Export-Download von {self.export_url} fehlgeschlagen: {reason}"
        self.logger.error(self.crawl_error)

    def parse_export(self, response: Response) -> Iterator[Any]:
        body = response.body
        if not body.startswith(ZIP_MAGIC):
            self.fail(describe_non_zip(body))
        parser = ExportParser(self.today)
        try:
            for item in parser.iter_items(body):  # streamed: items reach the store while parsing goes on
                self.fingerprint.unit("Programmdokument", [name for name, value in document_structure(item) if value])
                yield item
        except ExportFormatError as exc:
            self.fail(f"Export von {response.url} unlesbar: {exc}")
        result = parser.result
        self.crawl_stats = result.stats()
        if result.broken:
            self.crawl_alarms.append(f"{len(result.broken)} Export-Dokumente unlesbar, z. B. {result.broken[0]}")
        if result.programmes == 0:
            self.crawl_alarms.append("Export enthält keine Programmdokumente")
        # Complete only now: every programme document was read (a broken one may hide a programme).
        self.crawl_complete = result.broken_programmes == 0 and result.programmes > 0

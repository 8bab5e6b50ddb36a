"""BMFTR (formerly BMBF) Bekanntmachungen: dated Richtlinien with Skizzen-Stichtage.

Detail pages are read in the content-only view (``?view=renderNewsletterHtml``). Their sections
are numbered (1 Förderziel … 3 Zuwendungsempfänger … 5 Art und Umfang … 7 Verfahren); the numbers
are dropped when headings are compared, so a renumbered Richtlinie still parses. The Stichtag is
read from the Verfahren section only, so the Bundesanzeiger date is never taken for a deadline.
"""

from __future__ import annotations

import re
from typing import Any

from scrapy.http import Response

from core.deadlines import parse_german_date
from crawler.spiders.nrw.headings import Section
from crawler.spiders.nrw.pages import HeadingPageSpider

_PUBLISHED = re.compile(r"\bVom\s+(\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{1,2}\.\s+\w+\s+\d{4})")


class BmftrSpider(HeadingPageSpider):
    name = "bmftr"
    source_key = "bmftr"
    source_url = "https://www.bmftr.bund.de/"
    attribution = "Quelle: Bundesministerium für Forschung, Technologie und Raumfahrt (BMFTR), Bekanntmachung"
    funder = "Bundesministerium für Forschung, Technologie und Raumfahrt (BMFTR)"
    source_level = "bund"
    regions = ["_bundesweit"]
    kind = "call"
    list_path = "SiteGlobals/Forms/Suche/Bekanntmachungen/Bekanntmachungen_Formular.html"
    list_next_css = "a.forward"
    detail_link = re.compile(r"/SharedDocs/Bekanntmachungen/DE/\d{4}/\d{2}/[^/]+\.html$")
    detail_query = "?view=renderNewsletterHtml"
    content_scope = None
    heading_fields = {
        "description_text": ("Förderziel und Zuwendungszweck", "Förderziel", "Zuwendungszweck"),
        "eligibility_text": ("Zuwendungsempfänger", "Zuwendungsempfangende"),
        "funding_rate": ("Art und Umfang, Höhe der Zuwendung", "Art, Umfang und Höhe der Zuwendung"),
        "deadline_text": ("Verfahren",),
        "legal_text": ("Rechtsgrundlagen", "Zuwendungsvoraussetzungen"),
    }

    def natural_key(self, response: Response) -> str:
        return super().natural_key(response).split("?", 1)[0]

    def complete_item(self, item: dict[str, Any], response: Response, found: dict[str, Section]) -> None:
        text = " ".join(response.css("body ::text").getall())
        published = _PUBLISHED.search(text)
        when = parse_german_date(published.group(1)) if published else None
        item["extra"] = {**item.get("extra", {}), "published_on": when.isoformat() if when else ""}

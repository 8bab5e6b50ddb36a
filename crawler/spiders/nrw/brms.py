"""Bezirksregierung Münster "Förderprogramme von A – Z": programme pages with fixed field labels."""

from __future__ import annotations

import re
from typing import Any

from scrapy.http import Response

from crawler.spiders.nrw.headings import Section, pick
from crawler.spiders.nrw.pages import HeadingPageSpider


class BrmsSpider(HeadingPageSpider):
    name = "brms"
    source_key = "brms"
    source_url = "https://www.bezreg-muenster.de/"
    attribution = "Quelle: Bezirksregierung Münster"
    funder = "Land Nordrhein-Westfalen (Bezirksregierung Münster)"
    list_path = "de/foerderung/foerderprogramme_a-z/index.html"
    detail_link = re.compile(r"/foerderprogramme_a-z/\d+_[^/]+/(?:index\.html)?$")
    heading_fields = {
        "eligibility_text": ("Wer wird gefördert?",),
        "description_text": ("Was wird gefördert?",),
        "funding_rate": ("Wie sind die Konditionen?",),
        "deadline_text": ("Wann ist der Antrag zu stellen?",),
        "legal_text": ("Welche Rechtsgrundlage besteht?",),
        "status_note": ("Was noch wichtig ist?",),
    }
    contact_headings = ("Wo ist der Antrag zu stellen?", "Wer informiert weiter?")

    def complete_item(self, item: dict[str, Any], response: Response, found: dict[str, Section]) -> None:
        # The page names its programme in a field of its own; prefer it to the page heading.
        named = pick(found, "Bezeichnung Förderprogramm")
        if named is not None:
            item["title"] = " ".join(named.text.split())

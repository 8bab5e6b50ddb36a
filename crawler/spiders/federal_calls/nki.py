"""NKI programmes on klimaschutz.de, above all the Kommunalrichtlinie, and their application windows.

A programme page names its windows under an "Antragsfenster" heading, one line per measure group
("Strategische Förderschwerpunkte: 01. Nov. 2024 bis 31. Dez. 2027"). Each window becomes a call
item of its own, so a reader is reminded of the window that closes, not of the programme.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from parsel import Selector
from scrapy.http import Response

from core.deadline_status import deadline_fields
from core.deadlines import DeadlineInfo, parse_german_date
from crawler.spiders.nrw.headings import pick, sections
from crawler.spiders.nrw.pages import HeadingPageSpider

WINDOW_HEADINGS = ("Antragsfenster", "Antragszeiträume", "Antragszeitraum", "Förderaufruf", "Fristen")
_SLUG = re.compile(r"[^a-z0-9]+")


def window_lines(section_html: str) -> list[str]:
    """One line per list entry or paragraph of a window section."""
    sel = Selector(text=section_html)
    lines = [" ".join(" ".join(node.css("::text").getall()).split()) for node in sel.css("li, p")]
    return [line for line in lines if line]


def window(line: str, *, today: date) -> DeadlineInfo | None:
    """The window "A bis B" of one line: opens on A, closes on B; None without a closing date."""
    head, sep, tail = line.rpartition(" bis ")
    closes = parse_german_date(tail) if sep else None
    if closes is None:
        return None
    opens = parse_german_date(head.rsplit(":", 1)[-1])
    return DeadlineInfo(
        deadlines=(closes,),
        opens_on=opens,
        next_deadline=closes if closes >= today else None,
        last_deadline=closes,
        sentence=line,
    )


def slug(text: str) -> str:
    folded = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return _SLUG.sub("-", folded).strip("-")


class NkiSpider(HeadingPageSpider):
    name = "nki_kommunalrichtlinie"
    source_key = "nki_kommunalrichtlinie"
    source_url = "https://www.klimaschutz.de/"
    attribution = "Quelle: Nationale Klimaschutzinitiative (klimaschutz.de), Projektträger ZUG"
    funder = (
        "Bundesministerium für Umwelt, Klimaschutz, Naturschutz und nukleare Sicherheit "
        "(Nationale Klimaschutzinitiative)"
    )
    source_level = "bund"
    regions = ["_bundesweit"]
    list_path = "de/foerderung-der-nki/foerderprogramme"
    detail_link = re.compile(r"/foerderung-der-nki/foerderprogramme/[^/]+/?$")
    heading_fields = {
        "eligibility_text": ("Wer kann Fördergelder beantragen?", "Wer wird gefördert?", "Antragsberechtigte"),
        "description_text": ("Was wird gefördert?", "Förderschwerpunkte", "Gegenstand der Förderung"),
        "deadline_text": WINDOW_HEADINGS,
        "funding_rate": ("Wie hoch ist die Förderung?", "Förderquote", "Förderquoten"),
    }
    contact_headings = ("Kontakt", "Ansprechpersonen")

    def parse_detail(self, response: Response) -> Iterator[Any]:
        programme: dict[str, Any] | None = None
        for item in super().parse_detail(response):
            programme = programme or item
            yield item
        window_section = pick(sections(response.text, scope=self.content_scope), *WINDOW_HEADINGS)
        lines = window_lines(window_section.html) if window_section else []
        if len(lines) < 2 or programme is None:
            return  # one window: the programme item already carries it
        for line in lines:
            info = window(line, today=self.today)
            if info is None:
                continue
            label = line.split(":", 1)[0].strip() if ":" in line else line
            yield {
                **{
                    k: programme[k]
                    for k in (
                        "url",
                        "level",
                        "regions",
                        "funder",
                        "attribution",
                        "eligible_applicants",
                        "funding_types",
                        "eligibility_text",
                    )
                },
                "natural_key": f"{programme['natural_key']}#{slug(label)}",
                "kind": "call",
                "title": f"{programme['title']} – {label}",
                "deadline_text": line,
                **deadline_fields(info, kind="call", today=self.today),
                "extra": {"window_of": programme["natural_key"]},
            }

"""EFRE/JTF NRW measures: Aufrufe and Wettbewerbe with Stichtage, and ongoing Richtlinien.

A measure page is a *call* when it describes an Aufruf or Wettbewerb (dated, competitive), else
a programme (Richtlinienförderung, first come first served). Deadlines sit in prose near cues
("Stichtag", "Einreichungsfrist", "bis zum …"), so the whole measure text is read for them when
no deadline heading exists.
"""

from __future__ import annotations

import re
from typing import Any

from scrapy.http import Response

from crawler.spiders.nrw.headings import Section, pick
from crawler.spiders.nrw.pages import HeadingPageSpider

_CALL = re.compile(r"\b(?:Aufruf|Wettbewerb|Projektaufruf|Förderaufruf)", re.IGNORECASE)
_JTF_AREA = ("Bottrop", "Dorsten", "Gladbeck", "Marl")


class EfreSpider(HeadingPageSpider):
    name = "efre_nrw"
    source_key = "efre_nrw"
    source_url = "https://www.efre.nrw/"
    attribution = "Quelle: EFRE/JTF NRW (Ministerium für Wirtschaft, Industrie, Klimaschutz und Energie NRW)"
    funder = "Land Nordrhein-Westfalen (EFRE/JTF-Programm NRW 2021–2027)"
    list_path = "einfach-machen/foerderung-finden"
    detail_link = re.compile(r"/einfach-machen/foerderung-finden/[^/]+/?$")
    heading_fields = {
        "eligibility_text": ("Wer wird gefördert?", "Zielgruppe", "Wer kann teilnehmen?"),
        "description_text": ("Was wird gefördert?", "Worum geht es?", "Fördergegenstand"),
        "deadline_text": ("Fristen", "Stichtag", "Einreichungsfrist", "Wie läuft das Verfahren ab?", "Verfahren"),
        "legal_text": ("Förderbekanntmachung", "Rechtsgrundlage"),
        "funding_rate": ("Wie wird gefördert?", "Förderhöhe"),
    }
    contact_headings = ("Ansprechpersonen", "Kontakt")

    def complete_item(self, item: dict[str, Any], response: Response, found: dict[str, Section]) -> None:
        text = " ".join(section.text for section in found.values())
        procedure = pick(found, "Wie läuft das Verfahren ab?", "Verfahren")
        item["kind"] = (
            "call" if _CALL.search((procedure.text if procedure else "") + " " + item["title"]) else "programme"
        )
        item["links"] = [
            {"title": " ".join(a.css("::text").get("").split()) or "Dokument", "url": response.urljoin(href)}
            for a in response.css("main a[href$='.pdf']")
            for href in [a.attrib["href"]]
        ]
        jtf = [place for place in _JTF_AREA if place in text]
        item["extra"] = {
            **item.get("extra", {}),
            "procedure": "Aufruf/Wettbewerb" if item["kind"] == "call" else "Richtlinienförderung",
            **({"jtf_area": jtf} if jtf else {}),
        }

    def deadline_prose(self, item: dict[str, Any], found: dict[str, Section]) -> str:
        # Without a deadline heading the Stichtag sits somewhere in the prose; the parser's cues find it.
        return item.get("deadline_text") or "\n".join(section.text for section in found.values())

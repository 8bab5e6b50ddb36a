"""MHKBD NRW "Aktuelle Förderangebote": Heimat, Städtebau, Wohnraum programmes with fixed Q&A headings."""

from __future__ import annotations

import re

from crawler.spiders.nrw.pages import HeadingPageSpider


class MhkbdSpider(HeadingPageSpider):
    name = "nrw_mhkbd"
    source_key = "nrw_mhkbd"
    source_url = "https://www.mhkbd.nrw/"
    attribution = "Quelle: Ministerium für Heimat, Kommunales, Bau und Digitalisierung des Landes NRW (MHKBD)"
    funder = "Ministerium für Heimat, Kommunales, Bau und Digitalisierung des Landes Nordrhein-Westfalen"
    list_path = "service/foerderangebote"
    detail_link = re.compile(r"/foerderprogramme/[^/]+/?$")
    heading_fields = {
        "eligibility_text": ("Wer kann beantragen?",),
        "description_text": ("Was kann beantragt werden?",),
        "deadline_text": ("Ab und bis wann kann beantragt werden?",),
    }
    contact_headings = ("Bei wem kann beantragt werden und welche Ansprechpersonen sind zuständig?",)

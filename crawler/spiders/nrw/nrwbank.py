"""NRW.BANK Förderprodukte: the product catalogue (Solr JSON) and each product's detail page.

The catalogue gives the stable numeric product ids; the detail page (template known from a saved
real page) gives the texts by heading, Förderart/Förderhöhe, the "Stand" date and the funding
level (``et_seg5``: Land, Bund, EU). The level matters: NRW.BANK also lists federal and EU
products, which the Förderdatenbank carries too; linking uses it to recognise the same programme.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from parsel import Selector
from scrapy.http import Response
from twisted.python.failure import Failure

from core.rates import funding_columns
from crawler.health import failure_reason, missing_keys, shape_alarm
from crawler.spiders.base import SourceSpider, failed_request
from crawler.spiders.nrw.classify import applicant_codes, funding_type_codes
from crawler.spiders.nrw.headings import pick, sections
from crawler.spiders.nrw.pages import site_url

PRODUCT_PATH = "de/foerderung/foerderprodukte/{id}/index.html"
PUBLIC_PRODUCT_URL = "https://www.nrwbank.de/de/foerderung/foerderprodukte/{id}/index.html"
SOLR_PARAMS = {
    "q": "*:*",
    "fq": (
        "public_access:true AND search_exclude:false AND (type:localProduct OR type:containerpage) AND con_locales:de"
    ),
    "fl": "id,type,link,title_de_s,Title_prop_s,description_de_s",
    "rows": 1000,
    "sort": "score desc",
    "wt": "json",
}
_PRODUCT_LINK = re.compile(r"/localProduct/(\d+)\.xml$")
_PRODUCT_ID = re.compile(r"/foerderprodukte/(\d+)/")
_LEVELS = {"land": "land", "bund": "bund", "eu": "eu"}
_PRODUCT_HEADINGS = (
    ("wer", "Wer wird gefördert?"),
    ("was", "Was wird gefördert?"),
    ("voraussetzungen", "Welche Voraussetzungen gelten?"),
    ("wie", "Wie wird gefördert?"),
    ("nicht", "Welche Vorhaben werden nicht gefördert?"),
    ("antrag", "Wie erfolgt die Antragstellung?"),
    ("info", "Weitere Informationen"),
    ("kontakt", "Kontakt"),
)


def _norm(text: str) -> str:
    return " ".join((text or "").split())


def product_ids(payload: Any) -> list[str]:
    """Product ids of a catalogue response, in its order, each once."""
    ids: list[str] = []
    for doc in (payload.get("response") or {}).get("docs") or []:
        match = _PRODUCT_LINK.search(str(doc.get("link") or "")) if doc.get("type") == "localProduct" else None
        if match and match.group(1) not in ids:
            ids.append(match.group(1))
    return ids


def parse_product(page_html: str) -> dict[str, Any]:
    """The store item of one product detail page."""
    sel = Selector(text=page_html)
    canonical = (
        sel.css("link[rel=canonical]::attr(href)").get()
        or sel.css('meta[property="og:url"]::attr(content)').get()
        or ""
    )
    product_id = _PRODUCT_ID.search(canonical) or re.search(r"var et_seg4 = '(\d+)'", page_html)
    level_match = re.search(r"var et_seg5 = '([^']*)'", page_html)
    level_word = level_match.group(1) if level_match else ""
    found = sections(page_html, scope="#main-area")
    terms: dict[str, str] = {}
    for li in sel.xpath('//div[contains(@class,"fdb-wrapper")]//li[strong]'):
        key = _norm("".join(li.xpath("./strong//text()").getall()))
        if key in ("Förderart", "Förderhöhe") and key not in terms:
            terms[key] = (
                _norm("".join(li.xpath("./text()|./*[not(self::strong)]//text()").getall())).lstrip(": ").strip()
            )
    info = pick(found, "Weitere Informationen")
    stand = re.search(r"Stand\s+(\d{1,2}/\d{4})", info.text if info else "")
    eligibility = "\n\n".join(
        s.text for s in (pick(found, "Wer wird gefördert?"), pick(found, "Welche Voraussetzungen gelten?")) if s
    )
    by_heading = {name: pick(found, heading) for name, heading in _PRODUCT_HEADINGS}
    pid = product_id.group(1) if product_id else ""
    return {
        "natural_key": pid,
        "url": canonical or PUBLIC_PRODUCT_URL.format(id=pid),
        "kind": "programme",
        "title": _norm(" ".join(sel.css("#header-content h1 ::text").getall())),
        "teaser_text": sel.css("meta[name=description]::attr(content)").get("").strip(),
        "description_text": by_heading["was"].text if by_heading["was"] else "",
        "eligibility_text": eligibility,
        "legal_text": info.text if info else "",
        "deadline_text": by_heading["antrag"].text if by_heading["antrag"] else "",
        **funding_columns(terms.get("Förderhöhe", ""), by_heading["wie"].text if by_heading["wie"] else ""),
        "funding_types": funding_type_codes(terms.get("Förderart", "")),
        "eligible_applicants": applicant_codes(by_heading["wer"].text if by_heading["wer"] else ""),
        "level": _LEVELS.get(level_word.strip().lower(), "land"),
        "regions": ["nordrhein_westfalen"],
        "funder": "NRW.BANK",
        "contact": {"text": by_heading["kontakt"].text} if by_heading["kontakt"] else {},
        "raw": {name: section.html for name, section in by_heading.items() if section},
        "attribution": "Quelle: NRW.BANK",
        "status": "unknown",
        "extra": {
            "product_id": pid,
            "foerdergeber": level_word,
            "stand": stand.group(1) if stand else "",
            "key_facts": [
                _norm("".join(li.xpath("./text()").getall())) for li in sel.css("#header-content div.module-19 li")
            ],
            "foerderart": terms.get("Förderart", ""),
            "exclusions": by_heading["nicht"].text if by_heading["nicht"] else "",
            "related_products": [
                m.group(1)
                for h in sel.css("div.custom-cards div.card a[href*='/foerderprodukte/']::attr(href)").getall()
                for m in [_PRODUCT_ID.search(h)]
                if m
            ],
        },
    }


def product_structure(item: dict[str, Any]) -> dict[str, Any]:
    """The parts of a product page the item was read from, by the page's own names."""
    raw = item["raw"]
    return {
        "Seitentitel": item["title"],
        "Produkt-Id": item["natural_key"],
        "Förderart": item["extra"]["foerderart"],
        "Förderhöhe": item["funding_rate"],
        **{heading: raw.get(key) for key, heading in _PRODUCT_HEADINGS},
    }


class NrwBankSpider(SourceSpider):
    """The catalogue, then every product page it lists.

    ``product_ids`` ("15086,60375") reads just those product pages, without the catalogue: a
    re-check of single products, or the demo's one saved real page. Such a run reads part of the
    source, so it is recorded as partial: it removes nothing and is no baseline for the next count.
    """

    name = "nrwbank"
    source_key = "nrwbank"
    source_level = "land"
    source_url = "https://www.nrwbank.de/"
    attribution = "Quelle: NRW.BANK"

    def __init__(self, *args: Any, product_ids: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.product_ids = [pid.strip() for pid in product_ids.split(",") if pid.strip()]
        self.crawl_partial = bool(self.product_ids)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.product_ids:
            for request in self.product_requests(self.product_ids):
                yield request
            self.crawl_complete = True
            return
        url = site_url(self.base_url, "handleSolrSelect") + "?" + urlencode(SOLR_PARAMS)
        yield scrapy.Request(url, callback=self.parse_catalogue, errback=self.catalogue_failed)

    def product_requests(self, ids: list[str]) -> Iterator[Any]:
        for pid in ids:
            yield scrapy.Request(
                site_url(self.base_url, PRODUCT_PATH.format(id=pid)),
                callback=self.parse_product_page,
                errback=self.product_failed,
                cb_kwargs={"pid": pid},
            )

    def catalogue_failed(self, failure: Failure) -> None:
        self.fail(f"Produktkatalog {failed_request(failure).url} nicht geladen: {failure_reason(failure)}")

    def parse_catalogue(self, response: Response) -> Iterator[Any]:
        try:
            payload = json.loads(response.text)
        except ValueError:
            self.fail(f"Produktkatalog {response.url}: Antwort ist kein JSON")
        missing = missing_keys(payload, ("responseHeader", "response"))
        self.fingerprint.unit("Produktkatalog", [key for key in ("responseHeader", "response") if key not in missing])
        if missing or (payload.get("responseHeader") or {}).get("status") != 0:
            self.fail(shape_alarm("NRW.BANK-Produktkatalog", missing or ["responseHeader.status = 0"]))
        ids = product_ids(payload)
        if not ids:
            self.fail("NRW.BANK-Produktkatalog enthält keine Förderprodukte (type localProduct)")
        self.crawl_stats["catalogue_products"] = len(ids)
        yield from self.product_requests(ids)
        self.crawl_complete = True  # a failed product page adds an alarm, keeping the run untrusted

    def product_failed(self, failure: Failure) -> None:
        self.crawl_alarms.append(f"Produktseite {failed_request(failure).url} nicht geladen: {failure_reason(failure)}")

    def parse_product_page(self, response: Response, pid: str) -> Iterator[Any]:
        item = parse_product(response.text)
        self.fingerprint.unit("Produktseite", [name for name, value in product_structure(item).items() if value])
        if item["natural_key"] != pid:
            self.crawl_alarms.append(
                f"Produktseite {response.url} trägt die Id {item['natural_key'] or '(keine)'} statt {pid}"
            )
            item["natural_key"] = pid
        yield item

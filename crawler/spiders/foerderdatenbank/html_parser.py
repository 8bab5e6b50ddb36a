"""Förderdatenbank HTML pages → search cards and programme items (NOTES.md §4).

The HTML route is the fallback when the export is unavailable, and the only place with the true
typographic characters. Detail pages come in three layouts (A: tabs; B: ``<h5>Rechtsgrundlage``;
C: ``<h2><span>Rechtsgrundlage``) and, intermittently, a "code/ASCII" variant that shows category
codes and ASCII labels (``Foerderart: zuschuss``). Both variants must give the same codes, or every
flip would register as a change. Links are joined against the configured ``base_url``, never
against the page's ``<base href>`` (which points at the live site even when served from 127.0.0.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from core.deadline_status import deadline_fields
from core.deadlines import parse_first_deadlines
from core.rates import funding_columns
from core.vocab import canonical_code, codes_by_label, labels
from crawler.spiders.foerderdatenbank.export_parser import (
    LEVELS,
    PUBLIC_BASE,
    attribution,
    correlaid_ids,
)
from crawler.text import html_to_text

PROGRAMME_PATH = "/FDB/Content/DE/Foerderprogramm/"
# Row label (label and ASCII variant, normalised) → item field and vocabulary kind.
CATEGORY_ROWS = {
    "förderart": ("funding_types", "foerderart"),
    "foerderart": ("funding_types", "foerderart"),
    "förderbereich": ("funding_areas", "foerderbereich"),
    "foerderbereich": ("funding_areas", "foerderbereich"),
    "fördergebiet": ("regions", "foerdergebiet"),
    "foerdergebiet": ("regions", "foerdergebiet"),
    "förderberechtigte": ("eligible_applicants", "foerderberechtigte"),
    "foerderberechtigte": ("eligible_applicants", "foerderberechtigte"),
}
FUNDER_ROWS = {"fördergeber", "foerdergeber"}
CONTACT_ROWS = {"ansprechpunkt", "ansprechpartner"}
LINK_ROWS = {"weiterführende links", "weiterfuehrendelinks", "weiterfuehrende links"}
_CLASSIFIERS = {
    "foerderart": "Foerderart",
    "foerderbereich": "Foerderbereich",
    "foerdergebiet": "Foerdergebiet",
    "foerderberechtigte": "Foerderberechtigte",
}
_LINK_SUFFIX = re.compile(r"\s*\((?:externer|exerner|extener) Link\)\s*$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PAGE_NUMBER = re.compile(r"_list%(?:25)?3D(\d+)")
_EXPORT_PATH = re.compile(r"'(/BMWI/FDB/Content/DE/Foerderprogramm/[^']+)'")
_TAB_SECTIONS = "//article[contains(@class,'content--tab-text')]/div[contains(@class,'rich--text')]"
_NO_TAB_BODY = "//main//div[contains(@class,'content--main')]/div[@class='content']/div[@class='rich--text']"


class BotPageError(ValueError):
    """The response is the site's bot-protection page, not the page asked for."""


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _text_of(selector: Selector) -> str:
    return _norm(" ".join(selector.xpath(".//text()").getall()))


def check_not_bot_page(url: str, selector: Selector, *, expect: str) -> None:
    """Raise ``BotPageError`` for a Radware/ShieldSquare page (redirect host, title or missing markup)."""
    title = _norm(selector.xpath("//title//text()").get())
    if "perfdrive.com" in url or "captcha" in title.lower() or "radware" in title.lower():
        raise BotPageError(f"Bot-Schutzseite (CAPTCHA) statt {expect}: {url} (Titel {title!r})")
    marker = "#hits--count" if expect == "Suchergebnis" else "h1.title"
    if not selector.css(marker):
        raise BotPageError(f"Seite ohne {marker} – vermutlich Bot-Schutzseite statt {expect}: {url} (Titel {title!r})")


# -- search result pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchCard:
    url: str
    title: str
    export_path: str
    basket_id: str


@dataclass(frozen=True)
class SearchPage:
    hits: int
    cards: list[SearchCard]
    next_url: str | None
    next_page: int | None


def page_number(url: str) -> int:
    """Page number of a search URL (``gtp=…_list%253D<N>``); page 1 has none."""
    match = _PAGE_NUMBER.search(url)
    return int(match.group(1)) if match else 1


def parse_search_page(html: str, *, url: str, base_url: str) -> SearchPage:
    selector = Selector(text=html)
    check_not_bot_page(url, selector, expect="Suchergebnis")
    hits = int(re.sub(r"\D", "", selector.css("#hits--count::text").get() or "0") or 0)
    cards = []
    for card in selector.css("div.card--fundingprogram"):
        href = card.css("p.card--title > a::attr(href)").get()
        if not href:
            continue
        basket = card.css("a.btn--basket")
        export = _EXPORT_PATH.search(basket.attrib.get("onmousedown", "")) if basket else None
        cards.append(
            SearchCard(
                url=urljoin(base_url, href.strip()),
                title=_norm(" ".join(card.css("p.card--title span.link--label ::text").getall())),
                export_path=export.group(1) if export else "",
                basket_id=basket.attrib.get("data-basket-id", "") if basket else "",
            )
        )
    forward = selector.css("a.forward.button::attr(href)").get()
    next_url = urljoin(base_url, forward.strip()) if forward else None
    return SearchPage(hits, cards, next_url, page_number(next_url) if next_url else None)


# -- detail pages ----------------------------------------------------------------------------------


def split_labels(value: str, kind: str) -> list[str]:
    """Comma-separated labels or codes → codes; re-merges labels that contain a comma
    ("Kultur, Medien & Sport")."""
    known = codes_by_label(kind)
    codes_of_kind = set(labels(kind))
    parts = [part.strip() for part in value.split(",") if part.strip()]
    codes: list[str] = []
    index = 0
    while index < len(parts):
        for width in (3, 2, 1):
            candidate = ", ".join(parts[index : index + width])
            if width == 1 or candidate in known:
                break
        index += width
        code = known.get(candidate) or (candidate if candidate in codes_of_kind else "")
        code = canonical_code(_CLASSIFIERS[kind], code or candidate)
        if code not in codes:
            codes.append(code)
    return codes


def _contact(dd: Selector) -> dict[str, Any]:
    contact: dict[str, Any] = {"name": _norm(" ".join(dd.css("p.card--title span.link--label ::text").getall()))}
    subtitle = _norm(" ".join(dd.css("p.card--title-subtitle ::text").getall()))
    if subtitle:
        contact["unit"] = subtitle
    street = _norm(" ".join(dd.css("p.adr ::text").getall()))
    if street:
        contact["road"] = street
    locality = _norm(" ".join(dd.css("p.locality ::text").getall()))
    match = re.match(r"(\d{5})\s+(.*)", locality)
    if match:
        contact["zip_code"], contact["city"] = match.groups()
    elif locality:
        contact["city"] = locality
    for field, css, pattern in (("phone", "p.tel", r"Tel:\s*(.*)"), ("fax", "p.fax", r"Fax:\s*(.*)")):
        found = re.match(pattern, _norm(" ".join(dd.css(f"{css} ::text").getall())))
        if found and found.group(1):
            contact[field] = found.group(1)
    email = dd.css("p.email a::attr(href)").re_first(r"mailto:(.*)")
    if email:
        contact["email"] = email.strip()
        if not _EMAIL.match(contact["email"]):
            contact["email_invalid"] = True  # e.g. the real "poststelle@@tmuenf…": shown, not repaired
    website = dd.css("p.website a::attr(href)").get()
    if website:
        contact["website"] = website.strip()
    return contact


def _sections(selector: Selector) -> tuple[dict[str, str], str]:
    """Sub-sections by their h3 heading (layout A), and the layout letter."""
    tabs = selector.xpath("//div[contains(@class,'content--main')]//h2[contains(@class,'horizontal--tab-opener')]")
    sections: dict[str, str] = {}
    if tabs:
        for block in selector.xpath(_TAB_SECTIONS):
            heading = _norm(block.xpath("string(h3)").get()).lower()
            if heading:
                sections[heading] = block.get()
        return sections, "A"
    body = selector.xpath(_NO_TAB_BODY)
    if body:
        sections["richtlinie"] = body[0].get()
        first = body[0].xpath("./*[1]")
        return sections, "C" if first and first[0].root.tag == "h2" else "B"
    return sections, "?"


def parse_detail_page(html: str, *, url: str, today: date) -> dict[str, Any]:
    """A detail page → a programme item with the same codes and keys the export spider produces."""
    selector = Selector(text=html)
    check_not_bot_page(url, selector, expect="Programmseite")
    canonical = selector.css('link[rel="canonical"]::attr(href)').get() or ""
    path = urlsplit(canonical or url).path
    key = path.removesuffix(".html")
    public = PUBLIC_BASE + path
    item: dict[str, Any] = {"funding_types": [], "funding_areas": [], "regions": [], "eligible_applicants": []}
    funder = ""
    contact: dict[str, Any] = {}
    links: list[dict[str, Any]] = []
    code_variant = False
    for dt in selector.xpath("//dl[contains(@class,'document-info-fundingprogram')]/dt"):
        row = _text_of(dt).rstrip(":").strip().lower()
        dd = dt.xpath("following-sibling::dd[1]")
        if not dd:
            continue
        if row in CATEGORY_ROWS:
            field, kind = CATEGORY_ROWS[row]
            code_variant = code_variant or row.startswith("foerder")
            item[field] = split_labels(_norm(" ".join(dd.xpath("./text()").getall())) or _text_of(dd[0]), kind)
        elif row in FUNDER_ROWS:
            funder = _norm(" ".join(dd.css("p.card--title span.link--label ::text").getall())) or _text_of(dd[0])
        elif row in CONTACT_ROWS and not contact:
            contact = _contact(dd[0])
        elif row in LINK_ROWS:
            for anchor in dd.xpath(".//a[contains(@class,'link-external')]"):
                title = _LINK_SUFFIX.sub("", _norm(" ".join(anchor.css("span.link--label ::text").getall())))
                href = (anchor.attrib.get("href") or "").strip()
                if href:
                    links.append({"title": title or href, "url": href})
    sections, layout = _sections(selector)
    teaser_html = sections.get("kurztext", "")
    raw = {
        name: markup
        for name, markup in (
            ("teaserText", teaser_html),
            ("summary", sections.get("volltext", "")),
            ("regulatoryFWork", sections.get("rechtliche voraussetzungen", "")),
            ("procInfluence", sections.get("fristen", "")),
            ("bodyText", sections.get("richtlinie", "")),
        )
        if markup
    }
    texts = {
        field: _drop_heading(html_to_text(raw.get(name, "")))
        for field, name in (
            ("teaser_text", "teaserText"),
            ("description_text", "summary"),
            ("eligibility_text", "regulatoryFWork"),
            ("deadline_text", "procInfluence"),
            ("legal_text", "bodyText"),
        )
    }
    if not texts["teaser_text"]:
        texts["teaser_text"] = _norm(selector.css('meta[name="description"]::attr(content)').get())
    deadline = parse_first_deadlines(
        [texts["deadline_text"], texts["description_text"], texts["legal_text"]], today=today
    )
    folder = key.partition(PROGRAMME_PATH)[2].split("/")
    id_url, id_hash = correlaid_ids(key)
    return {
        "natural_key": key,
        "url": public,
        "kind": "programme",
        "title": _norm(" ".join(selector.xpath("//h1[contains(@class,'title')]//text()").getall())),
        **texts,
        "status_note": "",
        "keywords": _norm(selector.css('meta[name="keywords"]::attr(content)').get()),
        "raw": raw,
        "level": LEVELS.get(folder[0], "other") if len(folder) > 1 else "other",
        "funder": funder,
        **item,
        "contact": contact,
        "links": links,
        **funding_columns("", texts["teaser_text"], texts["description_text"], texts["eligibility_text"]),
        **deadline_fields(deadline, kind="programme", today=today),
        "attribution": attribution(public),
        "extra": {
            "id_url": id_url,
            "id_hash": id_hash,
            "slug": key.rpartition("/")[2],
            "layout": layout,
            "code_variant": code_variant,
            "from_html": True,
        },
    }


def _drop_heading(text: str) -> str:
    """Section text without the heading the page template adds ("Kurztext" …); a "Rechtsgrundlage"
    heading stays, because it is part of the programme text itself (as in the export)."""
    first, _, rest = text.partition("\n")
    if first.strip().lower() in {"kurztext", "volltext", "rechtliche voraussetzungen", "fristen", "richtlinie"}:
        return rest.strip()
    return text

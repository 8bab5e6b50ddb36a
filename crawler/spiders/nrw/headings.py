"""Heading-based extraction: a page's sections keyed by their normalised heading text.

A section runs from its heading to the next heading of the same or a higher level, in document
order, whatever containers the CMS wraps around them (NRW.BANK nests heading and body in sibling
divs). The split works on the serialised HTML so each section keeps its markup for display; the
text copy comes from ``crawler.text.html_to_text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html

from crawler.text import html_to_text

_HEADING = re.compile(r"<(h[1-6]|dt)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_LEADING_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?)\s+")


@dataclass(frozen=True)
class Section:
    heading: str  # as written, whitespace collapsed
    html: str
    text: str


def normalise_heading(heading: str) -> str:
    """Comparable form: entities decoded, whitespace collapsed, numbering and trailing ?/: dropped, casefolded."""
    text = lxml_html.fromstring(f"<span>{heading}</span>").text_content() if "&" in heading else heading
    text = " ".join(text.replace("\u00a0", " ").split())
    text = _LEADING_NUMBER.sub("", text)
    return text.rstrip(" ?:").casefold()


def scope_html(page_html: str, css: str | None) -> str:
    """The serialised HTML of the elements matching ``css`` (whole page when None or no match)."""
    if not css:
        return page_html
    from parsel import Selector

    found = Selector(text=page_html).css(css).getall()
    return "\n".join(found) if found else page_html


def _level(tag: str) -> int:
    return 7 if tag.lower() == "dt" else int(tag[1])


def sections(page_html: str, *, scope: str | None = None) -> dict[str, Section]:
    """Normalised heading → section. Duplicate headings keep the first; empty sections are skipped."""
    markup = scope_html(page_html, scope)
    headings = list(_HEADING.finditer(markup))
    found: dict[str, Section] = {}
    for index, match in enumerate(headings):
        level = _level(match.group(1))
        end = next((m.start() for m in headings[index + 1 :] if _level(m.group(1)) <= level), len(markup))
        body = markup[match.end() : end]
        title = " ".join(html_to_text(match.group(2)).split())
        key = normalise_heading(title)
        text = html_to_text(body).strip() if body.strip() else ""
        if key and text and key not in found:
            found[key] = Section(title, body, text)
    return found


def pick(found: dict[str, Section], *aliases: str) -> Section | None:
    """The first section whose heading equals one of ``aliases`` (compared normalised)."""
    for alias in aliases:
        section = found.get(normalise_heading(alias))
        if section is not None:
            return section
    return None

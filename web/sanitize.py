"""Sanitising scraped HTML before it reaches a page.

Source texts are stored unmodified (``Programme.raw``); when a page shows them as HTML they pass
through nh3 with a small allow-list: structure and emphasis, lists, tables and links with http(s)
or mailto targets only. Scripts, styles, event handlers and ``javascript:`` URLs are removed.
Plain-text fields are never marked safe: Jinja's autoescape handles them.
"""

from __future__ import annotations

import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "abbr",
    "sub",
    "sup",
    "dl",
    "dt",
    "dd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str | None) -> Markup:
    """Scraped HTML made safe to show: the result may be rendered without escaping."""
    if not html:
        return Markup("")
    cleaned = nh3.clean(
        str(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        clean_content_tags={"script", "style"},
    )
    return Markup(cleaned)


def safe_url(url: str | None) -> str:
    """A scraped link target, or '' when it is not http(s)/mailto (e.g. ``javascript:``)."""
    value = (url or "").strip()
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    return value if scheme in URL_SCHEMES else ""

"""Text cleaners shared by all spiders: source HTML → plain text for matching and display.

Sources hand us HTML fragments (Förderdatenbank RichText, NRW pages, EU descriptions). The stored
``raw`` keeps them unmodified; these helpers derive the plain ``*_text`` copy. They never raise:
a crawl must not die on one odd fragment, so every path has a forgiving fallback.

Deliberately *not* done here: repairing the Förderdatenbank's lossy ``?`` substitutions. Texts are
CC BY-ND, so stored texts stay as the source wrote them; only the matcher normalises its own copy.
"""

from __future__ import annotations

import html
import re

from lxml import etree
from lxml import html as lxml_html

# C0 control characters that XML 1.0 forbids (TAB, LF and CR are allowed). The Förderdatenbank
# export contains a raw \x02 in at least one document, which breaks a strict parser.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

_CDATA_START = "<![CDATA["
_CDATA_END = "]]>"

# Elements that start a new paragraph, and elements that only start a new line.
_PARAGRAPH = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table",
                        "blockquote", "section", "article", "header", "footer", "pre", "figure"})
_LINE = frozenset({"br", "li", "tr", "dt", "dd", "caption"})
_SKIPPED = frozenset({"script", "style", "template", "noscript"})

_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\f\v\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\n{3,}")


def strip_control_chars(data: bytes) -> tuple[bytes, int]:
    """Remove XML-forbidden control bytes; returns the cleaned bytes and how many were removed."""
    cleaned, count = _CONTROL_BYTES.subn(b"", data)
    return cleaned, count


def unwrap_pseudo_cdata(s: str) -> str:
    """Strip the literal ``<![CDATA[`` … ``]]>`` markers the export puts around RichText.

    After XML parsing, a RichText value is the *text* ``<![CDATA[<div …>…</div>]]>`` (the markers
    were escaped in the file), so the inner XHTML needs a second parse.
    """
    s = s.strip()
    if s.startswith(_CDATA_START):
        s = s[len(_CDATA_START):]
        if s.endswith(_CDATA_END):
            s = s[: -len(_CDATA_END)]
    return s


def _walk(element, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    tag = tag.rpartition("}")[2].lower()
    if tag in _SKIPPED:
        if element.tail:
            out.append(element.tail)
        return
    separator = "\n\n" if tag in _PARAGRAPH else "\n" if tag in _LINE else ""
    if separator:
        out.append(separator)
    if isinstance(element.tag, str) and element.text:
        out.append(element.text)
    for child in element:
        _walk(child, out)
    if tag in _PARAGRAPH:
        out.append(separator)
    if element.tail:
        out.append(element.tail)


def normalise_whitespace(text: str) -> str:
    """NBSP → space, soft hyphens and control characters gone, runs of blanks collapsed per line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u00ad", "")
    text = _CONTROL_CHARS.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(markup: str) -> str:
    """Plain text of an HTML/XHTML fragment; block elements become line or paragraph breaks."""
    if not markup:
        return ""
    try:
        markup = _CONTROL_CHARS.sub("", unwrap_pseudo_cdata(str(markup)))
        if not markup.strip():
            return ""
        if "<" not in markup and "&" not in markup:
            return normalise_whitespace(markup)
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
        out: list[str] = []
        _walk(root, out)
        return normalise_whitespace("".join(out))
    except (etree.LxmlError, ValueError, TypeError):
        # Broken beyond what lxml recovers from: drop tags, resolve entities, keep the words.
        try:
            return normalise_whitespace(html.unescape(_TAG.sub(" ", str(markup))))
        except Exception:  # noqa: BLE001 — the contract is "never raises"
            return ""

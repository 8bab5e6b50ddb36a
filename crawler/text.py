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
from typing import Any

from lxml import etree
from lxml import html as lxml_html

# C0 control characters that XML 1.0 forbids (TAB, LF and CR are allowed). The Förderdatenbank
# export contains a raw \x02 in at least one document, which breaks a strict parser.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

_CDATA_START = "<![CDATA["
_CDATA_END = "]]>"

# Elements that start a new paragraph, and elements that only start a new line.
_PARAGRAPH = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "pre",
        "figure",
    }
)
_LINE = frozenset({"br", "li", "tr", "dt", "dd", "caption"})
_SKIPPED = frozenset({"script", "style", "template", "noscript"})

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_TAG = re.compile(r"<[^>]*>")
_OTHER_BLANKS = "\t\f\v\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_OTHER_BLANK = re.compile(f"[{_OTHER_BLANKS}]")
_SPACES = re.compile(" {2,}")


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
        s = s[len(_CDATA_START) :]
        if s.endswith(_CDATA_END):
            s = s[: -len(_CDATA_END)]
    return s


def _local(tag: object) -> str:
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def _tree_text(root: Any) -> str:
    """Text of a parsed fragment with block elements turned into line/paragraph breaks.

    Marks the breaks in the tree, then lets lxml serialise the text in C (fast on long legal texts).
    """
    for element in root.iter():
        tag = _local(element.tag)
        if tag in _PARAGRAPH:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
        elif tag in _LINE:
            element.text = "\n" + (element.text or "") if tag != "br" else element.text
            if tag == "br":
                element.tail = "\n" + (element.tail or "")
    etree.strip_elements(root, *_SKIPPED, with_tail=False)
    return str(etree.tostring(root, method="text", encoding="unicode", with_tail=False))


def normalise_whitespace(text: str) -> str:
    """NBSP → space, soft hyphens and control characters gone, runs of blanks collapsed per line.

    Each regex runs only when a cheap substring test says it has work to do: these texts include
    long legal documents, and a regex pass costs far more than ``in``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u00ad", "")
    if _CONTROL_CHARS.search(text):
        text = _CONTROL_CHARS.sub("", text)
    if any(blank in text for blank in _OTHER_BLANKS):
        text = _OTHER_BLANK.sub(" ", text)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    lines: list[str] = []
    gap = False
    for line in text.split("\n"):  # one pass over lines: strip them, fold blank runs into one
        line = line.strip(" ")
        if not line:
            gap = True
            continue
        if gap and lines:
            lines.append("")
        lines.append(line)
        gap = False
    return "\n".join(lines)


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
        try:  # export RichText is well-formed XHTML: the XML parser is much faster
            root = etree.fromstring(f"<div>{markup}</div>", _XML_PARSER)
        except etree.XMLSyntaxError:
            root = lxml_html.fragment_fromstring(markup, create_parent="div")
        return normalise_whitespace(_tree_text(root))
    except (etree.LxmlError, ValueError, TypeError):
        # Broken beyond what lxml recovers from: drop tags, resolve entities, keep the words.
        try:
            return normalise_whitespace(html.unescape(_TAG.sub(" ", str(markup))))
        except Exception:  # noqa: BLE001 — the contract is "never raises"
            return ""

"""Text cleaners: Förderdatenbank RichText and arbitrary HTML to plain text, control bytes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crawler.text import html_to_text, strip_control_chars, unwrap_pseudo_cdata

RICHTEXT = (
    '<![CDATA[<div xmlns:xlink="http://www.w3.org/1999/xlink"><h5>Rechtsgrundlage</h5><p><span>Gesetz über'
    " Maßnahmen</span><span>&#xa0;</span>(Filmförderungsgesetz ? FFG)<br />vom: 23.12.2024</p>"
    "<ul><li>erstens</li><li>zwei\u00adtens</li></ul></div>]]>"
)


def test_richtext_becomes_paragraphs_lines_and_keeps_question_marks():
    text = html_to_text(RICHTEXT)
    assert text == (
        "Rechtsgrundlage\n\nGesetz über Maßnahmen (Filmförderungsgesetz ? FFG)\nvom: 23.12.2024\n\nerstens\nzweitens"
    )


def test_empty_richtext_and_plain_text():
    assert html_to_text('<![CDATA[<div xmlns:xlink="http://www.w3.org/1999/xlink"></div>]]>') == ""
    assert html_to_text("  Zuschuss\u00a0für   Kommunen ") == "Zuschuss für Kommunen"
    assert html_to_text("") == ""


def test_entities_scripts_and_broken_markup():
    assert html_to_text("<p>A &amp; B</p><script>alert(1)</script><p>C") == "A & B\n\nC"
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"


def test_unwrap_pseudo_cdata():
    assert unwrap_pseudo_cdata(" <![CDATA[<div>x</div>]]> ") == "<div>x</div>"
    assert unwrap_pseudo_cdata("<div>x</div>") == "<div>x</div>"


def test_strip_control_chars_counts_removed_bytes():
    data, count = strip_control_chars(b"De-minimis-Bei\x02hilfen\x00\ttab\nline\r")
    assert (data, count) == (b"De-minimis-Beihilfen\ttab\nline\r", 2)


@given(st.text())
def test_html_to_text_never_raises_and_has_no_nbsp_or_soft_hyphen(markup):
    text = html_to_text(markup)
    assert "\u00a0" not in text and "\u00ad" not in text
    assert text == text.strip()
    assert "\n\n\n" not in text


@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div>",
                "<br/>",
                "<li>",
                "&#xa0;",
                "&amp;",
                "Wort",
                " ",
                "<![CDATA[",
                "]]>",
                "\x02",
                "<",
                ">",
                "&",
                "\u00ad",
            ]
        )
    )
)
def test_html_soup_never_raises(parts):
    assert isinstance(html_to_text("".join(parts)), str)


@given(st.binary())
def test_strip_control_chars_leaves_no_forbidden_byte(data):
    cleaned, count = strip_control_chars(data)
    assert len(cleaned) + count == len(data)
    assert not any(b < 0x20 and b not in (0x09, 0x0A, 0x0D) for b in cleaned)

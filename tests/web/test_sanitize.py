"""Hostile scraped HTML never reaches a page as markup."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from web.sanitize import clean_html, safe_url


def test_programme_page_strips_scripts_handlers_and_javascript_links(curator, world):
    html = curator.page(f"/staff/programmes/{world.programmes['radwege'].id}").text
    assert "Gefördert werden Radwege." in html
    assert "alert(" not in html
    assert "onclick" not in html and "onerror" not in html
    assert "javascript:" not in html
    assert '<a href="https://www.foerderdatenbank.de/radwege" rel="noopener noreferrer nofollow">Richtlinie</a>' in html
    assert "Böser Link" in html  # the link text stays, the javascript: target does not


def test_text_fields_are_escaped(curator, world, engine):
    from sqlmodel import Session

    from store.models import Programme

    with Session(engine) as session:
        programme = session.get(Programme, world.programmes["waerme"].id)
        programme.title = '<script>alert("t")</script>Wärme'
        session.add(programme)
        session.commit()
    html = curator.page("/staff/queue").text
    assert '<script>alert("t")</script>' not in html
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;Wärme" in html


@given(st.text())
def test_clean_html_never_lets_script_or_handlers_through(text):
    hostile = f'<div onmouseover="x()">{text}<script>{text}</script><a href="javascript:{text}">y</a></div>'
    cleaned = str(clean_html(hostile))
    assert "<script" not in cleaned.lower()
    assert "onmouseover" not in cleaned.lower()
    assert "javascript:" not in cleaned.lower()


@given(st.sampled_from(["javascript:", "JAVASCRIPT:", " javascript:", "vbscript:", "data:text/html,"]), st.text())
def test_safe_url_drops_script_schemes(scheme, rest):
    assert safe_url(scheme + rest) == ""


def test_safe_url_keeps_web_links():
    assert safe_url("https://www.nrwbank.de/x") == "https://www.nrwbank.de/x"
    assert safe_url("mailto:foerderung@rvr.ruhr") == "mailto:foerderung@rvr.ruhr"

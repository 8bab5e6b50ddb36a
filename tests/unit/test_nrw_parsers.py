"""NRW parsers: the real NRW.BANK page, the heading splitter, applicant and funding-type codes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from crawler.spiders.nrw.classify import applicant_codes, funding_type_codes
from crawler.spiders.nrw.headings import normalise_heading, pick, sections
from crawler.spiders.nrw.nrwbank import parse_product, product_ids

NRW = Path(__file__).resolve().parents[2] / "foerderradar" / "demo_data" / "nrwbank"  # the saved real page
PAGE = (NRW / "nrwbank_foerderprodukt_15086_gruendungszuschuss.html").read_bytes().decode("utf-8")


def test_nrwbank_sections_are_matched_by_heading_despite_anchor_order():
    found = sections(PAGE, scope="#main-area")
    assert pick(found, "Welche Voraussetzungen gelten?").text.startswith("Sie müssen insbesondere")
    assert pick(found, "Wie erfolgt die Antragstellung?").text.startswith("Sie stellen den Antrag")
    assert "anmelden" not in found and "die nrw.bank" not in found  # footer headings stay out


def test_nrwbank_product_fields():
    item = parse_product(PAGE)
    assert (item["natural_key"], item["title"], item["level"]) == ("15086", "Gründungszuschuss", "bund")
    assert item["url"] == "https://www.nrwbank.de/de/foerderung/foerderprodukte/15086/gruendungszuschuss.html"
    assert item["funding_types"] == ["zuschuss"] and item["extra"]["foerderart"] == "Zuschuss"
    assert item["funding_rate"].startswith("1. Phase: zuletzt bezogenes Arbeitslosengeld sowie zusätzlich 300 €")
    assert item["extra"]["stand"] == "11/2025"
    assert "Fördergeber: Bund" in item["extra"]["key_facts"]  # NBSP after the colon normalised
    assert item["extra"]["related_products"] == ["60100", "15916", "15118", "15012", "15216"]
    assert "§§ 93 f. SGB III" in item["legal_text"]  # entities decoded, text unmodified
    assert item["teaser_text"].startswith("Zuschuss für Existenzgründerinnen")


def test_catalogue_lists_product_ids_once_and_skips_container_pages():
    payload = {
        "response": {
            "docs": [
                {"type": "localProduct", "link": "/.content/localProduct/15086.xml"},
                {"type": "containerpage", "link": "/de/oeffentliche-kunden/"},
                {"type": "localProduct", "link": "/.content/localProduct/15086.xml"},
                {"type": "localProduct", "link": "/.content/localProduct/60375.xml"},
            ]
        }
    }
    assert product_ids(payload) == ["15086", "60375"]


def test_applicant_and_funding_type_codes():
    assert applicant_codes("Gemeinden und Gemeindeverbände sowie Vereine") == ["kommune", "verband_vereinigung"]
    assert applicant_codes("") == []
    assert funding_type_codes("Zuschüsse von 40 bis 80 %") == ["zuschuss"]
    assert funding_type_codes("zinsgünstige Darlehen") == ["darlehen"]


def test_subsections_belong_to_their_parent_section():
    page = (
        "<h2>7 Verfahren</h2><h3>7.1 Projektträger</h3><p>PT</p><h3>7.2 Skizzen</h3><p>bis 31.03.2027</p>"
        "<h2>8 Geltung</h2><p>x</p>"
    )
    found = sections(page)
    assert "bis 31.03.2027" in found["verfahren"].text and "PT" in found["verfahren"].text
    assert found["skizzen"].text == "bis 31.03.2027" and "x" not in found["verfahren"].text


heading_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß", min_size=2, max_size=10)
headings = st.lists(heading_words, min_size=1, max_size=4).map(" ".join).map(str.capitalize)


@given(
    headings,
    st.sampled_from(["", "?", ":", " ?"]),
    st.sampled_from(["", "3 ", "7.2 "]),
    st.sampled_from([" ", "\u00a0", "  \n"]),
)
def test_heading_normalisation_ignores_numbering_punctuation_and_spacing(heading, end, number, space):
    written = number + heading.replace(" ", space) + end
    assert normalise_heading(written) == normalise_heading(heading)
    assert normalise_heading(normalise_heading(written)) == normalise_heading(written)


@given(
    st.lists(
        st.tuples(headings, st.text(alphabet="abcdefg ", min_size=1, max_size=30).filter(str.strip)),
        min_size=1,
        max_size=6,
        unique_by=lambda pair: normalise_heading(pair[0]),
    ),
    st.sampled_from(["h2", "h3", "dt"]),
)
def test_every_section_of_a_generated_page_is_recovered(pairs, tag):
    page = (
        "<main><div class='wrap'>"
        + "".join(f"<div><{tag}>{h}?</{tag}></div><div><p>{body}</p></div>" for h, body in pairs)
        + "</div></main>"
    )
    found = sections(page, scope="main")
    for heading, body in pairs:
        assert pick(found, heading).text == " ".join(body.split()) or pick(found, heading).text == body.strip()

"""Writing real records in the export format: the parser reads back exactly the same texts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.spiders.foerderdatenbank.export_parser import parse_export
from crawler.spiders.foerderdatenbank.export_writer import ExportWriter

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "foerderdatenbank"
SNAPSHOT = Path(__file__).resolve().parents[2] / "foerderradar" / "demo_data" / "foerderdatenbank-export.zip"
TODAY = date(2026, 11, 26)
TEXT_KEYS = {
    "title": "title",
    "teaser_text": "short_description",
    "description_text": "description",
    "eligibility_text": "legal_requirements",
    "legal_text": "legal_basis",
    "deadline_text": "deadlines",
    "status_note": "status_note",
    "keywords": "keywords",
}


def _records() -> list[dict]:
    return json.loads((FIXTURES / "corpus_sample.json").read_text(encoding="utf-8"))


def test_corpus_records_round_trip_verbatim():
    writer = ExportWriter()
    writer.add_tree(FIXTURES / "export_xml")
    records = _records()
    for record in records:
        writer.programme(record)
    result = parse_export(writer.to_zip(), today=TODAY)
    assert result.unresolved_links == 0 and result.broken == []
    items = {item["url"]: item for item in result.items}
    for record in records:
        item = items[record["url"]]
        for field, key in TEXT_KEYS.items():
            assert item[field] == record[key], (record["id_url"], field)
        assert item["links"] == record["further_links"]
        assert item["extra"]["id_url"] == record["id_url"]
        assert item["eligible_applicants"] == record["eligible_applicants"]
        assert item["contact"]["name"] == record["contact"]["institution"]
        assert item["contact"]["city"] == record["contact"]["city"]
    esport = items[
        "https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/Land/Schleswig-Holstein/"
        "e-sport-foerderrichtlinie.html"
    ]
    assert esport["regions"] == ["schleswig_holstein"]
    media = next(item for item in result.items if item["extra"]["id_url"] == "bund-bkm-medialeistungen")
    assert media["funder"] == "Der Beauftragte der Bundesregierung für Kultur und Medien (BKM)"  # real document


def test_writer_output_is_reproducible():
    def build() -> bytes:
        writer = ExportWriter()
        for record in _records():
            writer.programme(record)
        return writer.to_zip()

    assert build() == build()


def test_shipped_demo_snapshot_parses_completely():
    result = parse_export(SNAPSHOT.read_bytes(), today=TODAY)
    assert result.programmes == 53 and result.broken == [] and result.unresolved_links == 0
    nrw_for_municipalities = [
        item
        for item in result.items
        if "kommune" in item["eligible_applicants"] and {"nordrhein_westfalen", "_bundesweit"} & set(item["regions"])
    ]
    assert nrw_for_municipalities, "the demo needs programmes open to NRW municipalities"
    assert all(item["title"] for item in result.items)


_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs"), blacklist_characters="\u00ad"), min_size=1
).filter(lambda t: t.strip() == t)


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=4))
def test_any_text_survives_writing_and_parsing(words):
    text = " ".join(words)
    record = {
        "url": "https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/EU/probe.html",
        "title": text,
        "short_description": text,
        "keywords": text,
    }
    writer = ExportWriter()
    writer.programme(record)
    (item,) = parse_export(writer.to_zip(), today=TODAY).items
    assert item["title"] == item["teaser_text"] == item["keywords"] == text

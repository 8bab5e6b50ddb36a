"""Export parser on the saved real export documents: every documented quirk."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from crawler.spiders.foerderdatenbank.export_parser import ExportFormatError, parse_export
from crawler.spiders.foerderdatenbank.export_writer import ExportWriter, XmlDocument, paragraph

EXPORT_XML = Path(__file__).resolve().parents[1] / "fixtures" / "foerderdatenbank" / "export_xml"
TODAY = date(2026, 11, 26)


def saved_zip(writer: ExportWriter | None = None) -> bytes:
    writer = writer or ExportWriter()
    writer.add_tree(EXPORT_XML)
    return writer.to_zip()


@pytest.fixture(scope="module")
def items() -> dict[str, dict]:
    result = parse_export(saved_zip(), today=TODAY)
    assert (result.documents, result.programmes, result.unresolved_links, result.broken) == (32, 3, 0, [])
    return {item["extra"]["slug"]: item for item in result.items}


def test_control_byte_document_parses_after_stripping():
    result = parse_export(saved_zip(), today=TODAY)
    assert result.stripped_control_bytes == 1
    assert result.stats()["fdb/stripped_control_bytes"] == 1


def test_public_url_natural_key_and_correlaid_ids(items):
    item = items["eingliederungszuschuss-bund"]
    assert item["url"] == (
        "https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/Bund/BA/eingliederungszuschuss-bund.html"
    )
    assert item["natural_key"] == "/FDB/Content/DE/Foerderprogramm/Bund/BA/eingliederungszuschuss-bund"
    assert item["extra"]["id_url"] == "bund-ba-eingliederungszuschuss-bund"
    assert item["level"] == "bund"


def test_category_codes_with_alias_normalised_and_subareas_with_parent(items):
    assert items["einstiegsgeld"]["regions"] == ["_bundesweit"]  # export alias "bundesweit"
    assert items["eingliederungszuschuss-bund"]["regions"] == ["_bundesweit"]
    film = items["deutsch-franzoesische-kooperationen-film-ffa"]
    assert film["funding_types"] == ["darlehen", "buergschaft"]
    assert film["funding_subareas"] == ["kultur_medien_sport.film_fernsehen"]
    assert items["eingliederungszuschuss-bund"]["eligible_applicants"] == [
        "unternehmen",
        "verband_vereinigung",
        "oeffentliche_einrichtung",
    ]
    assert items["einstiegsgeld"]["funding_subareas"] == [
        "existenzgruendung_festigung.lebensunterhalt_soziale_sicherung",
        "existenzgruendung_festigung.betriebsmittel",
    ]


def test_texts_unmodified_with_question_mark_substitution_and_raw_kept(items):
    film = items["deutsch-franzoesische-kooperationen-film-ffa"]
    assert film["title"] == (
        "Förderung Deutsch-Französischer Koproduktionen im Rahmen des "
        "Filmförderungsgesetzes 2025 (Minitraité-Förderung)"
    )
    assert "(Filmförderungsgesetz ? FFG)" in film["legal_text"]
    assert film["raw"]["bodyText"].startswith('<div xmlns:xlink="http://www.w3.org/1999/xlink"><h5>Rechtsgrundlage')
    assert film["teaser_text"] == "" and "teaserText" not in film["raw"]  # empty RichText
    assert "comment" not in film["raw"]  # editorial ticket ids are dropped
    assert "\u00a0" not in film["legal_text"]


def test_linked_contact_address_links_and_funding_body(items):
    film = items["deutsch-franzoesische-kooperationen-film-ffa"]
    assert film["contact"] == {
        "name": "FFA Filmförderungsanstalt",
        "email": "info@ffa.de",
        "phone": "+49 30 27577-0",
        "fax": "+49 30 27577-111",
        "website": "https://www.ffa.de/",
        "road": "Große Präsidentenstraße",
        "house_id": "9",
        "zip_code": "10178",
        "city": "Berlin",
        "unit": "FFA Filmförderungsanstalt",
    }
    assert film["links"][1] == {"title": "Serviceportal für Antragsstellung", "url": "https://portal.ffa.de/start"}
    assert film["funder"] == "Der Beauftragte der Bundesregierung für Kultur und Medien (BKM)"
    bund = items["eingliederungszuschuss-bund"]
    assert bund["contact"]["phone"] == "+49 800 455-5520"  # trailing spaces stripped
    assert len(items["einstiegsgeld"]["contact"]["more"]) == 1  # second contact kept


def test_attribution_and_no_expiration_date(items):
    for item in items.values():
        assert item["attribution"].startswith("Quelle: Förderdatenbank des Bundes, BMWE, CC BY-ND 4.0")
        assert item["url"] in item["attribution"]
        assert "dateOfExpiration" not in item["raw"] and "date_of_expiration" not in item["extra"]


def _programme(name: str, title: str, procinfluence: str = "", header: str = "") -> XmlDocument:
    document = XmlDocument("/BMWI/FDB/Content/DE/Foerderprogramm/Land/NRW", name, "gsb:ServiceOffer")
    document.richtext("gsb:title", paragraph(title))
    document.richtext("gsb:procInfluence", paragraph(procinfluence))
    document.richtext("gsb:header", paragraph(header))
    document.classified(
        "gsb:cl2Processes",
        [
            ("Foerdergebiet", ["target:/BMWI/SiteGlobals/Categories/FDB/Foerdergebiet/schlesig_holstein"]),
            ("Foerderberechtigte", ["target:/BMWI/SiteGlobals/Categories/FDB/Foerderberechtigte/kommune"]),
            ("Foerderberechtigte", ["target:/BMWI/SiteGlobals/Categories/FDB/Foerderberechtigte/kommune"]),
            ("Foerderorganisation", ["target:/BMWI/FDB/Schulung/_Schulungsleiter"]),
        ],
    )
    return document


def test_deadlines_status_stub_and_unresolved_link():
    writer = ExportWriter()
    writer.add(_programme("frist", "Kommunale Förderung", "Anträge bis zum 30. September 2027 einreichen."))
    writer.add(_programme("zu", "Geschlossen", header="Förderprogramm aktiv, Antagstellung nicht merh möglich"))
    writer.add(_programme("stub", ""))
    result = parse_export(writer.to_zip(), today=TODAY)
    found = {item["extra"]["slug"]: item for item in result.items}
    assert found["frist"]["deadlines"] == ["2027-09-30"] and found["frist"]["status"] == "open"
    assert found["frist"]["next_deadline"] == date(2027, 9, 30)
    assert found["frist"]["deadline_sentence"] == "Anträge bis zum 30. September 2027 einreichen."
    assert found["zu"]["closed"] and found["zu"]["status"] == "closed"
    assert found["stub"]["title"] == ""  # the store rejects it as a stub document
    assert found["frist"]["regions"] == ["schleswig_holstein"] and found["frist"]["eligible_applicants"] == ["kommune"]
    assert found["frist"]["level"] == "land" and found["frist"]["funder"] == ""
    assert result.unresolved_links == 3  # the training link of each programme does not resolve


def test_broken_programme_document_is_reported():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved_zip())) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("BMWI/FDB/Content/DE/Foerderprogramm/EU/kaputt.xml", b"<document><property>")
    result = parse_export(buffer.getvalue(), today=TODAY)
    assert result.programmes == 3 and result.broken_programmes == 1
    assert result.broken[0].startswith("BMWI/FDB/Content/DE/Foerderprogramm/EU/kaputt.xml")


def test_non_zip_raises_clear_error():
    with pytest.raises(ExportFormatError, match="kein lesbares ZIP"):
        parse_export(b"PK\x03\x04 not really a zip", today=TODAY)


def test_funding_rate_and_bounds_are_read_from_the_description(items):
    """The export has no rate field: the rate sentence of the Volltext fills it, unmodified."""
    wage = items["eingliederungszuschuss-bund"]
    assert wage["funding_rate"] == (
        "Die Höhe des Zuschusses beträgt bis zu 50 Prozent des berücksichtigungsfähigen Arbeitsentgelts für "
        "maximal 12 Monate."
    )
    assert (wage["rate_min_pct"], wage["rate_max_pct"]) == (30.0, 70.0)
    # "Zuschüsse sind bis zu einer Höhe von EUR 5.000 möglich" stands only in the Richtlinie, which is not
    # read: legal texts state many percentages and sums that are not the grant (fees, de-minimis limits).
    assert (items["einstiegsgeld"]["funding_rate"], items["einstiegsgeld"]["amount_max_eur"]) == ("", None)

"""HTML parser on the saved real pages: cards, pagination, layouts A/B/C, the code variant, bot pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crawler.spiders.foerderdatenbank.export_parser import parse_export
from crawler.spiders.foerderdatenbank.export_writer import ExportWriter
from crawler.spiders.foerderdatenbank.html_parser import (
    BotPageError,
    page_number,
    parse_detail_page,
    parse_search_page,
    split_labels,
)

HTML = Path(__file__).resolve().parents[1] / "fixtures" / "foerderdatenbank" / "html"
EXPORT_XML = HTML.parent / "export_xml"
TODAY = date(2026, 11, 26)
LOCAL = "http://127.0.0.1:8999/"


def detail(name: str) -> dict:
    return parse_detail_page((HTML / name).read_text(encoding="utf-8"), url=LOCAL + "x.html", today=TODAY)


def test_search_page_cards_hits_and_next_link_joined_against_base_url():
    page = parse_search_page(
        (HTML / "overview.html").read_text(encoding="utf-8"),
        url=LOCAL + "SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html",
        base_url=LOCAL,
    )
    assert page.hits == 2395 and len(page.cards) == 10
    assert all(card.url.startswith(LOCAL + "FDB/Content/DE/Foerderprogramm/") for card in page.cards)
    guw = next(card for card in page.cards if "guw-thueringen" in card.url)
    assert guw.title == "Gründungs- und Wachstumsfinanzierung – GuW Thüringen"  # nested span
    assert page.cards[0].export_path.endswith("/Foerderprogramm/Land/Sachsen/buergschaft-sachsen-beteiligung")
    assert page.next_url.startswith(LOCAL + "SiteGlobals/FDB/Forms/Suche/") and page.next_page == 2
    assert page_number(page.next_url) == 2


def test_layout_a_tabs_give_teaser_description_eligibility():
    item = detail("detail_multi_desc.html")
    assert item["extra"]["layout"] == "A"
    assert item["teaser_text"].startswith("Wenn Sie Investitionen planen")
    assert item["description_text"].startswith("Die Mittelständische Beteiligungsgesellschaft Thüringen fördert")
    assert item["eligibility_text"].startswith("Die Förderung ist an bestimmte Bedingungen geknüpft.")
    assert item["legal_text"].startswith("Beteiligungsrichtlinien der Mittelständischen")
    assert item["funder"] == ""  # no Fördergeber row on this page
    assert item["natural_key"] == "/FDB/Content/DE/Foerderprogramm/Land/Thueringen/beteiligungen-thueringen-mbg-express"


def test_layout_b_with_full_contact_card_and_recurring_deadline():
    item = detail("detail_single_desc.html")
    assert item["extra"]["layout"] == "B" and item["legal_text"].startswith("Rechtsgrundlage")
    assert item["funding_areas"] == [
        "beratung",
        "existenzgruendung_festigung",
        "frauenfoerderung",
        "forschung_innovation_themenoffen",
    ]
    assert item["contact"]["unit"] == "Forschungszentrum Jülich GmbH Geschäftsstelle Berlin"
    assert (item["contact"]["zip_code"], item["contact"]["city"]) == ("10785", "Berlin")
    assert item["deadlines"] == ["2024-12-06"] and item["yearly_deadlines"] == ["09-30"]
    assert item["status"] == "open"  # "spätestens bis zum 30.09. jeden Jahres" recurs


def test_missing_rows_stay_empty():
    item = detail("details_single_desc_alt.html")
    assert item["funding_types"] == [] and item["regions"] == [] and item["keywords"] == ""


def test_layout_c_deadline_prose_and_invalid_email_flagged_not_repaired():
    item = detail("detail_rechts_only.html")
    assert item["extra"]["layout"] == "C"
    assert item["yearly_deadlines"] == ["03-31", "09-30"] and item["next_deadline"] == date(2027, 3, 31)
    assert item["contact"]["email"] == "poststelle@@tmuenf.thueringen.de" and item["contact"]["email_invalid"]


def test_code_variant_maps_to_codes():
    item = detail("detail_fail_19_12.html")
    assert item["extra"]["code_variant"]
    assert (item["funding_types"], item["funding_areas"], item["regions"], item["eligible_applicants"]) == (
        ["zuschuss"],
        ["forschung_innovation_themenspezifisch"],
        ["hessen"],
        ["unternehmen"],
    )
    assert item["links"] == [
        {"title": "Kundenportal der WIBank", "url": "https://foerderportal.wibank.de/site/#/public/home"}
    ]


def test_labels_with_comma_are_re_merged():
    assert split_labels("Kultur, Medien & Sport, Digitalisierung", "foerderbereich") == [
        "kultur_medien_sport",
        "digitalisierung",
    ]
    assert split_labels("bundesweit", "foerdergebiet") == ["_bundesweit"]


def test_html_and_export_of_the_same_programme_agree_on_key_and_codes():
    writer = ExportWriter()
    writer.add_tree(EXPORT_XML)
    exported = next(
        item
        for item in parse_export(writer.to_zip(), today=TODAY).items
        if item["extra"]["slug"] == "deutsch-franzoesische-kooperationen-film-ffa"
    )
    page = detail("detail_fail_07_25.html")
    for field in (
        "natural_key",
        "url",
        "funding_types",
        "funding_areas",
        "regions",
        "eligible_applicants",
        "keywords",
        "level",
    ):
        assert page[field] == exported[field], field
    assert [link["title"] for link in page["links"]] == ["FFA – Informationen zur Förderung", "FFA – Serviceportal"]


@pytest.mark.parametrize(
    "html, url",
    [
        ("<html><head><title>Radware Captcha Page</title></head><body></body></html>", LOCAL + "x.html"),
        ("<html><head><title>Förderdatenbank</title></head><body><p>leer</p></body></html>", LOCAL + "x.html"),
        ("<html><body><h1 class='title'>x</h1></body></html>", "https://validate.perfdrive.com/?ssc=https%3A%2F%2Fx"),
    ],
)
def test_bot_pages_are_detected(html, url):
    with pytest.raises(BotPageError, match="Bot-Schutz"):
        parse_detail_page(html, url=url, today=TODAY)
    with pytest.raises(BotPageError, match="Bot-Schutz"):
        parse_search_page(html, url=url, base_url=LOCAL)


def test_amount_of_the_participation_is_read_from_the_teaser():
    item = detail("detail_multi_desc.html")
    assert item["amount_max_eur"] == 140_000.0  # "als stille Beteiligung bis zu EUR 140.000"
    assert item["funding_rate"] == ""  # a participation, no rate of costs

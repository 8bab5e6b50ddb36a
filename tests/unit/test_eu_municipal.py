"""EU calls for towns: which saved SEDIA rows are selected and why, and their German lines."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from core.eu_glossary import action_type_name, part_name
from crawler.spiders.eu_sedia import rows
from crawler.spiders.eu_sedia.german import deadline_phrase, euro
from crawler.spiders.eu_sedia.municipal import select
from matcher.explain import eligibility_line
from store.models import Programme

EU = Path(__file__).resolve().parents[1] / "fixtures" / "eu-funding-tenders"
SAVED = ("aarhusai_portal_search_page.json", "fundhunt_sedia_search.json", "fundhunt_sedia_cascade.json")
TODAY = date(2026, 9, 1)  # the capture day of the saved rows


def saved_items() -> dict[str, dict]:
    results = [row for name in SAVED for row in json.loads((EU / name).read_text("utf-8"))["results"]]
    live = rows.dedupe(row for row in results if rows.is_live_row(row))
    return {item["natural_key"]: item for item in (rows.row_to_item(r, today=TODAY, facet_labels={}) for r in live)}


def test_of_the_saved_calls_the_soil_mission_and_the_urban_mobility_open_call_are_selected_for_towns():
    items = saved_items()
    selected = {key: item["extra"]["municipal_reasons"] for key, item in items.items() if item["municipal_signals"]}
    assert selected == {
        "HORIZON-MISS-2027-05-SOIL-01-two-stage": ["EU-Mission Boden: Reallabore mit lokalen Partnern"],
        "cascade:11264COMPETITIVE_CALL": ["EIT Urban Mobility: offene Aufrufe für Städte und Kommunen"],
    }
    assert items["cascade:11264COMPETITIVE_CALL"]["funding_areas"] == ["mobilitaet"]
    # research topics (chips, charging systems, data platforms) and student internships are not for towns
    assert not items["HORIZON-CL3-2026-02-CS-ECCC-01"]["municipal_signals"]
    assert not items["cascade:11143COMPETITIVE_CALL"]["municipal_signals"]


def test_german_lines_of_the_saved_calls():
    items = saved_items()
    assert items["cascade:11264COMPETITIVE_CALL"]["teaser_text"] == (
        "Horizont Europa (EIT Urban Mobility – Innovationsgemeinschaft für städtische Mobilität), "
        "Kaskadenaufruf (Finanzhilfe für Dritte) des Projekts EITUM-BP23-25, Stichtage 30.09.2025 und "
        "29.09.2026, Einreichung ab 02.07.2025, Budget 4 Mio. EUR"
    )
    assert items["HORIZON-MISS-2027-05-SOIL-01-two-stage"]["teaser_text"] == (
        "Horizont Europa (EU-Mission „Ein Boden-Deal für Europa“), Forschungs- und Innovationsmaßnahme (RIA), "
        "zweistufig: 1. Stufe bis 08.04.2027, 2. Stufe bis 14.09.2027, Einreichung ab 04.02.2027"
    )
    assert items["HORIZON-CL6-2026-04-GOVERNANCE-01"]["teaser_text"].endswith(
        "Kofinanzierungsmaßnahme (COFUND), Frist 26.11.2026, Einreichung ab 25.08.2026, Budget 60 Mio. EUR"
    )
    assert items["cascade:11143COMPETITIVE_CALL"]["teaser_text"] == (
        "Programm Digitales Europa, Kaskadenaufruf (Finanzhilfe für Dritte) des Projekts SUSA, Stichtage "
        "02.09.2025, 03.01.2026, 02.09.2026 und 4 weitere bis 02.09.2028, Einreichung ab 30.06.2025, "
        "Budget 30.500 EUR"
    )


def test_english_texts_stay_as_the_portal_wrote_them():
    soil = next(
        row
        for row in json.loads((EU / SAVED[0]).read_text("utf-8"))["results"]
        if rows.first(row, "identifier").startswith("HORIZON-MISS")
    )
    item = rows.row_to_item(soil, today=TODAY, facet_labels={})
    assert item["title"] == rows.first(soil, "title")
    assert item["raw"]["descriptionByte"] == rows.first(soil, "descriptionByte")
    assert item["extra"]["project_name"] == "" and item["extra"]["call_title"] == rows.first(soil, "callTitle")


def _renamed(identifier: str, programme: str) -> dict:
    """A saved real row under another topic identifier and programme, to exercise one rule."""
    row = copy.deepcopy(json.loads((EU / SAVED[1]).read_text("utf-8"))["results"][0])
    row["metadata"]["identifier"] = [identifier]
    row["metadata"]["frameworkProgramme"] = [programme]
    return row


def test_programme_rules_select_town_twinning_life_and_the_city_missions_but_not_by_identifier_alone():
    cases = {
        ("CERV-2026-CITIZENS-TOWN-TT", "43251589"): "programme:cerv_towns",
        ("LIFE-2026-SAP-NAT-NATURE", "43252405"): "programme:life",
        ("HORIZON-MISS-2027-04-CIT-02", "43108390"): "programme:mission_cities",
        ("HORIZON-MISS-2026-CLIMA-01-01", "43108390"): "programme:mission_adaptation",
    }
    for (identifier, programme), signal in cases.items():
        item = rows.row_to_item(_renamed(identifier, programme), today=TODAY, facet_labels={})
        assert item["municipal_signals"] == [signal], identifier
    # a LIFE-looking identifier under another programme code is no LIFE call
    assert select(["43108390"], ["LIFE-2026-SAP-NAT-NATURE"], []).signals == []


def test_life_line_reads_like_the_portal_fields_in_german():
    row = _renamed("LIFE-2027-SAP-NAT-NATURE", "43252405")
    row["metadata"]["typesOfAction"] = ["LIFE Standard Action Projects"]
    row["metadata"]["deadlineDate"] = ["2027-09-23T17:00:00.000+0000"]
    row["metadata"]["startDate"] = ["2027-04-22T00:00:00.000+0000"]
    item = rows.row_to_item(row, today=TODAY, facet_labels={})
    assert item["teaser_text"] == (
        "LIFE – Programm für Umwelt- und Klimapolitik (Teilprogramm Natur und Biodiversität), "
        "Standardprojekt (SAP), Frist 23.09.2027, Einreichung ab 22.04.2027"
    )
    assert item["funding_areas"] == ["umwelt_naturschutz"]


def test_text_naming_local_authorities_selects_a_call_of_any_programme():
    selection = select(["43152860"], ["DIGITAL-2026-X"], ["Consortia must include local authorities."])
    assert selection.signals == ["local authorities"]
    assert selection.reasons == ["Ausschreibungstext nennt local authorities"]


def test_the_explanation_says_where_the_municipal_signal_comes_from():
    by_rule = Programme(title="x", level="eu", municipal_signals=["programme:life"])
    by_text = Programme(title="x", level="eu", municipal_signals=["municipalities", "programme:cerv_towns"])
    assert eligibility_line(by_rule) == (
        "Antragsberechtigt: je nach Aufruf auch öffentliche Stellen wie Kommunen (LIFE) – bitte Ausschreibung prüfen"
    )
    assert eligibility_line(by_text).startswith("Antragsberechtigt: laut Ausschreibung auch Kommunen; je nach Aufruf")


def test_glossary_names_action_types_with_the_programme_prefix_and_double_spaces():
    assert action_type_name("HORIZON  Research and Innovation Actions") == "Forschungs- und Innovationsmaßnahme (RIA)"
    assert action_type_name("HORIZON JU Innovation Actions") == "Innovationsmaßnahme (IA)"
    assert action_type_name("Something new") is None
    assert part_name("HORIZON-CL5-2026-09-D4-03") == "Cluster Klima, Energie und Mobilität"


@given(st.integers(min_value=1, max_value=999_999))
def test_small_budgets_are_written_with_dots_and_read_back(amount):
    text = euro(float(amount))
    assert re.fullmatch(r"\d{1,3}(?:\.\d{3})* EUR", text) and int(text[:-4].replace(".", "")) == amount


@given(st.integers(min_value=1_000_000, max_value=10**10))
def test_large_budgets_are_millions_with_a_decimal_comma(amount):
    text = euro(float(amount))
    assert re.fullmatch(r"\d+(?:,\d)? Mio\. EUR", text)
    assert abs(float(text.split(" ")[0].replace(",", ".")) * 1_000_000 - amount) <= 50_000


@given(
    st.sampled_from(["single-stage", "two-stage", "multiple cut-off", ""]),
    st.lists(st.dates(date(2025, 1, 1), date(2030, 12, 31)), min_size=1, max_size=9, unique=True).map(sorted),
)
def test_deadline_phrase_names_the_first_and_last_date(model, days):
    phrase = deadline_phrase(model, days)
    assert f"{days[0]:%d.%m.%Y}" in phrase
    if model != "two-stage":
        assert f"{days[-1]:%d.%m.%Y}" in phrase

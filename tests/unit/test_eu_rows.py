"""SEDIA row parsing on the saved real responses: dedupe, status from dates, budgets, signals."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from crawler.spiders.eu_sedia import municipal, rows, wire
from crawler.spiders.eu_sedia.programmes import labels_from_facets, programme_label
from foerderradar.demo_sources import MultipartError, json_parts

EU = Path(__file__).resolve().parents[1] / "fixtures" / "eu-funding-tenders"


def load(name: str) -> dict:
    return json.loads((EU / name).read_text(encoding="utf-8"))


def test_archive_rows_are_dropped_and_duplicates_collapse_to_six_topics():
    results = load("aarhusai_portal_search_page.json")["results"]
    live = [row for row in results if rows.is_live_row(row)]
    assert len(results) == 9 and len(live) == 6
    assert len(rows.dedupe(results)) == 8  # the archive topic served twice → once


def test_keywords_held_as_json_text_on_archive_rows_become_a_list():
    archive = next(
        r
        for r in load("aarhusai_portal_search_page.json")["results"]
        if rows.first(r, "DATASOURCE") == "SEDIA_PRD_CENTRICITY"
    )
    words = rows.keywords(archive)
    assert len(words) > 1 and not any(word.startswith("[") for word in words)


def test_richest_copy_of_a_topic_wins():
    row = load("fundhunt_sedia_search.json")["results"][0]
    stub = {"reference": row["reference"], "metadata": {"identifier": row["metadata"]["identifier"], "type": ["1"]}}
    assert rows.dedupe([stub, row]) == [row]
    assert rows.dedupe([row, stub]) == [row]


def test_cut_budget_overview_leaves_budget_empty_but_keeps_the_row():
    soil = load("aarhusai_portal_search_page.json")["results"][0]
    assert rows.topic_budget(soil, rows.first(soil, "identifier")) is None
    item = rows.row_to_item(soil, today=date(2026, 11, 26), facet_labels={})
    assert item["budget_eur"] is None and item["title"].startswith("Living labs")


def test_budget_counts_only_this_topics_actions():
    governance = load("aarhusai_portal_search_page.json")["results"][4]
    assert rows.topic_budget(governance, "HORIZON-CL6-2026-04-GOVERNANCE-01") == 60_000_000
    assert rows.topic_budget(governance, "HORIZON-CL6-2026-04-GOVERNANCE-02") is None  # a sibling topic


def test_two_stage_topic_closes_with_its_first_cut_off_although_stage_two_lies_ahead():
    sample = load("launchpad_sedia-sample.json")
    closed = rows.row_to_item(sample["closed"], today=date(2026, 9, 1), facet_labels={})
    assert (closed["status"], closed["next_deadline"], closed["last_deadline"]) == ("closed", None, date(2026, 10, 20))
    opened = rows.row_to_item(sample["open"], today=date(2026, 9, 1), facet_labels={})
    assert (opened["status"], opened["next_deadline"]) == ("open", date(2026, 10, 8))
    assert opened["budget_eur"] == 53_200_000


def test_multi_cut_off_cascade_call_alerts_the_next_cut_off_and_closes_with_the_last():
    umx = load("fundhunt_sedia_cascade.json")["results"][3]
    item = rows.row_to_item(umx, today=date(2025, 10, 1), facet_labels={})
    assert (item["status"], item["next_deadline"], item["last_deadline"]) == (
        "open",
        date(2026, 9, 29),
        date(2026, 9, 29),
    )
    assert item["deadlines"] == ["2025-09-30", "2026-09-29"] and item["budget_eur"] == 4_000_000


def test_types_of_action_whitespace_is_collapsed():
    soil = load("aarhusai_portal_search_page.json")["results"][0]
    assert (
        "HORIZON Research and Innovation Actions"
        in rows.row_to_item(soil, today=date(2026, 11, 26), facet_labels={})["extra"]["types_of_action"]
    )


def test_municipal_signals_are_found_in_conditions():
    assert municipal.text_signals("Eligible: local and regional authorities, public bodies, cities.") == [
        "local authorities",
        "public bodies",
        "cities",
    ]
    assert municipal.text_signals("Applicants: SMEs and universities.") == []


def test_programme_labels_prefer_the_facet_api_and_fall_back_to_the_table():
    facets = {
        "facets": [{"name": "frameworkProgramme", "values": [{"rawValue": "43252405", "value": "LIFE Programme"}]}]
    }
    labels = labels_from_facets(facets)
    assert programme_label("43252405", labels) == "LIFE Programme"
    assert programme_label("43251589", labels) == "CERV"
    assert labels_from_facets({"unexpected": True}) == {}


def test_multipart_body_has_json_parts_the_server_accepts_and_urlencoded_is_refused():
    body, content_type = wire.search_body()
    parts = json_parts(content_type, body)
    assert parts["languages"] == ["en"] and parts["sort"]["field"] == "identifier"
    try:
        json_parts("application/x-www-form-urlencoded", b"query=%7B%7D&languages=%5B%22en%22%5D")
    except MultipartError:
        pass
    else:
        raise AssertionError("a urlencoded body was accepted")


days = st.integers(min_value=-400, max_value=400)


@given(
    st.lists(days, max_size=5),
    st.one_of(st.none(), days),
    st.sampled_from(["single-stage", "two-stage", "multiple cut-off"]),
)
def test_derived_status_is_consistent_with_the_dates(offsets, start, model):
    today = date(2026, 11, 26)
    deadlines = sorted({today + timedelta(days=o) for o in offsets})
    opens_on = today + timedelta(days=start) if start is not None else None
    status, upcoming = rows.derive_status(opens_on, deadlines, model, today)
    if opens_on and opens_on > today:
        assert status == "forthcoming"
    if status == "open":
        assert upcoming is not None and upcoming >= today
    if upcoming is not None:
        assert upcoming in deadlines and upcoming >= today
    if not any(d >= today for d in deadlines):
        assert status in ("forthcoming", "closed") and upcoming is None

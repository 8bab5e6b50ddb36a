"""Typed changes (core.changes): the labelled pairs of real records, details a clerk reads, odd values."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.changes import classify_changes, fold
from core.labels import CHANGE_LABELS

PAIRS = json.loads((Path(__file__).parents[1] / "fixtures" / "changes" / "pairs.json").read_text(encoding="utf-8"))[
    "pairs"
]
TODAY = date(2026, 12, 3)


def test_pairs_cover_every_type_and_quiet_cases():
    covered = {key for pair in PAIRS for key in pair["expected"]}
    assert covered == set(CHANGE_LABELS) - {"reappeared", "removed", "new_call", "reopened"}
    assert len(PAIRS) >= 30 and sum(not pair["expected"] for pair in PAIRS) >= 5


@pytest.mark.parametrize("pair", PAIRS, ids=[pair["name"] for pair in PAIRS])
def test_labelled_pair(pair):
    changes = classify_changes(pair["old"], pair["new"], today=date.fromisoformat(pair["today"]))
    assert sorted(change.type for change in changes) == pair["expected"]


def _pair(name: str) -> dict:
    return next(pair for pair in PAIRS if pair["name"] == name)


def test_brought_forward_deadline_carries_dates_and_sentence():
    pair = _pair("Frist vorgezogen (Stichtag 2027)")
    (change,) = classify_changes(pair["old"], pair["new"], today=TODAY)
    assert (change.label, change.old, change.new) == ("Frist vorgezogen", "31.03.2027", "28.02.2027")
    assert change.summary == "31.03.2027 → 28.02.2027"
    assert "bis spätestens 28.2.2027" in change.sentence


def test_rate_change_names_the_replaced_figure_and_quotes_the_new_sentence():
    pair = _pair("Förderquote gesenkt (Kommunen)")
    (change,) = classify_changes(pair["old"], pair["new"], today=TODAY)
    assert change.summary == "bis zu 80 % → bis zu 70 %"
    assert change.sentence.startswith("Die Höhe des Zuschusses beträgt normalerweise bis zu 70 Prozent")


def test_text_change_summary_counts_sentences():
    pair = _pair("Beschreibung gekürzt")
    (change,) = classify_changes(pair["old"], pair["new"], today=TODAY)
    assert change.summary.startswith("Beschreibung: ") and "entfallen" in change.summary and "gekürzt" in change.summary


def test_rate_section_of_an_nrw_page_is_compared_when_the_texts_state_none():
    old = {
        "funding_rate": "Zuschüsse von 40 bis 80 % der förderfähigen Kosten.",
        "description_text": "Gesamtmaßnahmen.",
    }
    new = old | {"funding_rate": "Zuschüsse von 50 bis 80 % der förderfähigen Kosten."}
    (change,) = classify_changes(old, new, today=TODAY)
    assert (change.type, change.summary) == ("rate_changed", "40–80 % → 50–80 %")


def test_rate_filled_for_the_first_time_from_unchanged_texts_is_no_change():
    """The first crawl after rates were read fills funding_rate for every export programme: no mail."""
    old = {
        "funding_rate": "",
        "description_text": "Die Förderung beträgt bis zu 90 Prozent der zuwendungsfähigen Ausgaben.",
    }
    new = old | {"funding_rate": old["description_text"], "rate_max_pct": 90.0}
    assert classify_changes(old, new, today=TODAY) == []


def test_window_closed_by_the_calendar_is_no_change():
    old = {"deadlines": ["2026-11-30"], "deadline_sentence": "Anträge bis 30.11.2026.", "status": "open"}
    new = old | {"status": "closed", "closed": True}
    assert classify_changes(old, new, today=TODAY) == []


def test_folding_ignores_markup_whitespace_and_lost_characters():
    assert fold("<p>Region –&nbsp;SER</p>") == fold("Region ?  SER")


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(),
    st.lists(st.one_of(st.text(), st.dates().map(date.isoformat))),
    st.dates(),
)
fields = st.dictionaries(
    st.sampled_from(
        [
            "deadlines",
            "closed",
            "status",
            "rolling",
            "deadline_sentence",
            "deadline_text",
            "status_note",
            "description_text",
            "funding_rate",
            "eligible_applicants",
            "regions",
            "title",
        ]
    ),
    values,
)


@given(fields, fields)
def test_odd_values_never_raise(old, new):
    for change in classify_changes(old, new, today=TODAY):
        assert change.type in CHANGE_LABELS and isinstance(change.summary, str)


@given(fields)
def test_same_state_gives_no_change(state):
    assert classify_changes(state, dict(state), today=TODAY) == []

"""The German lines of a match explanation, as the review page and the digest show them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from core.deadline_status import deadline_status
from matcher.explain import eligibility_line, region_line
from store.models import Programme

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "matcher_programmes.json"


def programme(prefix: str) -> Programme:
    record = next(r for r in json.loads(FIXTURE.read_text("utf-8")) if r["title"].startswith(prefix))
    return Programme(**record)


def test_municipal_applicants_come_first_in_the_eligibility_line():
    iki = programme("Internationale Klimaschutzinitiative")
    assert eligibility_line(iki) == (
        "Antragsberechtigt: Kommune, Öffentliche Einrichtung, Unternehmen, "
        "Forschungseinrichtung, Hochschule, Verband/Vereinigung"
    )


def test_eu_call_names_the_local_authority_signals_in_german():
    call = programme("Testing and demonstrating transformative solutions to protect")
    assert eligibility_line(call) == "Antragsberechtigt: laut Ausschreibung auch Städte, lokale Behörden"
    assert region_line(call) == "Fördergebiet: EU"


def test_region_line_uses_labels():
    assert region_line(programme("NeueWege.IN.NRW")) == "Fördergebiet: Nordrhein-Westfalen"
    assert region_line(programme("Internationale Klimaschutzinitiative")) == "Fördergebiet: bundesweit"


def label(programme: Programme, today: date) -> str:
    return deadline_status(programme, today).label(today)


def test_deadline_status_of_corpus_programmes_next_round_rolling_or_unclear():
    neue_wege = programme("NeueWege.IN.NRW")
    assert label(neue_wege, date(2023, 7, 6)) == "Frist am 30.04.2024 (noch 299 Tage)"
    assert label(neue_wege, date(2025, 3, 1)) == "Frist unklar – bitte beim Fördergeber prüfen"  # a standing programme
    assert label(programme("Internationale Klimaschutzinitiative"), date(2024, 1, 1)) == (
        "Frist unklar – bitte beim Fördergeber prüfen"
    )
    rolling = Programme(source_key="t", natural_key="r", title="Laufendes Programm", rolling=True)
    assert label(rolling, date(2024, 1, 1)) == "Laufend"

"""Hard filters on real corpus programmes: region, applicants, status, deadlines, EU signals."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from matcher.filters import eligibility_reason
from store.models import Programme

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "matcher_programmes.json"
TODAY = date(2024, 1, 1)


@pytest.fixture(scope="module")
def corpus() -> dict[str, Programme]:
    return {r["title"]: Programme(id=i, **r) for i, r in enumerate(json.loads(FIXTURE.read_text("utf-8")), 1)}


def by_prefix(corpus: dict[str, Programme], prefix: str) -> Programme:
    return next(p for title, p in corpus.items() if title.startswith(prefix))


def test_programme_only_for_bayern_is_another_land_even_for_kommunen(corpus):
    bayern = by_prefix(corpus, "Ergänzende Nahverkehrsangebote")
    assert bayern.regions == ["bayern"] and "kommune" in bayern.eligible_applicants
    assert eligibility_reason(bayern, "kreisangehoerige_gemeinde", TODAY) == "anderes Bundesland"


def test_company_only_programme_is_not_for_municipalities(corpus):
    agrar = by_prefix(corpus, "Agrar- und Ernährungswirtschaft")
    assert agrar.regions == ["_bundesweit"]
    for kind in ("kreisangehoerige_gemeinde", "kreisfreie_stadt", "kreis", "verband"):
        assert eligibility_reason(agrar, kind, TODAY) == "nicht für Kommunen"


def test_a_standing_programme_stays_after_its_last_round_and_a_call_closes(corpus):
    neue_wege = by_prefix(corpus, "NeueWege.IN.NRW")
    assert eligibility_reason(neue_wege, "kreisfreie_stadt", TODAY) is None
    assert eligibility_reason(neue_wege, "kreisfreie_stadt", date(2025, 1, 24)) is None  # "Frist unklar", not closed
    as_call = neue_wege.model_copy(update={"kind": "call"})
    assert eligibility_reason(as_call, "kreisfreie_stadt", date(2025, 1, 23)) is None
    assert eligibility_reason(as_call, "kreisfreie_stadt", date(2025, 1, 24)) == "geschlossen"


def test_programme_whose_application_ended_is_closed(corpus):
    closed = by_prefix(corpus, "Förderung von Forschungsverbünde")
    assert eligibility_reason(closed, "kreisfreie_stadt", TODAY) == "geschlossen"


def test_eu_call_counts_only_with_local_authority_signals(corpus):
    with_signals = by_prefix(corpus, "Testing and demonstrating transformative solutions to protect")
    without = by_prefix(corpus, "Fundamentals of Software Engineering")
    day = date(2023, 1, 1)
    assert with_signals.municipal_signals and not without.municipal_signals
    assert eligibility_reason(with_signals, "kreis", day) is None
    assert eligibility_reason(without, "kreis", day) == "nicht für Kommunen"


def test_public_bodies_programme_is_open_to_a_kreis_and_association_only_for_the_verband(corpus):
    beg = by_prefix(corpus, "Bundesförderung für effiziente Gebäude ? Nichtwohngebäude")
    assert eligibility_reason(beg, "kreis", TODAY) is None
    association = Programme(
        source_key="t",
        natural_key="v",
        title="Vereinsförderung",
        level="bund",
        regions=["_bundesweit"],
        eligible_applicants=["verband_vereinigung"],
    )
    assert eligibility_reason(association, "verband", TODAY) is None
    assert eligibility_reason(association, "kreisfreie_stadt", TODAY) == "nicht für Kommunen"


def test_land_programme_without_region_needs_to_name_nrw():
    base = dict(source_key="t", level="land", eligible_applicants=["kommune"], regions=[])
    nrw = Programme(natural_key="a", title="Förderprogramm des Landes Nordrhein-Westfalen", **base)
    other = Programme(natural_key="b", title="Förderprogramm des Landes Hessen", **base)
    assert eligibility_reason(nrw, "kreisfreie_stadt", TODAY) is None
    assert eligibility_reason(other, "kreisfreie_stadt", TODAY) == "anderes Bundesland"

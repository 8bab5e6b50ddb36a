"""Programmes a town cannot use for itself, and tasks only Kreise and kreisfreie Städte hold: read
from real records (the corpus and the demo's saved Förderdatenbank export)."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.member_facts import MemberFacts
from crawler.spiders.foerderdatenbank.export_parser import parse_export
from matcher.filters import member_reason
from matcher.member_fit import ProgrammeTerms, fit
from matcher.scope import ABROAD, COMPANIES, opts_in_abroad, read_scope, read_tasks

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "corpus" / "matcher_programmes.json"
EXPORT = ROOT / "foerderradar" / "demo_data" / "foerderdatenbank-export.zip"


@cache
def corpus() -> list[SimpleNamespace]:
    return [SimpleNamespace(**record) for record in json.loads(CORPUS.read_text(encoding="utf-8"))]


@cache
def export() -> list[SimpleNamespace]:
    items = parse_export(EXPORT.read_bytes(), today=date(2026, 12, 4)).items
    return [SimpleNamespace(**item) for item in items]


def record(records: list[SimpleNamespace], title: str) -> SimpleNamespace:
    return next(r for r in records if r.title.startswith(title))


def test_the_internationale_klimaschutzinitiative_is_a_project_abroad_though_it_lists_kommunen():
    iki = record(corpus(), "Internationale Klimaschutzinitiative")
    assert "kommune" in iki.eligible_applicants
    finding = read_scope(iki)
    assert finding is not None and finding.kind == ABROAD
    assert finding.reason == "Vorhaben im Ausland"
    terms = ProgrammeTerms.read(iki)
    assert member_reason(terms, MemberFacts("kreis"), abroad_wanted=False) == "Vorhaben im Ausland"
    assert member_reason(terms, MemberFacts("kreis"), abroad_wanted=True) is None


def test_a_profile_opts_in_with_development_cooperation_or_city_partnerships():
    assert opts_in_abroad("Kommunale Entwicklungszusammenarbeit mit unserer Partnerstadt", [])
    assert opts_in_abroad("", ["Städtepartnerschaften"])
    assert not opts_in_abroad("Klimaschutz, Klimaanpassung, Radverkehr", ["Schulen"])


def test_programmes_for_towns_are_not_read_as_out_of_scope():
    """No real programme open to towns in the corpus is ruled out by the scope reader."""
    for title in (
        "Bundesförderung für effiziente Gebäude (BEG) für Kommunen",
        "Förderung von Maßnahmen zur Anpassung an die Folgen des Klimawandels",
        "NeueWege.IN.NRW",
        "E-Sport-Förderrichtlinie",
    ):
        assert read_scope(record(corpus(), title)) is None, title


def test_companies_only_is_read_from_the_applicant_sentence():
    agrar = record(corpus(), "Agrar- und Ernährungswirtschaft")
    finding = read_scope(agrar)
    assert finding is not None and finding.kind == COMPANIES and finding.reason == "nur für Unternehmen"
    assert "Antragsberechtigt sind kleine und mittlere agrargewerbliche" in finding.sentence


def test_the_jugendamt_task_asks_a_kreisangehoerige_gemeinde_to_check_and_rules_out_the_rvr():
    """A real record (Schleswig-Holstein): "Wenn Sie als Jugendamt … fördern wollen"."""
    ferien = record(export(), "Förderung von Ferien- und Freizeitmaßnahmen")
    tasks = read_tasks(ferien)
    assert [t.code for t in tasks] == ["jugendhilfe"]
    terms = ProgrammeTerms.read(ferien)
    kreis = fit(terms, MemberFacts("kreis"))
    assert "erfüllt: Träger der öffentlichen Jugendhilfe" in [line.reason for line in kreis.conditions]
    status = {"gemeinde_status": "mittlere_kreisangehoerige_stadt"}
    gemeinde = fit(terms, MemberFacts("kreisangehoerige_gemeinde", status))
    assert "bitte prüfen: Träger der öffentlichen Jugendhilfe" in [line.reason for line in gemeinde.conditions]
    assert fit(terms, MemberFacts("verband")).reason is not None


def test_a_school_authority_is_every_town_and_kreis_but_not_the_rvr():
    """A real record (Thüringen): the sentence naming Schulträger beside other bodies narrows nothing,
    "… sind Sie als Schulträger antragsberechtigt" does."""
    schulobst = record(export(), "EU-Schulobst")
    tasks = read_tasks(schulobst)
    assert [t.code for t in tasks] == ["schule"]
    assert tasks[0].sentence.endswith("sind Sie als Schulträger antragsberechtigt.")
    terms = ProgrammeTerms.read(schulobst)
    for kind in ("kreisangehoerige_gemeinde", "kreisfreie_stadt", "kreis"):
        assert fit(terms, MemberFacts(kind)).reason is None
        assert [line.outcome for line in fit(terms, MemberFacts(kind)).conditions] == ["pass"]
    assert fit(terms, MemberFacts("verband")).reason == "nicht Aufgabenträger"


def test_kreise_and_kreisfreie_staedte_only_rules_out_a_gemeinde_by_its_kind():
    """A real record (Sachsen-Anhalt): "Antragsberechtigt sind die Landkreise und kreisfreien Städte"."""
    reko = record(export(), "?REGIO AKTIV? ? Regionale Koordination")
    terms = ProgrammeTerms.read(reko)
    assert member_reason(terms, MemberFacts("kreisangehoerige_gemeinde"), abroad_wanted=False) == (
        "nicht antragsberechtigt (Gemeindestatus)"
    )
    assert fit(terms, MemberFacts("kreis")).reason is None


@given(st.text(max_size=400))
def test_the_scope_reader_is_total(text):
    programme = SimpleNamespace(title=text, teaser_text=text, description_text=text, eligibility_text=text)
    finding = read_scope(programme)
    assert finding is None or finding.sentence
    read_tasks(programme)


HOUSEHOLDS = ["Antragsberechtigt sind Privatpersonen, die selbst genutztes Wohneigentum sanieren."]


@pytest.mark.parametrize("sentence", HOUSEHOLDS)
def test_households_only(sentence):
    finding = read_scope(SimpleNamespace(title="x", teaser_text="", description_text="", eligibility_text=sentence))
    assert finding is not None and finding.reason == "nur für Privatpersonen"


def test_land_managers_may_be_towns_so_vertragsnaturschutz_is_not_companies_only():
    """ "Landwirtinnen und Landwirte sowie andere Landbewirtschafter": a town or the RVR manages land too."""
    vertragsnaturschutz = record(corpus() + export(), "Rahmenrichtlinien Vertragsnaturschutz")
    assert read_scope(vertragsnaturschutz) is None


@pytest.mark.parametrize(
    ("sentence", "code"),
    [  # written after the ÖPNVG NRW and the Schulgesetz NRW (no real record of these in the corpus)
        ("Antragsberechtigt sind die Aufgabenträger des öffentlichen Personennahverkehrs.", "oepnv"),
        ("Zuwendungsempfänger sind die Träger von Berufskollegs.", "berufskolleg"),
    ],
)
def test_county_tasks_pass_kreise_and_ask_kreisangehoerige_to_check(sentence, code):
    programme = SimpleNamespace(title="x", teaser_text="", description_text="", eligibility_text=sentence)
    assert [t.code for t in read_tasks(programme)] == [code]
    terms = ProgrammeTerms.read(programme)
    assert [line.outcome for line in fit(terms, MemberFacts("kreisfreie_stadt")).conditions] == ["pass"]
    assert [line.outcome for line in fit(terms, MemberFacts("kreis")).conditions] == ["pass"]
    gemeinde = fit(terms, MemberFacts("kreisangehoerige_gemeinde"))
    assert gemeinde.reason is None and [line.outcome for line in gemeinde.conditions] == ["unknown"]

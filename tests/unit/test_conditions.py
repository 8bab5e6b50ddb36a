"""The area and size condition reader on real programme texts and the labelled sentences, and the
verdicts for members with the fact, without it (unknown → "bitte prüfen") and contradicting it."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.condition_evaluation import score_file
from core.conditions import (
    CONTRADICTED,
    GRW_CATEGORY_SENTENCE,
    PASS,
    UNKNOWN,
    Condition,
    judge,
    read_conditions,
    read_sentence,
)
from core.member_facts import MemberFacts
from core.sentences import split_sentences
from profiles.facts import load_seed_facts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LABELLED = FIXTURES / "conditions" / "labelled_sentences.json"


def _programme(natural_key: str) -> SimpleNamespace:
    records = json.loads((FIXTURES / "corpus" / "matcher_programmes.json").read_text(encoding="utf-8"))
    return SimpleNamespace(**next(r for r in records if r["natural_key"] == natural_key))


@pytest.fixture(scope="module")
def seed_facts() -> dict:
    return load_seed_facts()


def facts_of(seed_facts: dict, slug: str, kind: str) -> MemberFacts:
    return MemberFacts(kind=kind, values={name: fact["value"] for name, fact in seed_facts[slug].items()})


def test_labelled_sentences_meet_the_targets():
    results = score_file(LABELLED)
    sentences = json.loads(LABELLED.read_text(encoding="utf-8"))["sentences"]
    assert len(sentences) >= 40
    assert {s["origin"] for s in sentences} == {"real", "written"}
    for name in ("alle", "echt"):
        assert results[name].precision >= 0.9, (name, results[name].false_alarms)
        assert results[name].recall >= 0.8, (name, results[name].misses)
    assert results["alle"].exact == results["alle"].right, "details, limits and statuses are read as labelled"


def test_a_real_programme_yields_its_conditions_with_the_sentences_that_state_them():
    programme = _programme("land-bayern-verbesserung-der-mobilitaet-im-laendlichen-raum")
    conditions = read_conditions(programme)
    kinds = [c.kind for c in conditions]
    assert kinds.count("rural_area") == 1, "one condition per kind, stated by its first sentence"
    rural = conditions[kinds.index("rural_area")]
    assert "muss im ländlichen Raum" in rural.sentence
    population = conditions[kinds.index("population")]
    assert population.max_population == 100_000
    assert population.sentence == (
        "Projekte mit Schwerpunkt in Städten mit über 100.000 Einwohnern sind grundsätzlich nicht förderfähig."
    )


def test_a_programme_that_names_areas_in_passing_has_no_conditions():
    programme = _programme("land-nrw-neue-wege-in-nrw")  # EFRE/JTF programme name, "ländlicher Raum" as topic
    assert "JTF" in programme.legal_text and "ländlichen" in programme.legal_text
    assert read_conditions(programme) == []


def test_the_foerderdatenbank_grw_category_is_a_condition():
    programme = SimpleNamespace(title="Regionale Wirtschaftsförderung", extra={"grw": ["grw_foerderung"]})
    assert read_conditions(programme) == [Condition("grw_area", GRW_CATEGORY_SENTENCE)]
    assert read_conditions(SimpleNamespace(title="x", extra={"grw": ["keine_grw_foerderung"]})) == []


@given(st.text(max_size=400))
def test_the_reader_is_total(text):
    programme = SimpleNamespace(title=text, description_text=text, legal_text=None, extra={"grw": text})
    read_conditions(programme)
    for sentence in split_sentences(text):
        read_sentence(sentence)


@given(st.lists(st.sampled_from(["Gemeinden", "bis", "25.000", "Einwohner", ".", "z. B.", "GRW", "\n\n", " "])))
def test_splitting_keeps_every_word(words):
    text = " ".join(words)
    assert "".join(split_sentences(text)).replace(" ", "") == text.replace(" ", "").replace("\n", "")


GRW = Condition("grw_area", "Förderfähig sind nur Vorhaben im GRW-Fördergebiet.")
STEINKOHLE = Condition("coal_region", "… nach § 12 InvKG.", detail="steinkohle")
JTF = Condition("jtf_area", "… im JTF-Gebiet.")
SMALL = Condition("population", "Gemeinden bis 25.000 Einwohner …", max_population=25_000)
KREISE = Condition("gemeinde_status", "Antragsberechtigt sind Kreise …", statuses=("kreisfreie_stadt", "kreis"))


@pytest.mark.parametrize(
    "condition, slug, kind, outcome, reason",
    [
        (GRW, "oberhausen", "kreisfreie_stadt", PASS, "erfüllt: GRW-Fördergebiet"),
        (GRW, "bochum", "kreisfreie_stadt", UNKNOWN, "bitte prüfen: GRW-Fördergebiet"),  # not known: keep, flag
        (GRW, "schermbeck", "kreisangehoerige_gemeinde", UNKNOWN, "bitte prüfen: GRW-Fördergebiet"),
        (GRW, "essen", "kreisfreie_stadt", UNKNOWN, "bitte prüfen: GRW-Fördergebiet"),  # only parts of Essen
        (STEINKOHLE, "herne", "kreisfreie_stadt", PASS, "erfüllt: Kohleregion"),
        (STEINKOHLE, "selm", "kreisangehoerige_gemeinde", PASS, "erfüllt: Kohleregion"),  # through the Kreis Unna
        (STEINKOHLE, "kreis-recklinghausen", "kreis", CONTRADICTED, "kein Steinkohle-Standort"),
        (JTF, "marl", "kreisangehoerige_gemeinde", PASS, "erfüllt: JTF-Gebiet"),
        (JTF, "gelsenkirchen", "kreisfreie_stadt", CONTRADICTED, "nicht im JTF-Gebiet"),
        (JTF, "kreis-recklinghausen", "kreis", UNKNOWN, "bitte prüfen: JTF-Gebiet"),  # Dorsten, Gladbeck, Marl only
        (SMALL, "sonsbeck", "kreisangehoerige_gemeinde", PASS, "erfüllt: Einwohnerzahl"),
        (SMALL, "marl", "kreisangehoerige_gemeinde", CONTRADICTED, "zu viele Einwohner"),
        (SMALL, "selm", "kreisangehoerige_gemeinde", CONTRADICTED, "zu viele Einwohner"),
        (KREISE, "kreis-wesel", "kreis", PASS, "erfüllt: Gemeindestatus"),
        (KREISE, "hattingen", "kreisangehoerige_gemeinde", CONTRADICTED, "nicht antragsberechtigt (Gemeindestatus)"),
    ],
)
def test_verdicts_on_the_real_facts(seed_facts, condition, slug, kind, outcome, reason):
    verdict = judge(condition, facts_of(seed_facts, slug, kind))
    assert (verdict.outcome, verdict.reason) == (outcome, reason)
    assert verdict.excludes == (outcome == CONTRADICTED)


def test_a_population_near_the_limit_is_flagged_not_filtered(seed_facts):
    near = Condition("population", "Gemeinden bis 20.000 Einwohner", max_population=20_000)
    verdict = judge(near, facts_of(seed_facts, "froendenberg-ruhr", "kreisangehoerige_gemeinde"))  # 20.504
    assert verdict.outcome == UNKNOWN
    assert "20.504" in verdict.detail and "20.000" in verdict.detail


def test_a_limit_on_ortsteile_never_excludes_a_whole_gemeinde(seed_facts):
    villages = Condition("population", "Ortsteile bis 10.000 Einwohner", detail="ortsteil", max_population=10_000)
    assert judge(villages, facts_of(seed_facts, "sonsbeck", "kreisangehoerige_gemeinde")).outcome == PASS
    assert judge(villages, facts_of(seed_facts, "hamminkeln", "kreisangehoerige_gemeinde")).outcome == UNKNOWN


def test_unknown_facts_never_exclude():
    nothing = MemberFacts(kind="verband")  # the RVR: no area facts, and no Gemeinde status
    conditions = [
        Condition(kind, "…", max_population=25_000 if kind == "population" else None, statuses=("kreis",))
        for kind in (
            "grw_area",
            "coal_region",
            "jtf_area",
            "structural_change",
            "rural_area",
            "leader_region",
            "population",
            "gemeinde_status",
            "financially_weak",
            "staerkungspakt",
        )
    ]
    verdicts = [judge(condition, nothing) for condition in conditions]
    assert {v.outcome for v in verdicts} == {UNKNOWN}
    assert all(v.reason.startswith("bitte prüfen: ") for v in verdicts)


def test_a_kreisangehoerige_gemeinde_is_never_a_kreis_even_with_its_status_unknown():
    hattingen = MemberFacts(kind="kreisangehoerige_gemeinde", values={"gemeinde_status": None})
    towns = Condition("gemeinde_status", "…", statuses=("grosse_kreisangehoerige_stadt",))
    assert judge(KREISE, hattingen).outcome == CONTRADICTED
    assert judge(towns, hattingen).outcome == UNKNOWN

"""Grades from the sources' own categories: deterministic, and never > 0 for what a member cannot use."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.vocab import other_laender
from matcher.grading import GradingError, dump, grade_file, grade_profile, topic_grade, unusable_reason

DATA = Path(__file__).resolve().parents[2] / "matcher" / "evaluation_data"
CLERK = DATA / "clerk_judgments.json"
BLIND = DATA / "blind_judgments.json"
TODAY = date(2022, 3, 1)
KINDS = ("kreisangehoerige_gemeinde", "kreisfreie_stadt", "kreis", "verband")


@pytest.fixture(scope="module")
def programmes() -> list[dict]:
    return json.loads((DATA / "programmes.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def clerk() -> dict:
    return json.loads(CLERK.read_text("utf-8"))


def by_slug(programmes: list[dict], slug: str) -> dict:
    return next(p for p in programmes if p["natural_key"].endswith(slug))


BEG_KOMMUNEN = "bundesfoerderung-effiziente-gebaeude-komm-kredit"
SPEC = {"slug": "essen", "kind": "kreisfreie_stadt", "grading": {"fits": ["energieeffizienz_erneuerbare_energien"]}}


@pytest.mark.parametrize("path", [CLERK, BLIND], ids=lambda path: path.name)
def test_shipped_relevance_is_exactly_what_the_grading_rules_derive(path):
    derived = grade_file(path)
    assert derived == json.loads(path.read_text("utf-8")), f"{path.name} is stale: run python -m matcher.grading on it"
    assert dump(grade_file(path)) == path.read_text("utf-8")  # same input, same bytes


def test_programme_of_another_land_closed_or_past_its_deadline_is_never_graded(programmes):
    beg = by_slug(programmes, BEG_KOMMUNEN)
    assert grade_profile(SPEC, [beg], TODAY) == {beg["url"]: 2}
    for change in ({"regions": ["bayern"]}, {"closed": True}, {"status": "closed"}, {"deadlines": ["2022-02-28"]}):
        assert grade_profile(SPEC, [beg | change], TODAY) == {}, change
    assert grade_profile(SPEC, [beg | {"deadlines": ["2022-03-01"]}], TODAY) == {beg["url"]: 2}  # last day counts
    assert grade_profile(SPEC, [beg | {"deadlines": ["2021-12-31"], "rolling": True}], TODAY) == {beg["url"]: 2}


def test_applicants_decide_per_member_kind_and_eu_calls_need_local_authority_wording(programmes):
    naturschutz = by_slug(programmes, "rahmenrichtlinien-vertragsnaturschutz")  # NRW; Verbände, not Kommunen
    assert unusable_reason(naturschutz, "verband", TODAY) is None
    assert unusable_reason(naturschutz, "kreis", TODAY) == "nicht für dieses Mitglied"
    citizens = by_slug(programmes, "HORIZON-MISS-2021-CLIMA-02-05")
    assert citizens["municipal_signals"] and unusable_reason(citizens, "kreisangehoerige_gemeinde", TODAY) is None
    assert unusable_reason(citizens | {"municipal_signals": []}, "kreis", TODAY) == "nicht für dieses Mitglied"
    nrwbank = next(p for p in programmes if p["source_key"] == "nrwbank")  # a grant for founders
    assert unusable_reason(nrwbank, "kreisfreie_stadt", TODAY) == "nicht für dieses Mitglied"


@given(
    region=st.sampled_from(sorted(other_laender())),
    closed=st.booleans(),
    kind=st.sampled_from(KINDS),
    grade=st.sampled_from([1, 2]),
)
def test_no_override_lifts_a_programme_the_member_cannot_use(region, closed, kind, grade):
    programme = {
        "url": "https://www.foerderdatenbank.de/x.html",
        "regions": [region] if not closed else ["nordrhein_westfalen"],
        "closed": closed,
        "eligible_applicants": ["kommune", "verband_vereinigung"],
        "funding_areas": ["mobilitaet"],
    }
    profile = {
        "slug": "p",
        "kind": kind,
        "grading": {"fits": ["mobilitaet"], "overrides": [{"url": programme["url"], "grade": grade, "why": "test"}]},
    }
    assert grade_profile(profile, [programme], TODAY) == {}


def test_fits_beats_related_subareas_and_eu_identifiers_match_and_overrides_replace(programmes):
    beg = by_slug(programmes, BEG_KOMMUNEN)
    clima = by_slug(programmes, "HORIZON-MISS-2023-CLIMA-01-02")
    spec = {
        "fits": ["wohnungsbau_modernisierung.modernisierung_sanierung"],
        "related": ["energieeffizienz_erneuerbare_energien"],
    }
    assert topic_grade(spec, beg) == 2
    assert topic_grade({"related": ["art:darlehen"]}, beg) == 1
    assert topic_grade({"fits": ["eu:horizon-miss-*-clima-*"]}, clima) == 2
    assert topic_grade({"fits": ["eu:HORIZON-CL5-*"]}, clima) == 0
    profile = {
        "slug": "p",
        "kind": "kreis",
        "grading": {**spec, "overrides": [{"url": beg["url"], "grade": 0, "why": "the Kreis asks for something else"}]},
    }
    assert grade_profile(profile, [beg], TODAY) == {}


def test_a_misspelt_category_or_an_unexplained_override_is_named(programmes):
    with pytest.raises(GradingError, match="essen.*'energieeffizienz'"):
        grade_profile({**SPEC, "grading": {"fits": ["energieeffizienz"]}}, programmes, TODAY)
    bad = {**SPEC, "grading": {"fits": [], "overrides": [{"url": programmes[0]["url"], "grade": 2}]}}
    with pytest.raises(GradingError, match="essen: Ausnahme"):
        grade_profile(bad, programmes, TODAY)


def test_clerk_profiles_are_written_like_clerks_write_them(clerk):
    profiles = clerk["profiles"]
    assert len(profiles) >= 25
    assert {p["kind"] for p in profiles} == set(KINDS)
    for profile in profiles:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", profile["interests"]) if s]
        assert 1 <= len(sentences) <= 3, profile["slug"]
        assert len(profile["keywords"]) <= 3, profile["slug"]
        assert not profile.get("topics") and not profile.get("funding_types"), profile["slug"]


def test_overrides_stay_under_a_tenth_of_the_positive_grades(clerk):
    positives = sum(len(p["relevance"]) for p in clerk["profiles"])
    overrides = sum(len(p["grading"].get("overrides", [])) for p in clerk["profiles"])
    assert overrides < positives / 10


def test_changed_programme_fields_change_the_grades_on_the_next_run(tmp_path, clerk, programmes):
    """The relevance is derived, not stored knowledge: closing a programme removes it from every profile."""
    beg = by_slug(programmes, BEG_KOMMUNEN)
    changed = [p | {"closed": True} if p["url"] == beg["url"] else p for p in programmes]
    (tmp_path / "programmes.json").write_text(json.dumps(changed), encoding="utf-8")
    doc = copy.deepcopy(clerk)
    (tmp_path / "judgments.json").write_text(json.dumps(doc), encoding="utf-8")
    regraded = grade_file(tmp_path / "judgments.json")
    assert any(beg["url"] in p["relevance"] for p in clerk["profiles"])
    assert not any(beg["url"] in p["relevance"] for p in regraded["profiles"])

"""The German lines of a match explanation, as the review page and the digest show them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from core.deadline_status import deadline_status
from matcher.explain import eligibility_line, region_line
from matcher.glossary import GLOSSARY, RELATED, glossary_hits, related_hits, related_phrases
from store.explanation import EXPLANATION_VERSION, Explanation, ExplanationType
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


# An explanation as version 5 stored it (before ``translated``): written by ``model_dump(mode="json")``.
VERSION_5_ROW = {
    "version": 5,
    "summary": "Passt zu Ihren Interessen: Renaturierung der Bäche",
    "terms": [],
    "interests": ["Renaturierung der Bäche"],
    "eligibility": "Antragsberechtigt: laut Ausschreibung auch Städte, lokale Behörden",
    "region": "Fördergebiet: EU",
    "components": {"word": 12.3, "char": 0.0},
    "inferred_topics": [],
    "conditions": [],
    "own_share": None,
}


def test_an_explanation_stored_by_version_5_still_reads_without_translated_words():
    read = ExplanationType().process_result_value(json.loads(json.dumps(VERSION_5_ROW)), dialect=None)
    assert read.version == 5 and read.translated == []
    assert read.summary == VERSION_5_ROW["summary"] and read.interests == ["Renaturierung der Bäche"]
    assert read.related == []
    assert Explanation().version == EXPLANATION_VERSION == 7
    # and a version 6 row keeps its lines through the column
    new = Explanation(version=6, interests=["Gesundheitsamt"], translated=["Gesundheitsamt → health"])
    stored = ExplanationType().process_bind_param(new, dialect=None)
    assert ExplanationType().process_result_value(stored, dialect=None).translated == ["Gesundheitsamt → health"]


# An explanation as version 6 stored it (before ``related``): written by ``model_dump(mode="json")``.
VERSION_6_ROW = {
    "version": 6,
    "summary": "Passt zu Ihren Interessen: Dächer von Rathaus, Bauhof Solaranlagen bauen",
    "terms": [],
    "interests": ["Dächer von Rathaus", "Bauhof Solaranlagen bauen"],
    "translated": [],
    "eligibility": "Antragsberechtigt: Kommune, Öffentliche Einrichtung",
    "region": "Fördergebiet: bundesweit",
    "components": {"word": 9.1, "char": 0.0, "topic": 0.0, "keyword": 0.0},
    "inferred_topics": [],
    "conditions": [],
    "own_share": None,
}


def test_an_explanation_stored_by_version_6_still_reads_without_related_words():
    read = ExplanationType().process_result_value(json.loads(json.dumps(VERSION_6_ROW)), dialect=None)
    assert read.version == 6 and read.related == [] and read.translated == []
    assert read.summary == VERSION_6_ROW["summary"]
    assert read.interests == ["Dächer von Rathaus", "Bauhof Solaranlagen bauen"]
    # and a version 7 row keeps its lines through the column
    new = Explanation(interests=["Solaranlagen"], related=["Solaranlagen → erneuerbare Energien"])
    stored = ExplanationType().process_bind_param(new, dialect=None)
    assert stored["version"] == 7
    assert ExplanationType().process_result_value(stored, dialect=None).related == [
        "Solaranlagen → erneuerbare Energien"
    ]


def test_glossary_hits_name_each_entry_a_german_text_hits():
    assert glossary_hits("Naturschutz und Renaturierung der Bäche") == [
        ("naturschutz", GLOSSARY["naturschutz"]),
        ("renaturierung", GLOSSARY["renaturierung"]),
    ]
    assert glossary_hits("Gesundheitsamt") == [("gesundheit", GLOSSARY["gesundheit"])]  # a word beginning
    twice = glossary_hits("Klimaanpassung und Klimaanpassungskonzept")
    assert twice == [("klimaanpassung", GLOSSARY["klimaanpassung"])]  # each entry once
    assert glossary_hits("Ortsteile") == []


def test_related_hits_name_each_entry_a_german_text_hits():
    assert related_hits("Solaranlagen auf dem Dach von Rathaus und Bauhof") == [
        ("solar", RELATED["solar"]),
        ("rathaus", RELATED["rathaus"]),
    ]
    assert related_hits("Turnhalle und Turnhallen") == [("turnhalle", RELATED["turnhalle"])]  # each entry once
    assert related_hits("Kunstrasenplatz ist abgespielt") == [("kunstrasen", RELATED["kunstrasen"])]  # a beginning
    assert related_hits("Sportanlagen sanieren") == []


def test_related_phrases_keep_adjectives_with_their_noun():
    assert related_phrases(RELATED["solar"]) == ["erneuerbare Energien", "Photovoltaik"]
    assert related_phrases(RELATED["rathaus"]) == ["Nichtwohngebäude", "öffentliche Gebäude"]
    assert related_phrases(RELATED["jugendzentrum"]) == ["Jugendarbeit", "Kinder- und Jugendhilfe"]
    assert related_phrases(RELATED["waermeplanung"]) == ["Wärmenetze", "kommunale Wärmeplanung", "Klimaschutz"]
    # every term of every entry ends with its noun, and together they are the entry
    for words in RELATED.values():
        terms = related_phrases(words)
        assert " ".join(terms) == words
        assert all(term.split()[-1][0].isupper() for term in terms), words

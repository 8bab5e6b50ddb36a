"""Which EU calls towns can use, and why.

The portal has no structured applicant field, so a call is selected for local authorities in two ways:
- by programme: programmes and programme parts open to local authorities by their rules, recognised
  by the framework programme code and the topic identifier (CERV town twinning and networks of towns,
  LIFE, the EU missions for cities, climate adaptation and soil with their living labs, EIT Urban
  Mobility's open calls for cities);
- by applicant type: the call's own text names local or regional authorities, municipalities, cities
  or public bodies.
A selected call carries ``municipal_signals`` (so the matcher's applicant filter keeps it), German
reasons for staff, and the Förderbereich codes of its programme (so a profile's topics meet it).
Calls that are not selected are still stored; the matcher leaves them out for members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.eu_glossary import PROGRAMME_SIGNAL

HORIZON = "43108390"

# Phrases that say local government may apply; found in the call's description and conditions.
TEXT_SIGNALS: dict[str, re.Pattern[str]] = {
    "local authorities": re.compile(r"\blocal(?: and regional)? (?:public )?authorit(?:y|ies)\b", re.I),
    "public bodies": re.compile(r"\bpublic (?:bodies|body|authorit(?:y|ies)|entit(?:y|ies))\b", re.I),
    "municipalities": re.compile(r"\bmunicipal(?:ity|ities)\b", re.I),
    "cities": re.compile(r"\bcities\b", re.I),
}


@dataclass(frozen=True)
class ProgrammeRule:
    """A programme (part) whose calls local authorities can use."""

    name: str  # stored as "programme:<name>" in municipal_signals
    programme: str  # frameworkProgramme code; "" for any
    identifier: re.Pattern[str]  # on the topic identifier (cascade calls: also on the project acronym)
    reason: str  # German, for staff
    areas: tuple[str, ...]  # Förderbereich codes of the programme's theme


RULES: tuple[ProgrammeRule, ...] = (
    ProgrammeRule(
        "cerv_towns",
        "43251589",
        re.compile(r"-CITIZENS-TOWN-"),
        "CERV-Städtepartnerschaften und Netzwerke von Städten: Kommunen sind antragsberechtigt",
        ("gesundheit_soziales", "kultur_medien_sport"),
    ),
    ProgrammeRule(
        "life",
        "43252405",
        re.compile(r"^LIFE-"),
        "LIFE steht öffentlichen Stellen offen, auch Kommunen",
        ("umwelt_naturschutz",),
    ),
    ProgrammeRule(
        "mission_cities",
        HORIZON,
        re.compile(r"-MISS-.*-CIT-"),
        "EU-Mission Klimaneutrale Städte: richtet sich an Städte",
        ("smart_cities_regionen", "energieeffizienz_erneuerbare_energien"),
    ),
    ProgrammeRule(
        "mission_adaptation",
        HORIZON,
        re.compile(r"-MISS-.*-CLIMA-"),
        "EU-Mission Klimaanpassung: richtet sich an Regionen und Kommunen",
        ("umwelt_naturschutz",),
    ),
    ProgrammeRule(
        "mission_soil",
        HORIZON,
        re.compile(r"-MISS-.*-SOIL-"),
        "EU-Mission Boden: Reallabore mit lokalen Partnern",
        ("umwelt_naturschutz", "landwirtschaft_laendliche_entwicklung"),
    ),
    ProgrammeRule(
        "eit_urban_mobility",
        HORIZON,
        re.compile(r"EITURBANMOBILITY|^EITUM-"),
        "EIT Urban Mobility: offene Aufrufe für Städte und Kommunen",
        ("mobilitaet",),
    ),
)


@dataclass(frozen=True)
class Selection:
    """Selected when it has signals; ``reasons`` say why in German, ``areas`` are Förderbereich codes."""

    signals: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


def text_signals(*texts: str) -> list[str]:
    joined = "\n".join(texts)
    return [label for label, pattern in TEXT_SIGNALS.items() if pattern.search(joined)]


def select(programme_codes: list[str], identifiers: list[str], texts: list[str]) -> Selection:
    """The municipal selection of one call from its programme codes, identifiers and texts."""
    signals: list[str] = []
    reasons: list[str] = []
    areas: list[str] = []
    for rule in RULES:
        if rule.programme and rule.programme not in programme_codes:
            continue
        if any(rule.identifier.search(identifier) for identifier in identifiers):
            signals.append(PROGRAMME_SIGNAL + rule.name)
            reasons.append(rule.reason)
            areas.extend(code for code in rule.areas if code not in areas)
    found = text_signals(*texts)
    if found:
        signals.extend(found)
        reasons.append("Ausschreibungstext nennt " + ", ".join(found))
    return Selection(signals, reasons, areas)

"""German names of EU funding programmes, their parts and action types, and of municipal signals.

The EU Funding & Tenders Portal writes English only. A town clerk's profile is German, so each EU
call gets a German one-line description built from the portal's own fields (see
``crawler.spiders.eu_sedia.german``), and the explanation of a match names in German why local
authorities may apply. This glossary holds only *names* (programmes, missions, clusters, action
types): the official German names the EU uses for them. It never translates call texts.
"""

from __future__ import annotations

import re

# frameworkProgramme code → German programme name.
PROGRAMMES: dict[str, str] = {
    "43108390": "Horizont Europa",
    "43252405": "LIFE – Programm für Umwelt- und Klimapolitik",
    "43251589": "CERV – Bürgerinnen und Bürger, Gleichstellung, Rechte und Werte",
    "43353764": "Erasmus+ – Bildung, Jugend und Sport",
    "43152860": "Programm Digitales Europa",
    "43251567": "Fazilität „Connecting Europe“ (CEF)",
    "43332642": "EU4Health – Gesundheitsprogramm der EU",
    "43251814": "Kreatives Europa",
    "43252476": "Binnenmarktprogramm",
    "43254019": "Europäischer Sozialfonds Plus (ESF+)",
    "44416173": "Interregionale Innovationsinvestitionen (I3)",
    "43089234": "Innovationsfonds",
    "43392145": "Europäischer Meeres-, Fischerei- und Aquakulturfonds (EMFAF)",
    "43252386": "Programm Justiz",
    "43252368": "Fonds für die innere Sicherheit (ISF)",
    "43254037": "Europäisches Solidaritätskorps",
    "43298203": "Katastrophenschutzverfahren der Union (UCPM)",
    "43298664": "Absatzförderung für Agrarerzeugnisse (AGRIP)",
    "44181033": "Europäischer Verteidigungsfonds (EDF)",
    "43298916": "Euratom-Programm für Forschung und Ausbildung",
    "44773066": "Mechanismus für einen gerechten Übergang (JTM)",
}

# Parts of a programme, recognised in the topic identifier (first match wins, so the narrower first).
PARTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"-MISS-.*-CIT-", "EU-Mission „100 klimaneutrale und intelligente Städte bis 2030“"),
        (r"-MISS-.*-CLIMA-", "EU-Mission „Anpassung an den Klimawandel“"),
        (r"-MISS-.*-SOIL-", "EU-Mission „Ein Boden-Deal für Europa“"),
        (r"-MISS-.*-OCEAN-", "EU-Mission „Wiederherstellung unserer Ozeane und Gewässer“"),
        (r"-MISS-.*-CANCER-", "EU-Mission „Krebs“"),
        (r"EITURBANMOBILITY", "EIT Urban Mobility – Innovationsgemeinschaft für städtische Mobilität"),
        (r"-JU-CBE-", "Gemeinsames Unternehmen „Kreislauforientierte biobasierte EU“, CBE JU"),
        (r"-JU-IHI-", "Gemeinsames Unternehmen „Initiative innovative Gesundheit“, IHI JU"),
        (r"^HORIZON-HLTH-|^HORIZON-CL1-", "Cluster Gesundheit"),
        (r"^HORIZON-CL2-", "Cluster Kultur, Kreativität und inklusive Gesellschaft"),
        (r"^HORIZON-CL3-", "Cluster Zivile Sicherheit für die Gesellschaft"),
        (r"^HORIZON-CL4-", "Cluster Digitalisierung, Industrie und Weltraum"),
        (r"^HORIZON-CL5-", "Cluster Klima, Energie und Mobilität"),
        (r"^HORIZON-CL6-", "Cluster Lebensmittel, Bioökonomie, natürliche Ressourcen, Landwirtschaft und Umwelt"),
        (r"-CITIZENS-TOWN-TT", "Städtepartnerschaften"),
        (r"-CITIZENS-TOWN-NT", "Netzwerke von Städten"),
        (r"^LIFE-.*-NAT", "Teilprogramm Natur und Biodiversität"),
        (r"^LIFE-.*-ENV", "Teilprogramm Kreislaufwirtschaft und Lebensqualität"),
        (r"^LIFE-.*-CLIMA", "Teilprogramm Klimaschutz und Anpassung an den Klimawandel"),
        (r"^LIFE-.*-CET", "Teilprogramm Energiewende"),
    )
)

# Type of action (the portal's English name, without the programme prefix) → German name.
ACTION_TYPES: dict[str, str] = {
    "JU Research and Innovation Actions": "Forschungs- und Innovationsmaßnahme (RIA)",
    "JU Innovation Actions": "Innovationsmaßnahme (IA)",
    "JU Coordination and Support Actions": "Koordinierungs- und Unterstützungsmaßnahme (CSA)",
    "Research and Innovation Actions": "Forschungs- und Innovationsmaßnahme (RIA)",
    "Innovation Actions": "Innovationsmaßnahme (IA)",
    "Coordination and Support Actions": "Koordinierungs- und Unterstützungsmaßnahme (CSA)",
    "Programme Cofund Actions": "Kofinanzierungsmaßnahme (COFUND)",
    "Standard Action Projects": "Standardprojekt (SAP)",
    "Strategic Integrated Projects": "Strategisches integriertes Projekt (SIP)",
    "Strategic Nature Projects": "Strategisches Naturprojekt (SNAP)",
    "Technical Assistance": "Technische Hilfe (TA)",
    "Operating Grants": "Betriebskostenzuschuss",
    "Project Grants": "Projektförderung",
    "Simple Grants": "einfache Finanzhilfe",
    "Lump Sum Grants": "Pauschalfinanzhilfe",
}
CASCADE_ACTION = "Kaskadenaufruf (Finanzhilfe für Dritte)"

# Marks of a municipal signal that comes from the programme's rules, not from the call's text.
PROGRAMME_SIGNAL = "programme:"

# municipal_signals value → German words for the explanation of a match.
SIGNAL_LABELS: dict[str, str] = {
    # phrases found in the call's own (English) text
    "local authorities": "lokale Behörden",
    "public bodies": "öffentliche Stellen",
    "municipalities": "Kommunen",
    "cities": "Städte",
    "local and regional authorities": "lokale und regionale Behörden",
    "regional and local authorities": "regionale und lokale Behörden",
    # programmes open to local authorities by their rules
    "programme:cerv_towns": "Kommunen (CERV-Städtepartnerschaften und Netzwerke von Städten)",
    "programme:life": "öffentliche Stellen wie Kommunen (LIFE)",
    "programme:mission_cities": "Städte (EU-Mission Klimaneutrale Städte)",
    "programme:mission_adaptation": "Regionen und Kommunen (EU-Mission Klimaanpassung)",
    "programme:mission_soil": "lokale Partner von Reallaboren (EU-Mission Boden)",
    "programme:eit_urban_mobility": "Städte und Kommunen (EIT Urban Mobility)",
}


def programme_name(code: str) -> str | None:
    return PROGRAMMES.get(code)


def part_name(identifier: str) -> str | None:
    """The programme part a topic identifier belongs to (mission, cluster, sub-programme), or None."""
    for pattern, name in PARTS:
        if pattern.search(identifier):
            return name
    return None


def action_type_name(type_of_action: str) -> str | None:
    """German name of a portal type of action ("HORIZON Innovation Actions" → "Innovationsmaßnahme (IA)")."""
    collapsed = " ".join(type_of_action.split())
    for english in sorted(ACTION_TYPES, key=len, reverse=True):
        if collapsed.casefold().endswith(english.casefold()):
            return ACTION_TYPES[english]
    return None


def signal_label(signal: str) -> str:
    return SIGNAL_LABELS.get(signal, signal)

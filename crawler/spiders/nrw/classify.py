"""Codes for applicants and funding types read from German eligibility and funding prose.

The codes are the Förderdatenbank's (``kommune``, ``zuschuss`` …) so the matcher filters every
source the same way. Only clear words count; an unclear text yields no code rather than a guess.
"""

from __future__ import annotations

import re

APPLICANT_PATTERNS: dict[str, re.Pattern[str]] = {
    "kommune": re.compile(
        r"\b(?:Kommune|Gemeinde|Städte\b|Kreise\b|Gemeindeverb|Gebietskörperschaft|"
        r"kommunal|Landkreis|Zweckverb)",
        re.I,
    ),
    "oeffentliche_einrichtung": re.compile(
        r"öffentliche[nr]? (?:Einrichtung|Stelle)|Körperschaften? des öffentlichen", re.I
    ),
    "unternehmen": re.compile(r"\b(?:Unternehmen|KMU|Betrieb)", re.I),
    "hochschule": re.compile(r"\bHochschule", re.I),
    "forschungseinrichtung": re.compile(r"Forschungseinrichtung", re.I),
    "verband_vereinigung": re.compile(r"\b(?:Verein|Verbände|Verband\b|Vereinigung)", re.I),
    "existenzgruenderin": re.compile(r"Existenzgründ|Gründerinnen|Gründer\b", re.I),
    "privatperson": re.compile(r"Privatperson|Bürgerinnen und Bürger", re.I),
    "bildungseinrichtung": re.compile(r"\b(?:Schule|Bildungseinrichtung|Bildungsträger)", re.I),
}

FUNDING_TYPE_PATTERNS: dict[str, re.Pattern[str]] = {
    "zuschuss": re.compile(r"Zuschu|Zuschü|Zuwendung|Festbetrag|Anteilfinanzierung|Fehlbedarf", re.I),
    "darlehen": re.compile(r"Darlehen|Kredit", re.I),
    "buergschaft": re.compile(r"Bürgschaft", re.I),
    "beteiligung": re.compile(r"Beteiligung(?:skapital)?\b(?! an)", re.I),
    "garantie": re.compile(r"Garantie", re.I),
}


def applicant_codes(text: str) -> list[str]:
    return [code for code, pattern in APPLICANT_PATTERNS.items() if pattern.search(text or "")]


def funding_type_codes(text: str) -> list[str]:
    return [code for code, pattern in FUNDING_TYPE_PATTERNS.items() if pattern.search(text or "")]

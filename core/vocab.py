"""Code → German label tables of the Förderdatenbank categories.

The export names categories by code only (``kommune``, ``nordrhein_westfalen``); the labels come
from a compiled copy of the site's label bundle (``vocabularies.json``, compiled from the
export's label bundle and the website's filter sidebar; provenance in ``docs/sources.md``). Every
package shows labels through ``label``/``labels``; codes are what is stored.

Below the tables sit the few facts about the vocabulary that the matcher's filters rely on: the
applicant codes a member of each kind applies under, and which Fördergebiet codes are "home".
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

VOCABULARIES = Path(__file__).with_name("vocabularies.json")

# Our kind name → the classifier name in the vocabulary file.
_CLASSIFIERS = {
    "foerderart": "Foerderart",
    "foerderbereich": "Foerderbereich",
    "foerdergebiet": "Foerdergebiet",
    "foerderberechtigte": "Foerderberechtigte",
    "foerdergeber": "Foerdergeber",
}
KINDS = (*_CLASSIFIERS, "unterfoerderbereich")

# Codes the export spells differently from the website; stored codes use the right-hand side.
ALIASES = {
    "Foerdergebiet": {"bundesweit": "_bundesweit", "schlesig_holstein": "schleswig_holstein"},
}


def canonical_code(classifier: str, code: str) -> str:
    """The stored form of a category code (export aliases and typos normalised)."""
    return ALIASES.get(classifier, {}).get(code, code)


@cache
def _vocabularies() -> dict[str, Any]:
    vocabularies: dict[str, Any] = json.loads(VOCABULARIES.read_text(encoding="utf-8"))["vocabularies"]
    return vocabularies


@cache
def _labels(kind: str) -> dict[str, str]:
    vocab = _vocabularies()
    if kind == "unterfoerderbereich":
        table = {}
        for parent, entry in vocab["Untergeordnete_Foerderbereiche"]["by_parent"].items():
            for child, text in entry["codes"].items():
                code = f"{parent}.{child}"
                table[code] = _LABEL_REPAIRS.get(code, text)
        return table
    classifier = _CLASSIFIERS.get(kind)
    if classifier is None:
        raise KeyError(f"unknown vocabulary kind {kind!r}; known: {', '.join(KINDS)}")
    entry = vocab[classifier]
    table = {code: item["label"] for code, item in entry.get("website_filter", {}).items()}
    table |= dict(entry["export_codes"])
    for alias, code in ALIASES.get(classifier, {}).items():
        if code in table:
            table.setdefault(alias, table[code])
        elif alias in table:
            table[code] = table[alias]
    return table


# Labels of the bundle that are not fit to show (an untranslated placeholder, ASCII spellings).
_LABEL_REPAIRS = {
    "aus_weiterbildung.weiterbildung_von_arbeitnehmern": "Weiterbildung von Arbeitnehmern",
    "aus_weiterbildung.weiterbildung_unternehmer_selbststaendige": "Weiterbildung Unternehmer & Selbstständige",
    "aussenwirtschaft.markterkundung_erschliessung": "Markterkundung & -erschließung",
}


def labels_table(kind: str) -> dict[str, str]:
    """The read-only table behind ``labels`` (no copy: for lookups in hot loops)."""
    return _labels(kind)


def labels(kind: str) -> dict[str, str]:
    """All codes of one kind with their German labels (a copy; safe to modify)."""
    return dict(_labels(kind))


def label(kind: str, code: str) -> str:
    """The German label of a code; an unknown code is shown as itself rather than hidden."""
    return _labels(kind).get(code, code)


def subarea_classifiers() -> dict[str, str]:
    """Export classifier (``UFArbeit``) → parent Förderbereich code (``arbeit``) of the sub-areas."""
    by_parent = _vocabularies()["Untergeordnete_Foerderbereiche"]["by_parent"]
    return {entry["export_classifier"]: parent for parent, entry in by_parent.items()}


@cache
def codes_by_label(kind: str) -> dict[str, str]:
    """German label → canonical code, from both the export's and the website's labels.

    The HTML pages show labels (sometimes the website's, e.g. "Wohnungsbau & Modernisierung",
    where the export bundle says "Wohnungsbau & -modernisierung"); both map to the same code.
    """
    classifier = _CLASSIFIERS[kind]
    entry = _vocabularies()[classifier]
    table = {item["label"]: canonical_code(classifier, code) for code, item in entry.get("website_filter", {}).items()}
    table |= {text: canonical_code(classifier, code) for code, text in entry["export_codes"].items()}
    return table


# Applicant codes under which a member of the given kind may apply. Municipalities and Kreise apply as
# "Kommune" or "öffentliche Einrichtung"; the RVR as a public association additionally as "Verband".
MUNICIPAL_APPLICANTS = frozenset({"kommune", "oeffentliche_einrichtung"})
APPLICANTS_BY_MEMBER_KIND: dict[str, frozenset[str]] = {
    "kreisangehoerige_gemeinde": MUNICIPAL_APPLICANTS,
    "kreisfreie_stadt": MUNICIPAL_APPLICANTS,
    "kreis": MUNICIPAL_APPLICANTS,
    "verband": MUNICIPAL_APPLICANTS | {"verband_vereinigung"},
}

# Fördergebiet codes a member in the Ruhr can use; every other Land code means "another Land".
HOME_REGIONS = frozenset({"_bundesweit", "nordrhein_westfalen", "eu"})
# Spellings other sources use for the same regions and Länder.
HOME_REGION_ALIASES = frozenset({"nrw", "de_nw", "bund", "deutschland", "bundesweit"})
_LAND_ALIASES = frozenset({"schleswig_holstein", "niedersachsen", "sachsen_anhalt", "de_by", "de_bw", "de_he", "de_sh"})


@cache
def other_laender() -> frozenset[str]:
    """Fördergebiet codes (and alias spellings) of the Länder other than NRW."""
    regions = set(_labels("foerdergebiet")) - HOME_REGIONS - HOME_REGION_ALIASES - {"sonstige"}
    return frozenset(regions) | _LAND_ALIASES


def topic_label(code: str) -> str:
    """The label of a Förderbereich (``umwelt_naturschutz``) or sub-area code (``parent.child``)."""
    return label("unterfoerderbereich" if "." in code else "foerderbereich", code)

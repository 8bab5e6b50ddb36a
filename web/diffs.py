"""Programme revisions as a readable diff for curators.

Short values are shown as "alt → neu"; long texts are split into sentences and compared with
difflib, so a changed sentence in a long Richtlinie is easy to spot.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

from store.models import ProgrammeRevision

FIELD_LABELS = {
    "title": "Titel",
    "url": "Adresse",
    "teaser_text": "Kurztext",
    "description_text": "Beschreibung",
    "eligibility_text": "Voraussetzungen",
    "legal_text": "Rechtsgrundlage",
    "deadline_text": "Fristen (Text)",
    "status_note": "Statushinweis",
    "funder": "Fördergeber",
    "funding_types": "Förderart",
    "funding_areas": "Förderbereich",
    "funding_subareas": "Unterbereiche",
    "regions": "Fördergebiet",
    "eligible_applicants": "Förderberechtigte",
    "municipal_signals": "Hinweise auf Kommunen",
    "funding_rate": "Förderquote",
    "budget_eur": "Budget (EUR)",
    "status": "Status",
    "opens_on": "Beginn",
    "next_deadline": "Nächste Frist",
    "last_deadline": "Letzte Frist",
    "deadlines": "Fristen",
    "yearly_deadlines": "Jährliche Fristen",
    "rolling": "Laufend",
    "closed": "Geschlossen",
    "next_window_expected": "Nächstes Fenster erwartet",
}
SHORT = 120
# Sentence ends: a full stop etc. after a non-digit, followed by a capital ("1. März" stays whole).
_SENTENCE = re.compile(r"(?<=[^\d\s][.!?;])\s+(?=[A-ZÄÖÜ0-9])|\n+")


@dataclass
class FieldDiff:
    field: str
    label: str
    old: str
    new: str
    lines: list[tuple[str, str]]  # (" " | "+" | "-", text); empty for short values


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def revision_diff(revision: ProgrammeRevision) -> list[FieldDiff]:
    diffs = []
    for name in revision.changed_fields:
        old, new = _text(revision.old_values.get(name)), _text(revision.new_values.get(name))
        lines: list[tuple[str, str]] = []
        if len(old) > SHORT or len(new) > SHORT or "\n" in old or "\n" in new:
            old_parts = [p for p in _SENTENCE.split(old) if p.strip()]
            new_parts = [p for p in _SENTENCE.split(new) if p.strip()]
            for line in difflib.ndiff(old_parts, new_parts):
                if line[:1] in (" ", "+", "-"):
                    lines.append((line[:1], line[2:]))
        diffs.append(FieldDiff(name, FIELD_LABELS.get(name, name), old, new, lines))
    return diffs

"""Programme revisions as a readable diff for curators.

Short values are shown as "alt → neu"; long texts are split into sentences and compared with
difflib, so a changed sentence in a long Richtlinie is easy to spot.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import date

from core import labels, vocab
from core.labels import FIELD_LABELS
from core.sentences import split_sentences
from store.models import ProgrammeRevision

# Fields holding codes: shown through their label table, never as the stored key.
CODE_FIELDS = {
    "funding_types": "foerderart",
    "funding_areas": "foerderbereich",
    "regions": "foerdergebiet",
    "eligible_applicants": "foerderberechtigte",
}
SHORT = 120


@dataclass
class FieldDiff:
    field: str
    label: str
    old: str
    new: str
    lines: list[tuple[str, str]]  # (" " | "+" | "-", text); empty for short values


def _text(name: str, value) -> str:
    """A stored value as a curator reads it: labels for codes, German dates and yes/no."""
    if value is None:
        return ""
    if name in CODE_FIELDS and isinstance(value, list):
        return ", ".join(vocab.label(CODE_FIELDS[name], str(code)) for code in value)
    if name == "funding_subareas" and isinstance(value, list):
        return ", ".join(vocab.topic_label(str(code)) for code in value)
    if name == "status":
        return labels.label(labels.PROGRAMME_STATUS_LABELS, str(value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if name in ("opens_on", "next_deadline", "last_deadline") and value:
        return date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
    if name == "deadlines" and isinstance(value, list):
        return ", ".join(date.fromisoformat(str(day)[:10]).strftime("%d.%m.%Y") for day in value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def revision_diff(revision: ProgrammeRevision) -> list[FieldDiff]:
    diffs = []
    for name in revision.changed_fields:
        old, new = _text(name, revision.old_values.get(name)), _text(name, revision.new_values.get(name))
        lines: list[tuple[str, str]] = []
        if len(old) > SHORT or len(new) > SHORT or "\n" in old or "\n" in new:
            old_parts, new_parts = split_sentences(old), split_sentences(new)
            for line in difflib.ndiff(old_parts, new_parts):
                if line[:1] in (" ", "+", "-"):
                    lines.append((line[:1], line[2:]))
        diffs.append(FieldDiff(name, FIELD_LABELS.get(name, name), old, new, lines))
    return diffs

"""Typed changes of a programme between two crawls: what a clerk must do about a revision.

A revision records that fields changed; a clerk needs to know what that means: the deadline moved
forward (act sooner), a deadline was set, the window closed, the money ran out, the rate or the
maximum changed, who may apply changed. ``classify_changes`` compares the old and the new field
values of one programme and returns one ``Change`` per type, each with the old and new value as a
person reads them, the source sentence that states the new state, and a one-line summary.

Types come from structured fields where the spiders provide them (deadlines, closed, status,
eligible_applicants, regions) and from the texts where they do not (budget-exhausted sentences,
the rates reader of ``core.rates`` over the funding rate and summary texts).

Two rules keep noise out of the mails:
- a change that only the calendar made is no change of the source: when the prose the deadlines
  were read from is the same, moved dates (a yearly "30. September" rolling over) and a window
  that closed because its date passed are not typed;
- cosmetic edits are no change: texts are compared after folding whitespace, markup, entities and
  the Förderdatenbank export's "?" for a lost dash or quote.

``tests/fixtures/changes/pairs.json`` holds the labelled before/after pairs this is measured on
(``bench/bench_changes.py``). Odd values (no list where a list belongs, a date that is none) count as absent.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from core.labels import CHANGE_LABELS, FIELD_LABELS
from core.rates import FundingTerms, format_euros, rate_span, read_funding_terms
from core.sentences import split_sentences
from core.vocab import label

# Changes that cost a member money if it hears of them late: mailed at once when the next regular
# digest would come too late (``mailer.urgent``), otherwise they lead the next digest.
URGENT_CHANGE_TYPES = ("deadline_brought_forward", "closed", "budget_exhausted")
# Texts whose sentences a "Text geändert" summary counts, most telling first.
TEXT_FIELDS = (
    "title",
    "teaser_text",
    "description_text",
    "eligibility_text",
    "deadline_text",
    "status_note",
    "legal_text",
)
# Texts the budget-exhausted sentences are looked for in.
STATUS_TEXTS = ("status_note", "deadline_text", "teaser_text", "description_text")

_EXHAUSTED = re.compile(
    r"(?:\bmittel|fördermittel|haushaltsmittel|programmmittel|budget|kontingent|fördertopf)\w*\s+"
    r"(?:[\w.]+\s+){0,6}?(?:ausgeschöpft|erschöpft|aufgebraucht|verbraucht|vollständig\s+vergeben|bereits\s+vergeben)"
    r"|keine\s+(?:förder|haushalts)?mittel\s+mehr",
    re.IGNORECASE,
)
# Words before an exhausted phrase that make it a condition or a denial ("bis die Mittel
# ausgeschöpft sind", "muss nicht ausgeschöpft werden").
_NOT_EXHAUSTED = re.compile(r"\b(?:nicht|bis|solange|sobald|wenn|falls|sofern|soweit|bevor)\b", re.IGNORECASE)
_LOST_CHARACTERS = re.compile("[?\u2013\u2014\u2010\u2011\u2012\u201e\u201c\u201d\u201a\u2018\u2019\"'»«-]+")
_TAG = re.compile(r"<[^>]*>")
_READING_FOLD = re.compile("[?\u2013\u2014\u201e\u201c\u201d\u201a\u2018\u2019»«]")
_SUMMARY_CHARS = 200


@dataclass(frozen=True)
class Change:
    """One typed change: ``type`` is a key of ``core.labels.CHANGE_LABELS``."""

    type: str
    old: str = ""
    new: str = ""
    sentence: str = ""  # the source sentence that states the new state
    summary: str = ""  # one line for a person: "31.03.2027 → 28.02.2027"

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self.type]

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


# -- values ---------------------------------------------------------------------------------------


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _dates(fields: dict[str, Any]) -> list[date]:
    return sorted({d for d in map(_date, _list(fields.get("deadlines"))) if d is not None})


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple, set)) else []


def german_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def fold(text: Any) -> str:
    """A text with what is cosmetic folded away: markup, entities, whitespace, lost characters."""
    text = html.unescape(_TAG.sub(" ", str(text or "")))
    text = text.replace("\u00ad", "").replace("\u00a0", " ")
    return " ".join(_LOST_CHARACTERS.sub("?", text).split())


def _closed(fields: dict[str, Any]) -> bool:
    return bool(fields.get("closed")) or fields.get("status") == "closed"


def _shorten(text: str, limit: int = _SUMMARY_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


# -- deadlines ------------------------------------------------------------------------------------


def _same_prose(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """The deadline prose did not change: dates that moved were moved by the calendar."""
    sentence = fold(old.get("deadline_sentence"))
    return (
        bool(sentence)
        and sentence == fold(new.get("deadline_sentence"))
        and fold(old.get("deadline_text")) == fold(new.get("deadline_text"))
        and fold(old.get("status_note")) == fold(new.get("status_note"))
    )


def _current(dates: list[date], today: date) -> date:
    """The deadline that counts now: the next one, or the last one when all have passed."""
    return next((d for d in dates if d >= today), dates[-1])


def _no_deadline(fields: dict[str, Any]) -> str:
    return "laufend" if fields.get("rolling") else "keine Frist"


def _deadline_changes(old: dict[str, Any], new: dict[str, Any], today: date) -> list[Change]:
    before, after = _dates(old), _dates(new)
    if before == after or _same_prose(old, new):
        return []
    sentence = str(new.get("deadline_sentence") or new.get("deadline_text") or "")
    if not before:
        kind = "new_window" if _closed(old) else "deadline_set"
        first = german_date(_current(after, today))
        return [Change(kind, _no_deadline(old), first, sentence, f"{_no_deadline(old)} → {first}")]
    if not after:
        if _closed(new):
            return []  # the closing is typed on its own
        gone = german_date(_current(before, today))
        return [Change("deadline_removed", gone, _no_deadline(new), sentence, f"{gone} → {_no_deadline(new)}")]
    was, now = _current(before, today), _current(after, today)
    if now < was:
        kind = "deadline_brought_forward"
    elif now > was:
        kind = "new_window" if was < today or _closed(old) else "deadline_extended"
    else:
        added = [d for d in after if d > now and d not in before]
        if not added:
            return []
        kind, now = "new_window", added[0]
    old_text, new_text = german_date(was), german_date(now)
    return [Change(kind, old_text, new_text, sentence, f"{old_text} → {new_text}")]


def _status_changes(old: dict[str, Any], new: dict[str, Any], today: date) -> list[Change]:
    if _closed(old) == _closed(new) or _same_prose(old, new):
        return []
    if _closed(new):
        sentence = str(new.get("status_note") or new.get("deadline_sentence") or new.get("deadline_text") or "")
        return [Change("closed", "offen", "geschlossen", sentence, "")]
    if new.get("status") not in ("open", "forthcoming") and not new.get("rolling"):
        return []
    after = _dates(new)
    upcoming = [d for d in after if d >= today]
    opened = f"neue Frist {german_date(upcoming[0])}" if upcoming else ("laufend" if new.get("rolling") else "offen")
    sentence = str(new.get("deadline_sentence") or new.get("status_note") or "")
    return [Change("new_window", "geschlossen", opened, sentence, f"wieder geöffnet: {opened}")]


# -- texts ----------------------------------------------------------------------------------------


def exhausted_sentences(fields: dict[str, Any]) -> list[str]:
    """Sentences saying the money is gone ("Die Fördermittel für 2026 sind ausgeschöpft")."""
    found = []
    for name in STATUS_TEXTS:
        for sentence in split_sentences(str(fields.get(name) or "")):
            match = _EXHAUSTED.search(sentence)
            if match and not _NOT_EXHAUSTED.search(sentence[max(0, match.start() - 40) : match.end()]):
                found.append(sentence)
    return found


def _budget_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    known = {fold(s) for s in exhausted_sentences(old)}
    fresh = [s for s in exhausted_sentences(new) if fold(s) not in known]
    if not fresh or known:
        return []
    return [Change("budget_exhausted", "Mittel verfügbar", "Mittel ausgeschöpft", fresh[0], _shorten(fresh[0]))]


def funding_terms(fields: dict[str, Any], *, folded: bool = False) -> FundingTerms:
    """The rates and amounts of a programme's stored fields (the same texts the spiders read).

    ``funding_rate`` is read only when the texts state no rate: the export spiders fill it from
    the texts (reading it again would count their rate twice), NRW pages from a section of its own.
    ``folded`` reads every quote, dash and "?" as "-": the export writes "?" for a lost dash or
    quote, which also ends a sentence there, so a text and its repaired twin can cut into different
    sentences. Folded, both read alike, and the figures keep their ranges ("40–80 %").
    """
    rate, *texts = (str(fields.get(name) or "") for name in ("funding_rate", *_RATE_TEXTS))
    if folded:
        rate, texts = _READING_FOLD.sub("-", rate), [_READING_FOLD.sub("-", text) for text in texts]
    terms = read_funding_terms(*texts)
    if rate and not any(r.kind in _RATE_KINDS for r in terms.rates):
        terms = read_funding_terms(rate, *texts)
    return terms


_RATE_KINDS = ("rate", "base", "adjustment")
_RATE_TEXTS = ("teaser_text", "description_text", "eligibility_text")


def _terms_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    before, after = funding_terms(old, folded=True), funding_terms(new, folded=True)
    shown = funding_terms(new)  # the sentences as the source writes them
    changes = []
    old_rates = Counter((r.kind, r.low, r.high) for r in before.rates if r.kind in _RATE_KINDS)
    new_rates = Counter((r.kind, r.low, r.high) for r in after.rates if r.kind in _RATE_KINDS)
    if old_rates != new_rates:
        gone, came = list((old_rates - new_rates).elements()), list((new_rates - old_rates).elements())
        if len(gone) == len(came) == 1:  # one figure replaced: say which
            was, now = rate_span(*gone[0][1:]), rate_span(*came[0][1:])
        else:
            was, now = before.rate_text() or "keine Angabe", after.rate_text() or "keine Angabe"
        stating = [r.sentence for r in shown.rates if (r.kind, r.low, r.high) in came] or [
            r.sentence for r in shown.rates if r.kind in _RATE_KINDS
        ]
        changes.append(Change("rate_changed", was, now, stating[0] if stating else "", f"{was} → {now}"))
    if before.amount_max != after.amount_max:
        was = format_euros(before.amount_max) if before.amount_max is not None else "keine Angabe"
        now = format_euros(after.amount_max) if after.amount_max is not None else "keine Angabe"
        stating = [a.sentence for a in shown.amounts if a.euros == after.amount_max and a.kind in ("max", "fixed")]
        changes.append(Change("max_amount_changed", was, now, stating[0] if stating else "", f"{was} → {now}"))
    return changes


def _codes_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = []
    for field, kind, vocabulary in (
        ("eligible_applicants", "applicants_changed", "foerderberechtigte"),
        ("regions", "area_changed", "foerdergebiet"),
    ):
        before, after = set(map(str, _list(old.get(field)))), set(map(str, _list(new.get(field))))
        if before == after:
            continue
        added = [label(vocabulary, code) for code in sorted(after - before)]
        gone = [label(vocabulary, code) for code in sorted(before - after)]
        parts = ([f"neu: {', '.join(added)}"] if added else []) + ([f"entfällt: {', '.join(gone)}"] if gone else [])
        changes.append(
            Change(
                kind,
                ", ".join(label(vocabulary, c) for c in sorted(before)),
                ", ".join(label(vocabulary, c) for c in sorted(after)),
                "",
                "; ".join(parts),
            )
        )
    return changes


def _text_change(old: dict[str, Any], new: dict[str, Any], explained: set[str]) -> list[Change]:
    """Sentences added or removed beyond those the other types already explain."""
    parts, first_added, first_removed = [], "", ""
    for field in TEXT_FIELDS:
        if fold(old.get(field)) == fold(new.get(field)):
            continue
        before = {fold(s): s for s in split_sentences(str(old.get(field) or ""))}
        after = {fold(s): s for s in split_sentences(str(new.get(field) or ""))}
        added = [after[k] for k in after if k not in before and k not in explained]
        removed = [before[k] for k in before if k not in after and k not in explained]
        if not added and not removed:
            continue
        first_added = first_added or (added[0] if added else "")
        first_removed = first_removed or (removed[0] if removed else "")
        counts = []
        if added:
            counts.append(f"{len(added)} {'Satz' if len(added) == 1 else 'Sätze'} neu")
        if removed:
            counts.append(f"{len(removed)} {'Satz' if len(removed) == 1 else 'Sätze'} entfallen")
        if removed and not added and len(fold(new.get(field))) < len(fold(old.get(field))):
            counts.append("gekürzt")
        parts.append(f"{FIELD_LABELS.get(field, field)}: {', '.join(counts)}")
    if not parts:
        return []
    return [Change("text_changed", first_removed, first_added, first_added or first_removed, "; ".join(parts))]


# -- all together ---------------------------------------------------------------------------------


def classify_changes(old: dict[str, Any], new: dict[str, Any], *, today: date) -> list[Change]:
    """The typed changes between two states of one programme (field name → value, as stored)."""
    changes = (
        _deadline_changes(old, new, today)
        + _status_changes(old, new, today)
        + _budget_changes(old, new)
        + _terms_changes(old, new)
        + _codes_changes(old, new)
    )
    types = [change.type for change in changes]
    changes = [c for i, c in enumerate(changes) if c.type not in types[:i]]  # one change per type
    return changes + _text_change(old, new, _explained(changes, old, new))


def _explained(changes: list[Change], old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Sentences (folded) whose change a typed change already reports: not counted as text again."""
    types = {change.type for change in changes}
    explained = {fold(s) for change in changes for s in split_sentences(change.sentence)}
    for fields in (old, new):
        if types & {"deadline_brought_forward", "deadline_set", "deadline_extended", "deadline_removed", "new_window"}:
            explained |= {fold(s) for s in split_sentences(str(fields.get("deadline_sentence") or ""))}
        if "budget_exhausted" in types:
            explained |= {fold(s) for s in exhausted_sentences(fields)}
        if types & {"rate_changed", "max_amount_changed"}:
            terms = funding_terms(fields)
            explained |= {fold(x.sentence) for x in terms.rates} | {fold(x.sentence) for x in terms.amounts}
        if types & {"closed", "new_window"}:
            explained |= {fold(s) for s in split_sentences(str(fields.get("status_note") or ""))}
    return explained

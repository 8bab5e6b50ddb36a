"""SEDIA result rows → store items.

The API's quirks are handled here, each because the saved responses show it (NOTES §5–§7):
every metadata value is a list; ``actions``/``budgetOverview`` are JSON inside a string, sometimes
cut and invalid; one topic comes back as several rows; ``status`` is stale, so open / forthcoming /
closed is decided from the dates; two-stage topics close with their stage-1 cut-off. Each item
gets a German one-line description as its teaser (``german``) and, when local authorities can use
the call, its municipal signals (``municipal``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from crawler.spiders.eu_sedia import municipal, wire
from crawler.spiders.eu_sedia.german import describe
from crawler.spiders.eu_sedia.programmes import programme_label
from crawler.text import html_to_text

TOPIC_URL = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/"
ATTRIBUTION = "Quelle: Europäische Kommission, EU Funding & Tenders Portal"
CASCADE = "8"

# Fields whose presence makes one copy of a topic richer than another.
_RICHNESS_FIELDS = (
    "descriptionByte",
    "description",
    "topicConditions",
    "actions",
    "deadlineDate",
    "budgetOverview",
    "startDate",
)


class FilterViolation(ValueError):
    """A returned row contradicts the requested filters: the API ignored the query."""


def meta(row: dict[str, Any]) -> dict[str, list[Any]]:
    value = row.get("metadata")
    return value if isinstance(value, dict) else {}


def first(row: dict[str, Any], key: str, default: str = "") -> str:
    values = meta(row).get(key)
    if isinstance(values, list):
        return str(values[0]) if values and values[0] is not None else default
    return str(values) if values not in (None, "") else default


def values(row: dict[str, Any], key: str) -> list[str]:
    found = meta(row).get(key)
    if isinstance(found, list):
        return [str(v) for v in found if v not in (None, "")]
    return [str(found)] if found not in (None, "") else []


def keywords(row: dict[str, Any]) -> list[str]:
    """Keywords; archive rows hold them as a JSON array inside a one-element list."""
    found = values(row, "keywords")
    if len(found) == 1 and found[0].lstrip().startswith("["):
        try:
            parsed = json.loads(found[0])
        except ValueError:
            return found
        return [str(v) for v in parsed if v]
    return found


def check_filters(row: dict[str, Any]) -> None:
    """Raise ``FilterViolation`` when a row could not have matched the requested query."""
    kind = first(row, "type")
    if kind not in wire.TYPES:
        raise FilterViolation(f"Zeile {row.get('reference')!r} hat type {kind!r}, angefragt {list(wire.TYPES)}")
    status = first(row, "status")
    if status and status not in wire.STATUSES:
        raise FilterViolation(f"Zeile {row.get('reference')!r} hat status {status!r}, angefragt {list(wire.STATUSES)}")
    period = first(row, "programmePeriod")
    if period and period != wire.PROGRAMME_PERIOD:
        raise FilterViolation(f"Zeile {row.get('reference')!r} hat programmePeriod {period!r}")


def is_live_row(row: dict[str, Any]) -> bool:
    """Rows of the live index in the requested language; archive copies and translations are not."""
    source = first(row, "DATASOURCE") or first(row, "datasource")
    language = str(row.get("language") or first(row, "language") or "en")
    return source == wire.DATASOURCE and language in wire.LANGUAGES


def dedupe_key(row: dict[str, Any]) -> str:
    """Topics by identifier; cascade calls by reference (several share one parent identifier)."""
    if first(row, "type") == CASCADE:
        reference = str(row.get("reference") or first(row, "REFERENCE"))
        for language in wire.LANGUAGES:  # "11143COMPETITIVE_CALLen": the suffix is the row's language
            if reference.endswith(language):
                reference = reference[: -len(language)]
        return f"cascade:{reference}"
    return first(row, "identifier")


def richness(row: dict[str, Any]) -> int:
    return sum(1 for name in _RICHNESS_FIELDS if any(v.strip() for v in values(row, name)))


def dedupe(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per key, the richest copy winning (first seen on a tie); order of first sight."""
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = dedupe_key(row)
        if not key:
            continue
        if key not in best or richness(row) > richness(best[key]):
            best[key] = row
    return list(best.values())


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return None


def deadline_dates(row: dict[str, Any]) -> list[date]:
    """Cut-off dates, ascending; the date part is authoritative (times are stamped inconsistently)."""
    return sorted({d for d in (_day(v) for v in values(row, "deadlineDate")) if d})


def derive_status(opens_on: date | None, deadlines: list[date], model: str, today: date) -> tuple[str, date | None]:
    """(status, next deadline for alerts), from the dates alone.

    A two-stage topic takes new applicants only until its stage-1 cut-off; other topics stay open
    while any cut-off lies ahead (the next one is the alert date).
    """
    if model.strip().lower() == "two-stage":
        entry = deadlines[0] if deadlines else None
    else:
        entry = next((d for d in deadlines if d >= today), None)
    upcoming = entry if entry and entry >= today else None
    if opens_on and opens_on > today:
        return "forthcoming", upcoming
    if upcoming:
        return "open", upcoming
    return "closed", None


def topic_budget(row: dict[str, Any], identifier: str) -> float | None:
    """EU budget of this topic's actions from ``budgetOverview``; None when absent or unreadable.

    The overview lists every topic of the parent call, so only entries whose action names this
    topic count. Cut or invalid JSON leaves the budget empty but keeps the row.
    """
    raw = first(row, "budgetOverview")
    if not raw:
        return None
    try:
        overview = json.loads(raw)
        total = 0.0
        found = False
        for entries in (overview.get("budgetTopicActionMap") or {}).values():
            for entry in entries or []:
                if str(entry.get("action", "")).startswith(identifier + " - "):
                    found = True
                    total += sum(float(v) for v in (entry.get("budgetYearMap") or {}).values() if v)
    except (ValueError, TypeError, AttributeError):
        return None
    return total if found else None


def cascade_budget(row: dict[str, Any]) -> float | None:
    try:
        return float(first(row, "budget")) if first(row, "budget") else None
    except ValueError:
        return None


def _collapse(text: str) -> str:
    return " ".join(text.split())


def row_to_item(row: dict[str, Any], *, today: date, facet_labels: dict[str, str]) -> dict[str, Any]:
    """The store item of one (deduplicated) row."""
    kind = first(row, "type")
    identifier = first(row, "identifier")
    cascade = kind == CASCADE
    if cascade:
        title = first(row, "callTitle") or str(row.get("summary") or "")
        url = str(row.get("url") or "") or TOPIC_URL + identifier
        description_html = first(row, "description")
        budget = cascade_budget(row)
    else:
        title = first(row, "title") or first(row, "callTitle") or str(row.get("summary") or "")
        url = TOPIC_URL + identifier
        description_html = first(row, "descriptionByte")
        budget = topic_budget(row, identifier)
    conditions_html = first(row, "topicConditions")
    description = html_to_text(description_html) if description_html else ""
    conditions = html_to_text(conditions_html) if conditions_html else ""
    opens_on = _day(first(row, "startDate"))
    deadlines = deadline_dates(row)
    model = first(row, "deadlineModel")
    status, next_deadline = derive_status(opens_on, deadlines, model, today)
    codes = values(row, "frameworkProgramme")
    programmes = [programme_label(code, facet_labels) for code in codes]
    words = keywords(row) + values(row, "tags")
    raw = {name: first(row, name) for name in ("descriptionByte", "description", "topicConditions") if first(row, name)}
    actions = [_collapse(v) for v in values(row, "typesOfAction")]
    identifiers = [identifier, first(row, "projectAcronym")] if cascade else [identifier]
    selection = municipal.select(codes, identifiers, [description, conditions, title])
    german = describe(
        programme_code=codes[0] if codes else "",
        programme_fallback=programmes[0] if programmes else "EU-Programm",
        identifiers=identifiers,
        cascade=cascade,
        project_acronym=first(row, "projectAcronym"),
        types_of_action=actions,
        deadline_model=model,
        deadlines=deadlines,
        opens_on=opens_on,
        budget=budget,
    )
    return {
        "natural_key": dedupe_key(row),
        "url": url,
        "kind": "call",
        "title": _collapse(title),
        "teaser_text": german,
        "description_text": description,
        "eligibility_text": conditions,
        "deadline_text": model,
        "keywords": ", ".join(dict.fromkeys(words + programmes)),
        "raw": raw,
        "level": "eu",
        "funder": "Europäische Kommission" + (f" – {programmes[0]}" if programmes else ""),
        "funding_types": ["zuschuss"],
        "funding_areas": selection.areas,
        "regions": ["eu"],
        "municipal_signals": selection.signals,
        "budget_eur": budget,
        "status": status,
        "opens_on": opens_on,
        "next_deadline": next_deadline,
        "last_deadline": deadlines[-1] if deadlines else None,
        "deadlines": [d.isoformat() for d in deadlines],
        "yearly_deadlines": [],  # EU cut-offs are dated; a new cut-off comes as a new date
        "next_window_expected": False,
        "closed": status == "closed",
        "attribution": ATTRIBUTION,
        "extra": {
            "identifier": identifier,
            "reference": str(row.get("reference") or ""),
            "type": kind,
            "call_identifier": first(row, "callIdentifier"),
            "call_title": first(row, "callTitle"),
            "parent_topic_title": first(row, "title") if cascade else "",
            "project_acronym": first(row, "projectAcronym"),
            "project_name": _collapse(first(row, "projectName")),
            "status_raw": first(row, "status"),
            "deadline_model": model,
            "programme_codes": codes,
            "programmes": programmes,
            "types_of_action": actions,
            "municipal_reasons": selection.reasons,
        },
    }

"""Programmes entered by hand: a JSON or CSV file that staff fill for what no spider covers.

Each row becomes an item of the source ``manual``, keyed by its URL, and goes through the same
ingest as crawled programmes, so it is shown, matched and revised like them. Bad rows are
reported with their line (CSV) or position (JSON) and skipped; the good rows are imported.

Columns (CSV header or JSON keys; lists separated by ``;`` in CSV):
    title*, url*, teaser, description, eligibility, funder, level (bund|land|eu|other), kind
    (programme|call|event), regions, eligible_applicants, funding_types, funding_areas, keywords,
    deadline (31.12.2026 or 2026-12-31), opens_on, deadline_text, funding_rate, status_note
(* required)

Every row is checked against the schema's limits before anything is stored (``store.limits``), so
SQLite and PostgreSQL import the same rows; a row with a too-long value, a CSV field longer than
``MAX_FIELD_CHARS`` or a URL already given in an earlier row is reported and skipped.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.deadline_status import deadline_fields
from core.deadlines import parse_deadlines, parse_german_date
from core.rates import funding_columns

SOURCE_KEY = "manual"
# The longest CSV field read (a long programme description is a few 10,000 characters); Python's
# csv module stops at 131,072 by default and then cannot go on with the rest of the file.
MAX_FIELD_CHARS = 1_000_000
COLUMNS = {
    "title",
    "url",
    "teaser",
    "description",
    "eligibility",
    "funder",
    "level",
    "kind",
    "regions",
    "eligible_applicants",
    "funding_types",
    "funding_areas",
    "keywords",
    "deadline",
    "opens_on",
    "deadline_text",
    "funding_rate",
    "status_note",
}
LIST_COLUMNS = ("regions", "eligible_applicants", "funding_types", "funding_areas")
LEVELS = ("bund", "land", "eu", "other")
KINDS = ("programme", "call", "event")


@dataclass
class ManualRows:
    items: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").replace(",", ";").split(";") if part.strip()]


def _as_date(value: Any, column: str) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        parsed = parse_german_date(text)
        if parsed is None:
            raise ValueError(
                f"Spalte {column}: {text!r} ist kein Datum (erwartet 31.12.2026 oder 2026-12-31)"
            ) from None
        return parsed


def row_to_item(row: dict[str, Any], today: date) -> dict[str, Any]:
    """Turn one row into an ingest item, or raise ValueError naming the column and problem."""
    unknown = sorted(set(row) - COLUMNS)
    if unknown:
        raise ValueError(f"unbekannte Spalten {unknown}")
    title = str(row.get("title") or "").strip()
    url = str(row.get("url") or "").strip()
    if not title:
        raise ValueError("Spalte title fehlt oder ist leer")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"Spalte url: {url!r} ist keine http(s)-Adresse")
    level = str(row.get("level") or "other").strip().lower()
    if level not in LEVELS:
        raise ValueError(f"Spalte level: {level!r} (erlaubt: {', '.join(LEVELS)})")
    kind = str(row.get("kind") or "programme").strip().lower()
    if kind not in KINDS:
        raise ValueError(f"Spalte kind: {kind!r} (erlaubt: {', '.join(KINDS)})")
    deadline = _as_date(row.get("deadline"), "deadline")
    opens_on = _as_date(row.get("opens_on"), "opens_on")
    deadline_text = str(row.get("deadline_text") or "").strip()
    status_note = str(row.get("status_note") or "").strip()
    # The deadline prose says what the date column cannot: yearly days, "laufend", a next window.
    read = parse_deadlines(deadline_text, today=today, status_note=status_note)
    dated = tuple(sorted(set(read.deadlines) | ({deadline} if deadline else set())))
    upcoming = [d for d in dated if d >= today] + ([read.next_deadline] if read.next_deadline else [])
    info = replace(
        read,
        deadlines=dated,
        opens_on=opens_on or read.opens_on,
        next_deadline=min(upcoming) if upcoming else None,
        last_deadline=dated[-1] if dated else None,
    )
    item = {
        "natural_key": url,
        "url": url,
        "title": title,
        "kind": kind,
        "level": level,
        "teaser_text": str(row.get("teaser") or "").strip(),
        "description_text": str(row.get("description") or "").strip(),
        "eligibility_text": str(row.get("eligibility") or "").strip(),
        "funder": str(row.get("funder") or "").strip(),
        "keywords": str(row.get("keywords") or "").strip(),
        "deadline_text": deadline_text,
        **funding_columns(str(row.get("funding_rate") or ""), str(row.get("description") or "")),
        "status_note": status_note,
        **deadline_fields(info, kind=kind, today=today),
        "attribution": "Von Hand erfasst durch das RVR-Team",
    }
    for column in LIST_COLUMNS:
        item[column] = _as_list(row.get(column))
    return item


def read_manual_file(path: Path, today: date) -> ManualRows:
    """Read a JSON (list of objects) or CSV file; raises ValueError if the file as a whole is unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: nicht lesbar ({exc})") from None
    result = ManualRows()
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: kein gültiges JSON (Zeile {exc.lineno}: {exc.msg})") from None
        if not isinstance(rows, list):
            raise ValueError(f"{path}: erwartet wird eine JSON-Liste von Programmen")
        numbered = [(f"Eintrag {i}", row) for i, row in enumerate(rows, start=1)]
    elif path.suffix.lower() == ".csv":
        with _csv_fields_of_any_size():
            reader = csv.DictReader(io.StringIO(text), delimiter=";" if text.split("\n", 1)[0].count(";") else ",")
            numbered = [(f"Zeile {reader.line_num}", row) for row in reader]
    else:
        raise ValueError(f"{path}: unbekanntes Format (erwartet .json oder .csv)")
    first_row_of: dict[str, str] = {}
    for where, row in numbered:
        try:
            if not isinstance(row, dict):
                raise ValueError("kein Objekt")
            _refuse_huge_fields(row)
            item = _checked(row_to_item({k: v for k, v in row.items() if k is not None}, today))
        except ValueError as exc:
            result.errors.append(f"{path.name}, {where}: {exc}")
            continue
        key = item["natural_key"]
        if key in first_row_of:
            result.errors.append(f"{path.name}, {where}: URL schon in {first_row_of[key]} angegeben (doppelt)")
            continue
        first_row_of[key] = where
        result.items.append(item)
    return result


def _refuse_huge_fields(row: dict[str, Any]) -> None:
    too_long = [str(name) for name, value in row.items() if isinstance(value, str) and len(value) > MAX_FIELD_CHARS]
    if too_long:
        limit = f"{MAX_FIELD_CHARS:_}".replace("_", ".")
        raise ValueError(f"Spalte {', '.join(too_long)} länger als {limit} Zeichen")


def _checked(item: dict[str, Any]) -> dict[str, Any]:
    """The item in the shape the store keeps, or ValueError naming every value that does not fit."""
    from store.ingest import ItemError, normalise_item

    try:
        return normalise_item(item)
    except ItemError as exc:
        raise ValueError(str(exc).split(": ", 1)[-1]) from None


@contextmanager
def _csv_fields_of_any_size() -> Iterator[None]:
    """Let the csv module read long fields (they are checked against ``MAX_FIELD_CHARS`` per row)."""
    previous = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(previous)

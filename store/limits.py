"""The schema's limits, checked in Python before a value reaches the database.

SQLite stores a 600-character string in a ``VARCHAR(512)`` column without a word; PostgreSQL
refuses it with a ``DataError`` that aborts the whole transaction. Both databases must give the same
result for the same input, so every writer of outside data (spider items, the programme import,
profile files) checks values against the limits read here from the models themselves, and reports
a too-long value as a skipped row. A source's natural key may legitimately be longer than the
column (the Förderdatenbank's document names): ``fit_key`` shortens it with a hash suffix that is
the same in every run, so the programme keeps its identity.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

INTEGER_RANGE = {sa.BigInteger: 2**63, sa.SmallInteger: 2**15, sa.Integer: 2**31}


@cache
def string_limits(model: type[SQLModel]) -> dict[str, int]:
    """Column name → the most characters it holds, for every length-limited string column
    (SQLModel's ``AutoString`` is a type decorator around ``String``, so its length is read directly)."""
    return {
        column.name: length
        for column in _table(model).columns
        if (length := getattr(column.type, "length", None)) and not isinstance(column.type, sa.LargeBinary)
    }


@cache
def integer_limits(model: type[SQLModel]) -> dict[str, int]:
    """Column name → the bound (exclusive, by absolute value) of every integer column."""
    limits = {}
    for column in _table(model).columns:
        for kind, bound in INTEGER_RANGE.items():  # BigInteger and SmallInteger subclass Integer: first match wins
            if isinstance(column.type, kind):
                limits[column.name] = bound
                break
    return limits


def column_limit(model: type[SQLModel], name: str) -> int:
    return string_limits(model)[name]


def limit_problems(model: type[SQLModel], values: dict[str, Any], *, skip: tuple[str, ...] = ()) -> list[str]:
    """German descriptions of every value that does not fit its column ("" when all fit)."""
    problems = []
    strings, integers = string_limits(model), integer_limits(model)
    for name, value in values.items():
        if name in skip or value is None:
            continue
        if name in strings and isinstance(value, str) and len(value) > strings[name]:
            problems.append(f"Feld {name}: {len(value)} Zeichen, höchstens {strings[name]} erlaubt")
        elif name in integers and isinstance(value, int) and not -integers[name] <= value < integers[name]:
            problems.append(f"Feld {name}: {value} liegt außerhalb des speicherbaren Bereichs")
    return problems


def fit_key(key: str, limit: int) -> str:
    """``key`` itself when it fits, else its start and a hash of the whole (stable across runs)."""
    if len(key) <= limit:
        return key
    suffix = "~" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return key[: limit - len(suffix)] + suffix


def _table(model: type[SQLModel]) -> sa.Table:
    """The table SQLModel builds for a ``table=True`` class (set at runtime, unknown to mypy)."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table

"""The review queue: proposed matches with filters, grouping and pagination.

The page is paginated (``PER_PAGE`` rows) and ordered on indexed columns
(``ix_match_state_score``), so it stays fast with tens of thousands of proposed matches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import String, cast, func, or_
from sqlmodel import Session, col, select

from core.cooperation import joint_application_sentence
from core.labels import GERMAN_FOLDS
from store.models import Match, MatchState, Member, Programme, row_id
from store.peers import peers_by_programme, peers_since
from web.deps import MAX_PAGE

PER_PAGE = 50
DEADLINE_CHOICES = {
    "14": "in 2 Wochen",
    "30": "in 30 Tagen",
    "56": "in 8 Wochen",
    "90": "in 3 Monaten",
    "none": "ohne Frist / laufend",
}
GROUP_CHOICES = {"member": "nach Mitglied", "programme": "nach Programm"}


class FilterError(ValueError):
    """A filter value that makes no sense; the message names the filter."""


@dataclass
class QueueFilters:
    source: str = ""
    min_score: float | None = None
    topic: str = ""
    deadline: str = ""
    level: str = ""
    q: str = ""
    group: str = "member"
    page: int = 1

    @classmethod
    def from_query(cls, params: dict[str, str]) -> QueueFilters:
        try:
            min_score = float(params["min_score"]) if params.get("min_score") else None
        except ValueError:
            raise FilterError(f"Mindestpassung {params['min_score']!r} ist keine Zahl.") from None
        try:
            page = max(1, int(params.get("page") or 1))
        except ValueError:
            raise FilterError(f"Seite {params['page']!r} ist keine Zahl.") from None
        if page > MAX_PAGE:
            raise FilterError(f"Seite {params['page']!r} gibt es nicht (höchstens {MAX_PAGE}).")
        deadline = params.get("deadline", "")
        if deadline and deadline not in DEADLINE_CHOICES:
            raise FilterError(f"Fristfilter {deadline!r} ist unbekannt.")
        group = params.get("group") or "member"
        if group not in GROUP_CHOICES:
            raise FilterError(f"Gruppierung {group!r} ist unbekannt.")
        return cls(
            source=params.get("source", ""),
            min_score=min_score,
            topic=params.get("topic", ""),
            deadline=deadline,
            level=params.get("level", ""),
            q=params.get("q", "").strip(),
            group=group,
            page=page,
        )

    def query_string(self, **overrides: Any) -> str:
        values = {
            "source": self.source,
            "min_score": "" if self.min_score is None else f"{self.min_score:g}",
            "topic": self.topic,
            "deadline": self.deadline,
            "level": self.level,
            "q": self.q,
            "group": self.group,
            "page": self.page,
            **overrides,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1) or k == "group"})


@dataclass
class QueueRow:
    match: Match
    programme: Programme
    member: Member
    peers: list[str] = field(default_factory=list)  # members that received the programme this week

    @property
    def fit(self) -> dict[str, Any]:
        """What ``fragments/member_fit.html`` shows: checks, own share, peers for joint applications."""
        return {
            "checks": [line.line() for line in self.match.explanation.conditions if line.outcome == "unknown"],
            "own_share": self.match.explanation.own_share,
            "joint": joint_application_sentence(self.programme),
            "peers": [name for name in self.peers if name != self.member.name],
        }


@dataclass
class QueuePage:
    filters: QueueFilters
    total: int
    rows: list[QueueRow]
    groups: list[tuple[str, list[QueueRow]]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))


def _filtered(statement, filters: QueueFilters, today: date):
    statement = statement.where(Match.state == MatchState.proposed)
    if filters.source:
        statement = statement.where(Programme.source_key == filters.source)
    if filters.level:
        statement = statement.where(Programme.level == filters.level)
    if filters.min_score is not None:
        statement = statement.where(Match.score >= filters.min_score)
    if filters.topic:
        statement = statement.where(cast(Programme.funding_areas, String).like(f'%"{filters.topic}"%'))
    if filters.deadline == "none":
        statement = statement.where(col(Programme.next_deadline).is_(None))
    elif filters.deadline:
        statement = statement.where(
            col(Programme.next_deadline).between(today, today + timedelta(days=int(filters.deadline)))
        )
    if filters.q:
        pattern = f"%{filters.q}%"
        statement = statement.where(
            or_(
                col(Programme.title).ilike(pattern),
                col(Member.name).ilike(pattern),
                col(Programme.funder).ilike(pattern),
            )
        )
    return statement


def german_order(column):
    """The SQL twin of ``core.labels.german_sort_key``: umlauts as their base letter, ß as "ss",
    case ignored, so "Bönen" sorts before "Breckerfeld" on SQLite and PostgreSQL alike."""
    folded = column
    for letter, base in GERMAN_FOLDS.items():
        folded = func.replace(folded, letter, base)
        if len(letter.upper()) == 1:  # "ß" has no one-letter capital
            folded = func.replace(folded, letter.upper(), base)
    return func.lower(folded)


def _joined(*columns):
    return (
        select(*columns)
        .select_from(Match)
        .join(Programme, Programme.id == Match.programme_id)
        .join(Member, Member.id == Match.member_id)
    )


def count_queue(session: Session, filters: QueueFilters, *, today: date) -> int:
    return session.exec(_filtered(_joined(func.count(col(Match.id))), filters, today)).one()


def load_queue(session: Session, filters: QueueFilters, *, today: date) -> QueuePage:
    """One page of the queue in two steps: sort and cut narrow id rows, then load the 50 full rows.

    Sorting only ids (instead of whole programme rows with their long texts) keeps deep pages cheap.
    """
    total = count_queue(session, filters, today=today)
    order: tuple[Any, ...]
    if filters.group == "programme":
        order = (Programme.title, Programme.id, col(Match.score).desc(), Match.id)
    else:
        order = (german_order(Member.name), Member.name, col(Match.score).desc(), Match.id)
    ids = list(
        session.exec(
            _filtered(_joined(Match.id), filters, today)
            .order_by(*order)
            .offset((filters.page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        ).all()
    )
    loaded = (
        {
            m.id: QueueRow(m, p, mem)
            for m, p, mem in session.exec(_joined(Match, Programme, Member).where(col(Match.id).in_(ids))).all()
        }
        if ids
        else {}
    )
    rows = [loaded[i] for i in ids]
    peers = peers_by_programme(session, {row_id(row.programme) for row in rows}, since=peers_since(today))
    for row in rows:
        row.peers = peers.get(row_id(row.programme), [])
    key = (lambda r: r.programme.title) if filters.group == "programme" else (lambda r: r.member.name)
    groups = [(name, list(items)) for name, items in groupby(rows, key=key)]
    return QueuePage(filters=filters, total=total, rows=rows, groups=groups)

"""The live preview of a member's edited profile: what the matcher would propose right now.

Runs the matcher's own ranking (``matcher.ranking``) on an unsaved ``ProfileQuery``; nothing is
stored. The programme index is cached per app and refitted only when the programmes change,
so typing in the form does not refit TF-IDF on every keystroke.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from matcher.index import ProgrammeIndex
from matcher.learning import collect_signals, learned_values
from matcher.ranking import Ranker, RankRequest
from matcher.run import open_programmes
from matcher.scoring import ProfileQuery
from profiles.schema import ProfileDoc
from store.models import Member, Programme

PREVIEW_ITEMS = 10


@dataclass
class PreviewItem:
    programme: Programme
    score: float
    explanation: dict
    above_threshold: bool


class IndexCache:
    """One fitted index per app, keyed on the programmes' count and last change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._index: ProgrammeIndex | None = None

    def get(self, session: Session) -> ProgrammeIndex | None:
        key = tuple(session.exec(select(func.count(Programme.id), func.max(Programme.updated_at))).one())
        with self._lock:
            if key != self._key:
                programmes = open_programmes(session)
                for programme in programmes:
                    session.expunge(programme)  # the cached index outlives this session
                self._index = ProgrammeIndex.fit(programmes) if programmes else None
                self._key = key
            return self._index


def preview(session: Session, cache: IndexCache, member: Member, doc: ProfileDoc, *, today: date) -> list[PreviewItem]:
    index = cache.get(session)
    if index is None:
        return []
    query = ProfileQuery(
        interests=doc.interests,
        keywords=doc.keywords,
        exclude=doc.exclude,
        topics=doc.topics,
        funding_types=doc.funding_types,
        min_score=doc.min_score,
        max_items=doc.max_items,
    )
    ranker = Ranker(index, today)
    request = RankRequest(member.kind, query, learned_values(index, collect_signals(session, member.id, today)))
    ranking = ranker.rank([request])[0]
    return [
        PreviewItem(
            index.programmes[row],
            float(round(ranking.scores[row], 1)),
            ranker.explain(ranking, request, row),
            bool(ranking.scores[row] >= query.min_score),
        )
        for row in ranking.rows[:PREVIEW_ITEMS]
    ]

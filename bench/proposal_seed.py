"""Bulk rows for the review benchmarks: members, programmes and proposed matches inserted in a few
statements, so seeding 10,000 proposals takes seconds. Shared by ``bench_review_queue.py`` and
``bench_programme_cards.py``; the benchmarks decide how many and which pairs."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from store.models import Match, Member, Programme, Source


def insert_members_and_programmes(
    session: Session, now: datetime, *, members: int, programmes: int, slug: str, programme: dict[str, Any]
) -> None:
    """``members`` kreisangehörige Gemeinden (slugs ``slug.format(i)``) and ``programmes`` federal
    Förderdatenbank programmes with the fields in ``programme`` (a callable value is called with the
    programme's number)."""
    session.add(Source(key="foerderdatenbank", name="Förderdatenbank des Bundes", level="bund"))
    session.flush()
    session.execute(
        insert(Member),
        [
            {
                "slug": slug.format(i),
                "name": f"Gemeinde {i:03d}",
                "kind": "kreisangehoerige_gemeinde",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(members)
        ],
    )
    session.execute(
        insert(Programme),
        [
            {
                "source_key": "foerderdatenbank",
                "natural_key": f"p{i}",
                "title": f"Förderprogramm {i:03d}",
                "level": "bund",
                "first_seen_at": now,
                "last_seen_at": now,
                "updated_at": now,
                **{name: value(i) if callable(value) else value for name, value in programme.items()},
            }
            for i in range(programmes)
        ],
    )
    session.flush()


def insert_proposals(
    session: Session, now: datetime, pairs: Iterable[tuple[int, int]], explanation: dict[str, Any]
) -> None:
    """One proposed match per (member id, programme id), scores drawn from a seeded generator."""
    rng = random.Random(7)
    session.execute(
        insert(Match),
        [
            {
                "member_id": member_id,
                "programme_id": programme_id,
                "score": round(rng.uniform(5, 95), 1),
                "state": "proposed",
                "explanation": explanation,
                "created_at": now,
                "updated_at": now,
            }
            for member_id, programme_id in pairs
        ],
    )

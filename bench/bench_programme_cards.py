"""Programme-first review benchmark: 58 members, 600 programmes, 10,000 proposals, 150 links.

Times, in-process on a real database, building one page of programme cards (first and last
page), deciding a programme for all its members in one ``bulk_decide`` and undoing it.
Prints median and max milliseconds of each step; asserts nothing.

    python bench/bench_programme_cards.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.proposal_seed import insert_members_and_programmes, insert_proposals  # noqa: E402
from store import curation  # noqa: E402
from store.db import create_all, make_engine  # noqa: E402
from store.models import Programme, ProgrammeLink  # noqa: E402
from store.types import utcnow  # noqa: E402
from web.programme_cards import group_proposal_ids, load_cards  # noqa: E402

MEMBERS, PROGRAMMES, PROPOSALS, LINKS, ROUNDS = 58, 600, 10_000, 150, 5


def seed(engine) -> None:
    create_all(engine)
    now, rng = utcnow(), random.Random(7)
    with Session(engine) as session:
        insert_members_and_programmes(
            session,
            now,
            members=MEMBERS,
            programmes=PROGRAMMES,
            slug="m{:03d}",
            programme={
                "teaser_text": "Gefördert werden Radwege. Antragsberechtigt sind Kommunen.",
                "funding_types": ["zuschuss"],
                "eligible_applicants": ["kommune"],
                "amount_max_eur": 200000.0,
            },
        )
        pairs = {(m, p) for m in range(1, MEMBERS + 1) for p in range(1, 11)}  # ten programmes for (almost) all
        while len(pairs) < PROPOSALS:
            pairs.add((rng.randint(1, MEMBERS), rng.randint(11, PROGRAMMES)))
        insert_proposals(session, now, sorted(pairs), {"summary": "Passt zu Ihren Interessen: Radverkehr"})
        session.execute(
            insert(ProgrammeLink),
            [
                {
                    "programme_id": 2 * i + 1,
                    "other_id": 2 * i + 2,
                    "method": "rule",
                    "linked": True,
                    "reason": "gleicher Titel",
                    "created_at": now,
                }
                for i in range(LINKS)
            ],
        )
        session.commit()


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(args.database_url or f"sqlite:///{tmp}/bench.sqlite3")
        seed(engine)
        today = date.today()
        figures: dict[str, list[float]] = {}
        with Session(engine) as session:
            last_page = 1 + (len(session.exec(select(Programme.id)).all()) - 1) // 20
            for _ in range(ROUNDS):
                figures.setdefault("cards page 1", []).append(
                    timed(lambda: load_cards(session, today=today, max_chars=600, page=1))
                )
                figures.setdefault(f"cards page {last_page}", []).append(
                    timed(lambda: load_cards(session, today=today, max_chars=600, page=last_page))
                )
            counts = []
            for _ in range(ROUNDS):
                ids = group_proposal_ids(session, 1)
                counts.append(len(ids))
                start = time.perf_counter()
                result = curation.bulk_decide(
                    session, ids, approve=False, actor="bench@rvr.ruhr", reason="topic", programme_id=1
                )
                session.commit()
                figures.setdefault("reject for all", []).append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                curation.undo_bulk(session, result.audit_id, actor="bench@rvr.ruhr")
                session.commit()
                figures.setdefault("undo", []).append((time.perf_counter() - start) * 1000)
            print(f"{MEMBERS} Mitglieder, {PROGRAMMES} Programme, {PROPOSALS} Vorschläge, {LINKS} Verknüpfungen")
            print(f"Programm 1 mit Verknüpfung: {counts[0]} Vorschläge in einer Aktion")
            for name, values in figures.items():
                print(f"{name:>18}: Median {statistics.median(values):7.1f} ms, Max {max(values):7.1f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()

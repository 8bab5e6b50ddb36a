"""Drift you can see: the structure a source showed in a run, compared with its last good run.

A site that renames one heading does not fail: the spider just stops filling one field. So every
spider notes, per kind of unit it reads (a programme page, a SEDIA row of a type, an export
document), which of the headings, selectors or keys it relies on matched there
(``Fingerprint.unit``). At the end of the run the store pipeline stores that fingerprint with the
run (``SourceFingerprint``) and compares it with the one of the source's last successful run: a key
that at least half the units had and that now matches on clearly fewer of them is an alarm naming
it, e.g. "Strukturänderung bei Programmseite: „Wer kann beantragen?“ auf 1 von 2 gefunden (letzter
guter Lauf 7: 2 von 2)". The alarm is logged for the operator (stderr) and shown on the health
page; like every alarm it keeps the run from being trusted, so it removes nothing. It stays until
the structure matches again, e.g. once the spider knows the new heading as an alias.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from store.models import CrawlRun, RunStatus, SourceFingerprint

log = logging.getLogger(__name__)

# A key the source delivered on at least this share of the units is watched ...
MIN_WATCHED_SHARE = 0.5
# ... and raises an alarm when its share falls below this part of what it was.
MIN_KEPT_PART = 0.75


class Fingerprint:
    """Counts, per group of units, how many units were read and how many matched each key."""

    def __init__(self) -> None:
        self.groups: dict[str, dict[str, Any]] = {}

    def unit(self, group: str, matched: Iterable[str]) -> None:
        entry = self.groups.setdefault(group, {"units": 0, "keys": {}})
        entry["units"] += 1
        for key in dict.fromkeys(matched):
            entry["keys"][key] = entry["keys"].get(key, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            group: {"units": e["units"], "keys": dict(sorted(e["keys"].items()))} for group, e in self.groups.items()
        }


def drift_alarms(baseline: dict[str, Any], current: dict[str, Any], baseline_run: int) -> list[str]:
    """Alarms for the watched keys of ``baseline`` that ``current`` matches on clearly fewer units."""
    alarms = []
    for group, before in baseline.items():
        now = current.get(group)
        if not now or not now["units"] or not before["units"]:
            continue  # a group not read at all is the business of the other alarms (0 items, errors)
        for key, count in before["keys"].items():
            share = count / before["units"]
            found = now["keys"].get(key, 0)
            if share >= MIN_WATCHED_SHARE and found / now["units"] < share * MIN_KEPT_PART:
                alarms.append(
                    f"Strukturänderung bei {group}: „{key}“ auf {found} von {now['units']} gefunden "
                    f"(letzter guter Lauf {baseline_run}: {count} von {before['units']})"
                )
    return alarms


def last_good(session: Session, source_key: str, before_run: int) -> SourceFingerprint | None:
    """The fingerprint of the source's last successful run before ``before_run``."""
    return session.exec(
        select(SourceFingerprint)
        .join(CrawlRun, col(CrawlRun.id) == col(SourceFingerprint.crawl_run_id))
        .where(
            SourceFingerprint.source_key == source_key,
            CrawlRun.status == RunStatus.success,
            col(SourceFingerprint.crawl_run_id) < before_run,
        )
        .order_by(col(SourceFingerprint.crawl_run_id).desc())
        .limit(1)
    ).first()


def check(engine: Engine, run_id: int, source_key: str, fingerprint: Fingerprint) -> list[str]:
    """The run's drift alarms against the source's last good run (logged for the operator).

    Only reads, so it can run while the run's own ingest still holds a write transaction.
    """
    with Session(engine) as session:
        baseline = last_good(session, source_key, run_id)
        alarms = drift_alarms(baseline.groups, fingerprint.as_dict(), baseline.crawl_run_id) if baseline else []
    for alarm in alarms:
        log.warning("%s (Lauf %s): %s", source_key, run_id, alarm)
    return alarms


def record(engine: Engine, run_id: int, source_key: str, fingerprint: Fingerprint) -> None:
    """Store the run's fingerprint (after the run is finished and its ingest committed)."""
    with Session(engine) as session:
        session.add(SourceFingerprint(crawl_run_id=run_id, source_key=source_key, groups=fingerprint.as_dict()))
        session.commit()


def fingerprint_of(session: Session, run_id: int) -> dict[str, Any] | None:
    row = session.get(SourceFingerprint, run_id)
    return row.groups if row else None

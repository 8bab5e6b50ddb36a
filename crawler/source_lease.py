"""One crawl per source at a time, and runs whose process died marked ``aborted``.

Every crawl (``foerderradar crawl``, ``crawl --all``, ``run-weekly`` and the scheduler, which all
end in ``crawler.runner.run_crawls``) first leases its sources in the database (``store.leases``).
A second crawl of a busy source is refused with ``SourceBusy``. While the crawl runs, the lease is
renewed every minute; a crawl killed with ``kill -9`` stops renewing, and its lease runs out (or is
taken over at once when its process on this machine is gone). Whoever takes the lease next finds
that source's runs still ``running`` and marks them ``aborted``: with the lease held, no live
process can be writing them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from store.leases import acquire_lease, lease_holder, release_lease, renew_lease
from store.models import CrawlRun, RunStatus
from store.types import utcnow

LEASE = timedelta(minutes=10)  # a crawl that stopped renewing for this long is taken to be dead
RENEW_EVERY_SECONDS = 60


class SourceBusy(RuntimeError):
    """Another crawl holds the source."""

    def __init__(self, source_key: str, holder: str, since: datetime | None):
        when = since.strftime("%d.%m.%Y %H:%M UTC") if since else "unbekannt"
        super().__init__(
            f"Die Quelle {source_key} wird gerade von einem anderen Crawl gelesen (Prozess {holder}, seit {when}). "
            "Versuchen Sie es nach dessen Ende erneut."
        )
        self.source_key = source_key


def lease_name(source_key: str) -> str:
    return f"crawl:{source_key}"


def take_sources(engine: Engine, keys: list[str], holder: str) -> list[int]:
    """Lease every source in ``keys`` or none (``SourceBusy``); returns the ids of runs marked aborted."""
    taken: list[str] = []
    for key in keys:
        if not acquire_lease(engine, lease_name(key), holder, LEASE):
            for done in taken:
                release_lease(engine, lease_name(done), holder)
            current = lease_holder(engine, lease_name(key))
            raise SourceBusy(key, current.holder if current else "?", current.acquired_at if current else None)
        taken.append(key)
    return abort_orphaned_runs(engine, keys)


def abort_orphaned_runs(engine: Engine, keys: list[str]) -> list[int]:
    """Mark the leased sources' runs still ``running`` as aborted (their process is gone)."""
    now = utcnow()
    with Session(engine) as session:
        found = session.exec(
            select(CrawlRun.id).where(col(CrawlRun.source_key).in_(keys), CrawlRun.status == RunStatus.running)
        ).all()
        ids = [run_id for run_id in found if run_id is not None]  # a primary key: never NULL
        if ids:
            session.execute(
                update(CrawlRun)
                .where(col(CrawlRun.id).in_(ids), col(CrawlRun.status) == RunStatus.running)
                .values(
                    status=RunStatus.aborted,
                    finished_at=now,
                    error="Abgebrochen: der Prozess dieses Laufs endete, bevor er fertig war.",
                )
            )
            session.commit()
    return ids


def renew_sources(engine: Engine, keys: list[str], holder: str) -> None:
    for key in keys:
        renew_lease(engine, lease_name(key), holder, LEASE)


def release_sources(engine: Engine, keys: list[str], holder: str) -> None:
    for key in keys:
        release_lease(engine, lease_name(key), holder)

"""Leases in the database (``JobLock``): one holder at a time for a named piece of work.

The scheduler leases each firing of a job; crawls lease their source, so that a manual crawl, a
``crawl --all`` and the scheduler's Sunday crawl never write the same source at once. A lease runs
out at ``expires_at`` unless its holder renews it; a lease held by a process of this machine that no
longer exists is taken over at once (``core.liveness``). A holder prefixed ``done:`` marks a
scheduler firing that completed and must never run again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import delete, update
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from core.liveness import is_dead_local_process
from store.models import JobLock
from store.types import utcnow

DONE = "done:"


def acquire_lease(engine: Engine, name: str, holder: str, lease: timedelta) -> bool:
    """Take the lease ``name`` for ``lease`` unless a live holder has it (or it is done). True if taken."""
    now = utcnow()
    with Session(engine) as session:
        try:
            session.add(JobLock(name=name, holder=holder, acquired_at=now, expires_at=now + lease))
            session.commit()
            return True
        except IntegrityError:
            session.rollback()
        current = session.get(JobLock, name)
        if current is None or current.holder.startswith(DONE):
            return False
        # A lease without an end is treated as run out.
        if current.expires_at is not None and current.expires_at > now and not is_dead_local_process(current.holder):
            return False
        taken = cast(
            CursorResult[Any],
            session.execute(
                update(JobLock)
                .where(col(JobLock.name) == name, col(JobLock.holder) == current.holder)
                .values(holder=holder, acquired_at=now, expires_at=now + lease)
            ),
        )
        session.commit()
        return taken.rowcount == 1


def lease_holder(engine: Engine, name: str) -> JobLock | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.get(JobLock, name)


def renew_lease(engine: Engine, name: str, holder: str, lease: timedelta) -> bool:
    """Push the lease's end out again (the holder's heartbeat); False if the holder lost it."""
    with Session(engine) as session:
        result = cast(
            CursorResult[Any],
            session.execute(
                update(JobLock)
                .where(col(JobLock.name) == name, col(JobLock.holder) == holder)
                .values(expires_at=utcnow() + lease)
            ),
        )
        session.commit()
        return result.rowcount == 1


def release_lease(engine: Engine, name: str, holder: str) -> None:
    with Session(engine) as session:
        session.execute(delete(JobLock).where(col(JobLock.name) == name, col(JobLock.holder) == holder))
        session.commit()

"""Rate limits for staff logins and magic-link requests, kept in the database.

The state lives in ``RateLimitState`` so that every web worker (and every machine on the same
database) shares one limit; each change is one atomic upsert. Two kinds of limit:

- ``Window``: at most ``limit`` requests per ``seconds`` (magic-link requests: each one costs a mail).
- ``Backoff``: failures only. The first ``free`` failures cost nothing; every further one makes the
  next attempt wait twice as long as the one before, up to ``max_seconds``. A success clears it.
  Staff logins are limited per account *and address*, per address and (with a short maximum wait)
  per account: someone guessing from elsewhere slows the real user down by seconds, never locks
  them out for a quarter of an hour.

Keys are the limit's name and a hash of the address or e-mail, so the table holds no addresses.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import HTTPException, Request
from sqlalchemy import Table, case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from store.models import RateLimitState
from store.types import utcnow

FORGET_AFTER = timedelta(days=1)  # rows untouched this long are deleted
STATE: Table = RateLimitState.__table__  # type: ignore[attr-defined]  # SQLModel declares it at runtime


@dataclass(frozen=True)
class Window:
    name: str
    limit: int
    seconds: int


@dataclass(frozen=True)
class Backoff:
    name: str
    free: int  # failures without any wait
    base_seconds: int  # wait after the first failure beyond ``free``
    max_seconds: int
    forget_seconds: int  # failures older than this (since the last one) no longer count

    def delay(self, failures: int) -> int:
        if failures <= self.free:
            return 0
        return min(self.max_seconds, self.base_seconds * 2 ** min(failures - self.free - 1, 32))


MAGIC_LINK_PER_ADDRESS = Window("link-ip", limit=5, seconds=15 * 60)
MAGIC_LINK_PER_EMAIL = Window("link-email", limit=5, seconds=15 * 60)
LOGIN_PER_ACCOUNT_AND_ADDRESS = Backoff(
    "login-account-ip", free=5, base_seconds=2, max_seconds=15 * 60, forget_seconds=60 * 60
)
LOGIN_PER_ADDRESS = Backoff("login-ip", free=20, base_seconds=2, max_seconds=15 * 60, forget_seconds=60 * 60)
LOGIN_PER_ACCOUNT = Backoff("login-account", free=20, base_seconds=1, max_seconds=60, forget_seconds=60 * 60)


def _key(name: str, value: str) -> str:
    return f"{name}:{hashlib.sha256(value.encode()).hexdigest()}"


def too_many(wait_seconds: float) -> HTTPException:
    """The 429 answer, telling people how long to wait."""
    seconds = max(1, math.ceil(wait_seconds))
    when = f"{seconds} Sekunden" if seconds < 120 else f"{math.ceil(seconds / 60)} Minuten"
    return HTTPException(
        429,
        f"Zu viele Versuche in kurzer Zeit. Bitte warten Sie {when} und versuchen Sie es dann erneut.",
        headers={"Retry-After": str(seconds)},
    )


class RateLimits:
    """The limits of one app; ``clock`` can be replaced (tests move time instead of sleeping)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert

    # ------------------------------------------------------------------------------ windows

    def hit(self, window: Window, value: str) -> float:
        """Count a request; the seconds to wait when it is over the limit, else 0."""
        now = self.clock()
        started = now - timedelta(seconds=window.seconds)
        table = STATE
        expired = table.c.window_started_at <= started
        now_value = literal(now, table.c.window_started_at.type)
        statement = (
            self._insert(table)
            .values(key=_key(window.name, value), count=1, window_started_at=now, updated_at=now)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((expired, 1), else_=table.c.count + 1),
                    "window_started_at": case((expired, now_value), else_=table.c.window_started_at),
                    "updated_at": now,
                },
            )
            .returning(table.c.count, table.c.window_started_at)
        )
        with self.engine.begin() as connection:
            row = connection.execute(statement).one()
            count: int = row[0]
            window_started_at: datetime = row[1]
            _forget_old(connection, now)
        if count <= window.limit:
            return 0
        return (window_started_at + timedelta(seconds=window.seconds) - now).total_seconds()

    def check_hits(self, *hits: tuple[Window, str]) -> None:
        """Count the request against every window; 429 when any of them is over its limit."""
        waits = [self.hit(window, value) for window, value in hits]
        if max(waits) > 0:
            raise too_many(max(waits))

    # ------------------------------------------------------------------------------ backoffs

    def wait(self, backoff: Backoff, value: str) -> float:
        """Seconds before the next attempt is allowed (0: go ahead)."""
        table = STATE
        with self.engine.connect() as connection:
            blocked_until = connection.execute(
                select(table.c.blocked_until).where(table.c.key == _key(backoff.name, value))
            ).scalar()
        if blocked_until is None:
            return 0
        return max(0.0, (blocked_until - self.clock()).total_seconds())

    def check_waits(self, *waits: tuple[Backoff, str]) -> None:
        longest = max(self.wait(backoff, value) for backoff, value in waits)
        if longest > 0:
            raise too_many(longest)

    def fail(self, backoff: Backoff, value: str) -> None:
        """Record a failure; beyond the free ones, the next attempt has to wait."""
        now = self.clock()
        table = STATE
        key = _key(backoff.name, value)
        forgotten = table.c.updated_at <= now - timedelta(seconds=backoff.forget_seconds)
        now_value = literal(now, table.c.window_started_at.type)
        statement = (
            self._insert(table)
            .values(key=key, count=1, window_started_at=now, updated_at=now)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((forgotten, 1), else_=table.c.count + 1),
                    "window_started_at": case((forgotten, now_value), else_=table.c.window_started_at),
                    "updated_at": now,
                },
            )
            .returning(table.c.count)
        )
        with self.engine.begin() as connection:
            failures: int = connection.execute(statement).scalar_one()
            _forget_old(connection, now)
            delay = backoff.delay(failures)
            if delay:
                connection.execute(
                    update(table).where(table.c.key == key).values(blocked_until=now + timedelta(seconds=delay))
                )

    def succeed(self, backoff: Backoff, value: str) -> None:
        """A success: earlier failures under this key no longer count."""
        table = STATE
        with self.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.key == _key(backoff.name, value)))


def _forget_old(connection: Connection, now: datetime) -> None:
    """Rows untouched for a day hold nothing that still limits anyone."""
    table = STATE
    connection.execute(delete(table).where(table.c.updated_at < now - FORGET_AFTER))


def check_login_allowed(request: Request, email: str) -> None:
    """429 before the password is even checked when this login has to wait."""
    ip, account = client_ip(request), email.strip().lower()
    request.app.state.rate_limits.check_waits(
        (LOGIN_PER_ACCOUNT_AND_ADDRESS, f"{account}|{ip}"), (LOGIN_PER_ADDRESS, ip), (LOGIN_PER_ACCOUNT, account)
    )


def record_login(request: Request, email: str, *, succeeded: bool) -> None:
    """Only failures count; a success clears the failures of the account (the address keeps its own)."""
    limits: RateLimits = request.app.state.rate_limits
    ip, account = client_ip(request), email.strip().lower()
    if succeeded:
        limits.succeed(LOGIN_PER_ACCOUNT_AND_ADDRESS, f"{account}|{ip}")
        limits.succeed(LOGIN_PER_ACCOUNT, account)
        return
    limits.fail(LOGIN_PER_ACCOUNT_AND_ADDRESS, f"{account}|{ip}")
    limits.fail(LOGIN_PER_ADDRESS, ip)
    limits.fail(LOGIN_PER_ACCOUNT, account)


def check_magic_link_allowed(request: Request, email: str) -> None:
    request.app.state.rate_limits.check_hits(
        (MAGIC_LINK_PER_ADDRESS, client_ip(request)), (MAGIC_LINK_PER_EMAIL, email.strip().lower())
    )


def client_ip(request: Request) -> str:
    """The key of a client for the limits (uvicorn resolves proxy headers when told to)."""
    return request.client.host if request.client else "unknown"


def check_reactivation_allowed(request: Request, recipient_id: int) -> None:
    """Reactivation links for one address at most as often as login links for it."""
    request.app.state.rate_limits.check_hits((MAGIC_LINK_PER_EMAIL, f"reactivate:{recipient_id}"))

"""Rate limits on staff login and magic-link requests, kept in the database.

Only failed logins count; failures slow the next attempt down with a growing wait instead of a
15-minute lock-out; a guesser at another address does not lock the real user out; all workers
on one database share the limits (two app instances here). Time is moved with the limiter's
clock instead of sleeping.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from store.models import RateLimitState
from store.types import utcnow
from web.app import create_app
from web.ratelimit import LOGIN_PER_ACCOUNT, LOGIN_PER_ACCOUNT_AND_ADDRESS


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(app) -> Clock:
    app.state.rate_limits.clock = clock = Clock()
    return clock


PASSWORD = "ein-langes-testpasswort"  # the staff password of the test world (conftest)


def attempt(client, password: str, email: str = "kurator@rvr.ruhr"):
    client.page("/staff/login")
    return client.submit("/staff/login", {"email": email, "password": password})


def test_successful_logins_do_not_count(app, clock, browser_at):
    client = browser_at(app, "192.0.2.1")
    statuses = [attempt(client, PASSWORD).status_code for _ in range(12)]  # the old limit was 10 of any kind
    assert statuses == [303] * 12


def test_failures_make_the_next_attempt_wait_longer_and_longer(app, clock, browser_at):
    client = browser_at(app, "192.0.2.2")
    free = LOGIN_PER_ACCOUNT_AND_ADDRESS.free
    assert [attempt(client, "falsch").status_code for _ in range(free)] == [400] * free
    waits = []
    for _ in range(3):
        assert attempt(client, "falsch").status_code == 400  # checked, wrong, and now the wait grows
        blocked = attempt(client, PASSWORD)  # even the right password has to wait its turn
        assert blocked.status_code == 429 and "Zu viele Versuche" in blocked.text
        waits.append(int(blocked.headers["Retry-After"]))
        clock.advance(waits[-1])
    assert waits == [2, 4, 8]
    assert attempt(client, PASSWORD).status_code == 303  # after the wait the right password works
    assert attempt(client, "falsch").status_code == 400  # and the failures start from zero again


def test_a_guesser_elsewhere_does_not_lock_the_real_user_out(app, clock, browser_at):
    guesser = browser_at(app, "198.51.100.7")
    failures = 0
    while failures < LOGIN_PER_ACCOUNT_AND_ADDRESS.free + 4:  # a patient guesser, waiting each time
        response = attempt(guesser, "falsch")
        if response.status_code == 429:
            clock.advance(int(response.headers["Retry-After"]))
        else:
            failures += 1
    blocked = attempt(guesser, "falsch")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) == 16
    assert attempt(browser_at(app, "192.0.2.3"), PASSWORD).status_code == 303  # the real user, at the office


def test_guessing_from_many_addresses_slows_the_account_down_by_seconds_only(app, clock, browser_at):
    failures, waits = 0, []
    while failures < LOGIN_PER_ACCOUNT.free + 7:  # every guess from a new address, waiting when told to
        response = attempt(browser_at(app, f"203.0.113.{failures}"), "falsch")
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock.advance(waits[-1])
        else:
            failures += 1
    assert waits == [1, 2, 4, 8, 16, 32]
    real_user = browser_at(app, "192.0.2.4")
    blocked = attempt(real_user, PASSWORD)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) == LOGIN_PER_ACCOUNT.max_seconds
    clock.advance(LOGIN_PER_ACCOUNT.max_seconds)
    assert attempt(real_user, PASSWORD).status_code == 303


def test_magic_link_requests_are_limited(anonymous, outbox):
    anonymous.page("/member/login")
    statuses = [anonymous.submit("/member/login", {"email": "kaemmerei@schermbeck.de"}).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert len(outbox()) == 5


def test_two_app_instances_share_the_limits(app, settings_env, engine, browser_at):
    """Two workers on one database: together they allow the limit once, not twice."""
    other = create_app(settings_env)
    try:
        first, second = browser_at(app, "192.0.2.9"), browser_at(other, "192.0.2.9")
        first.page("/member/login")
        second.page("/member/login")
        statuses = [
            (first if n % 2 else second).submit("/member/login", {"email": "bauamt@selm.de"}).status_code
            for n in range(6)
        ]
        assert statuses == [200] * 5 + [429]

        for _ in range(LOGIN_PER_ACCOUNT_AND_ADDRESS.free + 1):
            assert attempt(first, "falsch").status_code == 400
        assert attempt(second, PASSWORD).status_code == 429  # the failures seen by one worker slow down both
    finally:
        other.state.engine.dispose()
    with Session(engine) as session:
        keys = session.exec(select(RateLimitState.key)).all()
    assert keys and not any("@" in key or "192.0.2" in key for key in keys)  # only hashes are stored


def test_old_rows_are_forgotten(app, clock, engine):
    limits = app.state.rate_limits
    limits.fail(LOGIN_PER_ACCOUNT, "alt@rvr.ruhr")
    clock.advance(2 * 24 * 3600)
    limits.fail(LOGIN_PER_ACCOUNT, "neu@rvr.ruhr")
    with Session(engine) as session:
        assert len(session.exec(select(RateLimitState)).all()) == 1

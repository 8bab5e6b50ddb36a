"""Rate limits on staff login and magic-link requests (in-process window per app)."""

from __future__ import annotations

from web.ratelimit import RateLimiter


def test_staff_login_is_limited_per_address(app, anonymous):
    assert app.state.rate_limits.login.limit == 10
    app.state.rate_limits.login = RateLimiter(limit=3, window_seconds=900)  # fewer slow argon2 checks
    statuses = []
    for _ in range(4):
        anonymous.page("/staff/login")
        statuses.append(
            anonymous.submit("/staff/login", {"email": "kurator@rvr.ruhr", "password": "falsch"}).status_code
        )
    assert statuses == [400, 400, 400, 429]
    anonymous.page("/staff/login")
    blocked = anonymous.submit("/staff/login", {"email": "kurator@rvr.ruhr", "password": "ein-langes-testpasswort"})
    assert blocked.status_code == 429 and "Zu viele Versuche" in blocked.text
    assert blocked.headers["Retry-After"]


def test_magic_link_requests_are_limited(anonymous, outbox):
    anonymous.page("/member/login")
    statuses = [anonymous.submit("/member/login", {"email": "kaemmerei@schermbeck.de"}).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert len(outbox()) == 5


def test_limits_belong_to_one_app(app, settings_env, world):
    from web.app import create_app

    other = create_app(settings_env)
    for _ in range(5):
        assert app.state.rate_limits.magic_link.hit("k")
    assert not app.state.rate_limits.magic_link.hit("k")
    assert other.state.rate_limits.magic_link.hit("k")
    other.state.engine.dispose()

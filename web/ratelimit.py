"""Rate limits for login and magic-link requests.

An in-process sliding window: enough for the single web process the RVR runs
(``FOERDERRADAR_WEB_WORKERS=1``). With several workers each keeps its own window, so the
effective limit is multiplied by the number of workers; the docs say so.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request


class RateLimiter:
    """At most ``limit`` hits per ``window_seconds`` for each key."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> bool:
        """Record a hit; False when the key is over its limit (the hit is then not counted)."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def check(self, *keys: str) -> None:
        """Raise 429 with a message for people when any of the keys is over its limit."""
        for key in keys:
            if not self.hit(key):
                raise HTTPException(
                    429,
                    "Zu viele Versuche in kurzer Zeit. "
                    "Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.",
                    headers={"Retry-After": str(int(self.window))},
                )


class RateLimits:
    """The limits of one app instance (so tests and apps never share counters)."""

    def __init__(self) -> None:
        self.login = RateLimiter(limit=10, window_seconds=15 * 60)
        self.magic_link = RateLimiter(limit=5, window_seconds=15 * 60)


def client_ip(request: Request) -> str:
    """The key of a client for the limits (uvicorn resolves proxy headers when told to)."""
    return request.client.host if request.client else "unknown"

"""When to try a mail again after a temporary failure, and when to stop trying in this run.

Three kinds of temporary failure are told apart, because each blocks something different:
- the *recipient* (a 4xx for one address, e.g. greylisting or a full mailbox): that send waits
  with a stored ``next_attempt_at`` that doubles with every attempt; the batch goes on;
- the *receiving domain* (several recipients of one domain failing temporarily in one run): the
  domain's remaining sends of this run wait until the same time without being tried, so one
  member's broken mail server neither slows the batch nor is hammered;
- the *mail server or connection* (refused, dropped, timed out, 421): it is not the recipient's
  fault, so no back-off is stored; after a few such failures in a row the run stops and leaves the
  rest queued for the next run.
Sends are taken fewest attempts first, so the same failing recipients never stand in front of the
others in a later run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mailer.transports import DeliveryError

FIRST_RETRY_MINUTES = 15  # the first wait after a 4xx; doubles with every further attempt
LONGEST_RETRY_MINUTES = 12 * 60
DOMAIN_FAILURES_BEFORE_BACKOFF = 2  # temporary failures of one domain in one run
CONNECTION_FAILURES_BEFORE_STOP = 3  # in a row: the server is down, the next run resumes


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (1 → 15 min, 2 → 30 min, … at most 12 h)."""
    minutes = FIRST_RETRY_MINUTES * 2 ** max(0, min(attempts, 16) - 1)
    return timedelta(minutes=min(minutes, LONGEST_RETRY_MINUTES))


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


@dataclass
class RunBackoff:
    """What one delivery run has learnt about failing domains and the server so far."""

    domain_failures: dict[str, int] = field(default_factory=dict)
    domain_wait_until: dict[str, datetime] = field(default_factory=dict)
    connection_failures_in_a_row: int = 0

    @property
    def server_down(self) -> bool:
        return self.connection_failures_in_a_row >= CONNECTION_FAILURES_BEFORE_STOP

    def domain_blocked_until(self, address: str) -> datetime | None:
        return self.domain_wait_until.get(domain_of(address))

    def delivered(self) -> None:
        self.connection_failures_in_a_row = 0

    def failed(self, error: DeliveryError, address: str, attempts: int, now: datetime) -> datetime | None:
        """Record a temporary failure; returns the stored next attempt time for this send (None:
        due again at once, the server rather than the recipient failed)."""
        if error.connection:
            self.connection_failures_in_a_row += 1
            return None
        self.connection_failures_in_a_row = 0
        wait_until = now + retry_delay(attempts)
        domain = domain_of(address)
        self.domain_failures[domain] = self.domain_failures.get(domain, 0) + 1
        if self.domain_failures[domain] >= DOMAIN_FAILURES_BEFORE_BACKOFF:
            self.domain_wait_until[domain] = max(wait_until, self.domain_wait_until.get(domain, wait_until))
        return wait_until

"""Source health: contract checks of a run beyond the item count, and the state of every source.

A source that silently changes its shape or starts leaving fields empty must not look like
"nothing new". Spiders check the *shape* of what they read (``missing_keys``); the
``HealthPipeline`` checks the *items* (share without title, link or — for calls — a deadline)
and adds alarms to the spider before the store pipeline closes the run, so an alarmed run is
never trusted and removes nothing. ``source_health`` summarises the last runs for the CLI, the
staff page and the digest footer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.crawler import Crawler
from sqlmodel import Session, col, func, select
from twisted.python.failure import Failure

from store.models import CrawlRun, Programme, RunStatus

if TYPE_CHECKING:
    from crawler.spiders.base import SourceSpider

# Above this share of items without a key field the run is alarmed.
MAX_MISSING_SHARE = 0.2

# Any of these tells a reader when (or whether) to apply; a call without any lacks its deadline.
_DEADLINE_FACTS = ("next_deadline", "last_deadline", "deadlines", "yearly_deadlines", "rolling", "next_window_expected")
_FIELD_NAMES = {"title": "Titel", "url": "Link", "deadline": "Frist"}


def missing_keys(payload: Any, required: Iterable[str]) -> list[str]:
    """The required keys a JSON object lacks (all of them if it is not an object)."""
    required = list(required)
    if not isinstance(payload, Mapping):
        return required
    return [key for key in required if key not in payload]


def failure_reason(failure: Failure) -> str:
    """A download failure in words: the HTTP status when there was a response, else the error."""
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return failure.getErrorMessage() or str(getattr(failure.type, "__name__", "Fehler"))


def shape_alarm(what: str, missing: list[str]) -> str:
    return f"Unerwartete Struktur bei {what}: es fehlen {', '.join(missing)}"


@dataclass
class FieldCoverage:
    """Counts items and the key fields they lack."""

    items: int = 0
    calls: int = 0
    missing: dict[str, int] = field(default_factory=lambda: {"title": 0, "url": 0, "deadline": 0})

    def observe(self, item: Mapping[str, Any]) -> None:
        self.items += 1
        if not str(item.get("title") or "").strip():
            self.missing["title"] += 1
        if not str(item.get("url") or "").strip():
            self.missing["url"] += 1
        if item.get("kind") == "call":
            self.calls += 1
            if not any(item.get(name) for name in _DEADLINE_FACTS):
                self.missing["deadline"] += 1

    def alarms(self) -> list[str]:
        found = []
        for name, count in self.missing.items():
            base = self.calls if name == "deadline" else self.items
            if base and count / base > MAX_MISSING_SHARE:
                scope = "Aufrufe" if name == "deadline" else "Einträge"
                found.append(
                    f"{round(100 * count / base)} % der {scope} ohne {_FIELD_NAMES[name]} ({count} von {base})"
                )
        return found


class HealthPipeline:
    """Observes every item; when the spider goes idle, turns the coverage into run alarms."""

    def __init__(self) -> None:
        self.coverage = FieldCoverage()
        self._added: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthPipeline:
        pipeline = cls()
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle, weak=False)
        return pipeline

    def process_item(self, item: Any) -> Any:
        self.coverage.observe(dict(item))
        return item

    def spider_idle(self, spider: SourceSpider) -> None:
        # Idle fires once all items went through the pipelines and may fire again: replace, not append.
        kept = [alarm for alarm in spider.crawl_alarms if alarm not in self._added]
        self._added = self.coverage.alarms()
        spider.crawl_alarms = kept + self._added
        spider.crawl_stats = {**spider.crawl_stats, "health_items": self.coverage.items}


@dataclass(frozen=True)
class SourceHealth:
    key: str
    name: str
    status: str  # RunStatus value of the last run, or "never"
    last_run_at: datetime | None
    last_success_at: datetime | None
    seen: int
    new: int
    changed: int
    removed: int
    invalid: int
    active_programmes: int
    alarms: tuple[str, ...]
    error: str

    @property
    def broken(self) -> bool:
        """The last run failed or was alarmed. A source that never ran is not broken, just not read yet
        (the demo reads only the sources it holds real responses of)."""
        return self.status in (RunStatus.failed, RunStatus.aborted) or bool(self.alarms) or bool(self.error)

    @property
    def reason(self) -> str:
        """One line saying why the source needs attention ("" when healthy)."""
        if self.status == "never":
            return "Noch nie gelaufen"
        if self.error:
            return self.error
        if self.alarms:
            return "; ".join(self.alarms)
        return ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "status": self.status,
            "broken": self.broken,
            "reason": self.reason,
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
            "last_success_at": self.last_success_at.isoformat() if self.last_success_at else None,
            "seen": self.seen,
            "new": self.new,
            "changed": self.changed,
            "removed": self.removed,
            "invalid": self.invalid,
            "active_programmes": self.active_programmes,
            "alarms": list(self.alarms),
            "error": self.error,
        }


def _health_of(session: Session, key: str, name: str) -> SourceHealth:
    last = session.exec(
        select(CrawlRun)
        .where(CrawlRun.source_key == key, col(CrawlRun.finished_at).is_not(None))
        .order_by(col(CrawlRun.id).desc())
        .limit(1)
    ).first()
    success = session.exec(
        select(CrawlRun.finished_at)
        .where(CrawlRun.source_key == key, CrawlRun.status == RunStatus.success)
        .order_by(col(CrawlRun.id).desc())
        .limit(1)
    ).first()
    active = session.exec(
        select(func.count())
        .select_from(Programme)
        .where(Programme.source_key == key, col(Programme.removed_at).is_(None))
    ).one()
    if last is None:
        return SourceHealth(key, name, "never", None, success, 0, 0, 0, 0, 0, active, (), "")
    return SourceHealth(
        key,
        name,
        last.status,
        last.finished_at,
        success,
        last.seen,
        last.new,
        last.changed,
        last.removed,
        last.invalid,
        active,
        tuple(last.alarms or ()),
        last.error or "",
    )


def source_health(session: Session) -> list[SourceHealth]:
    """The state of every registered source, in registry order."""
    from crawler.registry import primary_sources

    return [_health_of(session, entry.key, entry.name) for entry in primary_sources()]

"""Upsert of crawled programmes: the one way items enter the store.

Every source feeds plain dicts (the writable ``Programme`` fields, see ``ITEM_FIELDS``) into an
``Ingest``. It keys them on ``(source_key, natural_key)``, compares a content hash over the
meaningful fields, writes a ``ProgrammeRevision`` naming the changed fields, and records a
``CrawlRun`` with counts. Programmes are marked removed only when a run is *complete* and its
contract checks passed; a failed, partial or suspicious run removes nothing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel import Session, col, select

from core.changes import classify_changes
from store.limits import column_limit, fit_key, limit_problems
from store.models import CrawlRun, Programme, ProgrammeRevision, RunStatus, Source
from store.types import utcnow

# Fields a source may set. Anything else in an item is an error in the spider.
ITEM_FIELDS = frozenset(
    {
        "natural_key",
        "url",
        "kind",
        "title",
        "teaser_text",
        "description_text",
        "eligibility_text",
        "legal_text",
        "deadline_text",
        "status_note",
        "keywords",
        "raw",
        "level",
        "funder",
        "funding_types",
        "funding_areas",
        "funding_subareas",
        "regions",
        "eligible_applicants",
        "municipal_signals",
        "contact",
        "links",
        "funding_rate",
        "rate_min_pct",
        "rate_max_pct",
        "amount_min_eur",
        "amount_max_eur",
        "budget_eur",
        "status",
        "opens_on",
        "next_deadline",
        "last_deadline",
        "deadlines",
        "yearly_deadlines",
        "rolling",
        "closed",
        "next_window_expected",
        "deadline_sentence",
        "attribution",
        "extra",
    }
)

# Fields whose change is a real change of the programme (and so a revision). ``raw`` is left out on
# purpose: it carries editorial noise (ticket ids, markup) that is not a change for a reader.
HASHED_FIELDS = (
    "title",
    "url",
    "teaser_text",
    "description_text",
    "eligibility_text",
    "legal_text",
    "deadline_text",
    "status_note",
    "funder",
    "funding_types",
    "funding_areas",
    "funding_subareas",
    "regions",
    "eligible_applicants",
    "municipal_signals",
    "funding_rate",
    "rate_min_pct",
    "rate_max_pct",
    "amount_min_eur",
    "amount_max_eur",
    "budget_eur",
    "status",
    "opens_on",
    "next_deadline",
    "last_deadline",
    "deadlines",
    "yearly_deadlines",
    "rolling",
    "closed",
    "next_window_expected",
)

# Compared to type a change (core.changes): the hashed fields plus the sentence the deadlines were
# read from, which tells a moved deadline from a calendar that rolled over.
CLASSIFIED_FIELDS = (*HASHED_FIELDS, "deadline_sentence")
BERLIN = ZoneInfo("Europe/Berlin")

# A complete run that sees fewer items than this share of the previous complete run is suspect.
MAX_DROP = 0.30


class ItemError(ValueError):
    """An item that cannot be stored; the message names the item and the problem."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def content_hash(item: dict[str, Any]) -> str:
    payload = {name: _jsonable(item.get(name)) for name in HASHED_FIELDS}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _as_date(value: Any, name: str, key: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ItemError(f"{key}: field {name!r} is not an ISO date: {value!r}") from None


def _deadline_day(value: Any, key: str) -> str:
    """One entry of ``deadlines`` (never empty: the caller leaves empty entries out) as an ISO date."""
    day = _as_date(value, "deadlines", key)
    if day is None:
        raise ItemError(f"{key}: field 'deadlines' holds an empty entry")
    return day.isoformat()


def _as_yearly_day(value: Any, key: str) -> str:
    """A yearly deadline as "MM-DD" (29 February allowed), or ``ItemError``."""
    text = str(value)
    try:
        date.fromisoformat(f"2000-{text}")  # a leap year, so 02-29 passes
    except ValueError:
        raise ItemError(f"{key}: field 'yearly_deadlines' holds {value!r}, not a day as MM-DD") from None
    if len(text) != 5:
        raise ItemError(f"{key}: field 'yearly_deadlines' holds {value!r}, not a day as MM-DD")
    return text


def normalise_item(item: dict[str, Any]) -> dict[str, Any]:
    """Check an item and bring it into storable shape, or raise ``ItemError`` naming the problem.

    Every value is checked against its column's limits (``store.limits``), so SQLite and PostgreSQL
    treat a too-long value alike: the item is skipped and reported. A too-long natural key is
    shortened with a hash suffix instead (a source's own key may be that long)."""
    key = str(item.get("natural_key") or "").strip()
    if not key:
        raise ItemError(f"item without natural_key (title {item.get('title')!r})")
    unknown = set(item) - ITEM_FIELDS
    if unknown:
        raise ItemError(f"{key}: unknown fields {sorted(unknown)}")
    title = str(item.get("title") or "").strip()
    if not title:
        raise ItemError(f"{key}: no title (stub document)")
    clean = dict(item)
    clean["natural_key"] = fit_key(key, column_limit(Programme, "natural_key"))
    clean["title"] = title
    for name in ("opens_on", "next_deadline", "last_deadline"):
        if name in clean:
            clean[name] = _as_date(clean[name], name, key)
    if "deadlines" in clean:
        clean["deadlines"] = sorted({_deadline_day(d, key) for d in clean["deadlines"] if d})
    if "yearly_deadlines" in clean:
        clean["yearly_deadlines"] = sorted({_as_yearly_day(d, key) for d in clean["yearly_deadlines"] or [] if d})
    for name in (
        "funding_types",
        "funding_areas",
        "funding_subareas",
        "regions",
        "eligible_applicants",
        "municipal_signals",
    ):
        if name in clean:
            clean[name] = sorted({str(v) for v in clean[name] or [] if v})
    problems = limit_problems(Programme, clean)
    if problems:
        raise ItemError(f"{key[:200]}: {'; '.join(problems)}")
    return clean


def _stored_id(pid: int | None) -> int:
    """The id of a programme read back from the database, where it is never NULL (primary key)."""
    if pid is None:
        raise ValueError("Programm ohne id aus der Datenbank gelesen")
    return pid


def _programme_row(clean: dict[str, Any], **fixed: Any) -> dict[str, Any]:
    """A complete ``Programme`` row for a bulk INSERT: the item's values over the model's defaults
    (a bulk INSERT bypasses the model constructor, so its default factories are applied here)."""
    row: dict[str, Any] = {}
    for name, info in Programme.model_fields.items():
        if name == "id":
            continue
        if name in clean:
            row[name] = clean[name]
        elif name in fixed:
            row[name] = fixed[name]
        elif info.default_factory is not None:
            row[name] = info.get_default(call_default_factory=True)
        else:
            row[name] = info.default
    return row


def _upsert_programmes(dialect: str, sample: dict[str, Any]) -> ReturningInsert[int | None, str]:
    """INSERT … ON CONFLICT (source_key, natural_key) DO UPDATE for SQLite and PostgreSQL alike."""
    from sqlalchemy.dialects import postgresql, sqlite

    statement: postgresql.Insert | sqlite.Insert = (
        postgresql.insert(Programme) if dialect == "postgresql" else sqlite.insert(Programme)
    )
    kept = {"source_key", "natural_key", "first_seen_at"}  # the key, and when the programme was first seen
    return statement.on_conflict_do_update(
        index_elements=["source_key", "natural_key"],
        set_={name: statement.excluded[name] for name in sample if name not in kept},
    ).returning(col(Programme.id), col(Programme.natural_key))


def _ensure_source(engine: Engine, key: str, name: str, level: str, url: str, attribution: str) -> None:
    """Create or update the source row; a second run creating it at the same moment is no error."""
    for attempt in range(2):
        with Session(engine) as session:
            source = session.get(Source, key)
            if source is None:
                source = Source(key=key, name=name or key, level=level, url=url, attribution=attribution)
            else:
                source.name = name or source.name
                source.url = url or source.url
                source.attribution = attribution or source.attribution
            session.add(source)
            try:
                session.commit()
                return
            except IntegrityError:
                if attempt:
                    raise
                session.rollback()  # the other run created it: update that row instead


class Ingest:
    """One crawl run of one source. Use ``add`` for each item, then ``finish`` or ``fail``."""

    def __init__(
        self,
        engine: Engine,
        source_key: str,
        *,
        source_name: str = "",
        level: str = "other",
        source_url: str = "",
        attribution: str = "",
        today: date | None = None,
    ) -> None:
        """``today`` is the day deadlines are judged against (the spider's; default: today in Berlin)."""
        self.engine = engine
        self.source_key = source_key
        self.today = today or utcnow().astimezone(BERLIN).date()
        self.errors: list[str] = []
        self._seen_ids: set[int] = set()
        self._unchanged_ids: list[int] = []
        self._seen_keys: set[str] = set()
        _ensure_source(engine, source_key, source_name, level, source_url, attribution)
        with Session(engine) as session:
            run = CrawlRun(source_key=source_key)
            session.add(run)
            session.commit()
            session.refresh(run)
            self.run = run
            rows = session.exec(
                select(Programme.id, Programme.natural_key, Programme.content_hash, Programme.removed_at).where(
                    Programme.source_key == source_key
                )
            ).all()
        self._known: dict[str, tuple[int, str, datetime | None]] = {
            key: (_stored_id(pid), digest, removed) for pid, key, digest, removed in rows
        }
        self._session = Session(engine, expire_on_commit=False)
        self._pending = 0
        self._new_rows: list[dict[str, Any]] = []  # inserted in batches: one INSERT per row is the slow part

    # -- items ---------------------------------------------------------------------------------

    def add(self, item: dict[str, Any]) -> str:
        """Store one item; returns ``new``, ``changed``, ``unchanged``, ``duplicate`` or ``invalid``."""
        try:
            clean = normalise_item(item)
        except ItemError as exc:
            self.errors.append(str(exc))
            self.run.invalid += 1
            return "invalid"
        key = clean["natural_key"]
        if key in self._seen_keys:
            return "duplicate"
        self._seen_keys.add(key)
        self.run.seen += 1
        digest = content_hash(clean)
        now = utcnow()
        known = self._known.get(key)
        if known is None:
            self._new_rows.append(
                _programme_row(
                    clean,
                    source_key=self.source_key,
                    content_hash=digest,
                    first_seen_at=now,
                    last_seen_at=now,
                    updated_at=now,
                )
            )
            self.run.new += 1
            outcome = "new"
        else:
            pid, old_digest, removed_at = known
            self._seen_ids.add(pid)
            if old_digest == digest and removed_at is None:
                self._unchanged_ids.append(pid)
                self.run.unchanged += 1
                return "unchanged"
            programme = self._stored_programme(self._session, pid)
            old = {name: getattr(programme, name) for name in CLASSIFIED_FIELDS}
            for name, value in clean.items():
                setattr(programme, name, value)
            new = {name: getattr(programme, name) for name in CLASSIFIED_FIELDS}
            changed = [name for name in HASHED_FIELDS if old[name] != new[name]]
            changes = classify_changes(old, new, today=self.today)
            types = [change.type for change in changes]
            if removed_at is not None:
                programme.removed_at = None
                types.append("reappeared")
            programme.content_hash = digest
            programme.last_seen_at = now
            programme.updated_at = now
            self._session.add(programme)
            self._session.add(
                ProgrammeRevision(
                    programme_id=pid,
                    crawl_run_id=self.run.id,
                    changed_fields=changed,
                    old_values={n: _jsonable(old[n]) for n in changed},
                    new_values={n: _jsonable(new[n]) for n in changed},
                    change_types=types,
                    change_details=[change.as_dict() for change in changes],
                )
            )
            self._known[key] = (pid, digest, None)
            self.run.changed += 1
            outcome = "changed"
        self._pending += 1
        if self._pending >= 500:
            self._insert_new()
            self._session.commit()
            self._pending = 0
        return outcome

    def _insert_new(self) -> None:
        """Insert the buffered new programmes in one statement and learn their ids.

        Upsert row by row on the natural key: a row another writer stored since this run began
        (a manual import, a crawl that lost its lease) is updated, never the reason a whole batch
        is thrown away."""
        if not self._new_rows:
            return
        rows, self._new_rows = self._new_rows, []
        digests = {row["natural_key"]: row["content_hash"] for row in rows}
        result = self._session.execute(_upsert_programmes(self.engine.dialect.name, rows[0]), rows)
        for row in result.all():
            pid, key = _stored_id(row.id), str(row.natural_key)
            self._known[key] = (pid, digests[key], None)
            self._seen_ids.add(pid)

    # -- end of run ----------------------------------------------------------------------------

    @staticmethod
    def _stored_programme(session: Session, pid: int) -> Programme:
        programme = session.get(Programme, pid)
        if programme is None:
            raise LookupError(f"Programm {pid} ist nicht mehr in der Datenbank")
        return programme

    def _previous_complete_count(self, session: Session) -> int | None:
        previous = session.exec(
            select(CrawlRun)
            .where(CrawlRun.source_key == self.source_key, CrawlRun.id != self.run.id, col(CrawlRun.complete).is_(True))
            .order_by(col(CrawlRun.id).desc())
            .limit(1)
        ).first()
        return previous.seen if previous else None

    def finish(
        self,
        *,
        complete: bool,
        error: str = "",
        alarms: list[str] | None = None,
        stats: dict[str, Any] | None = None,
        partial_source: bool = False,
    ) -> CrawlRun:
        """Close the run. ``complete`` means the source was read to the end without loss.

        ``partial_source`` is for runs that never list everything (programmes imported by hand, single
        pages read on purpose): such a run succeeds when complete, but neither removes programmes nor
        compares counts, and it is not the count a later full run is compared with.
        """
        session = self._session
        self._insert_new()
        now = utcnow()
        if self._unchanged_ids:
            for start in range(0, len(self._unchanged_ids), 900):
                chunk = self._unchanged_ids[start : start + 900]
                session.exec(update(Programme).where(col(Programme.id).in_(chunk)).values(last_seen_at=now))
        run = session.merge(self.run)
        run.alarms = list(alarms or [])
        run.stats = dict(stats or {})
        if self.errors:
            run.stats["invalid_items"] = self.errors[:50]
        run.error = error
        previous = self._previous_complete_count(session)
        if run.seen == 0:
            run.alarms = run.alarms + ["0 Programme gelesen"]
        elif previous and not partial_source and run.seen < previous * (1 - MAX_DROP):
            drop = round(100 * (1 - run.seen / previous))
            run.alarms = run.alarms + [
                f"Rückgang um {drop} % gegenüber dem letzten vollständigen Lauf ({previous} → {run.seen})"
            ]
        trusted = complete and not error and not run.alarms
        if trusted and not partial_source:
            run.removed = self._mark_removed(session, now)
        run.complete = trusted and not partial_source  # a partial read is no baseline for the next count
        if error or run.seen == 0:
            run.status = RunStatus.failed
        elif trusted:
            run.status = RunStatus.success
        else:
            run.status = RunStatus.incomplete
        run.finished_at = now
        session.add(run)
        session.commit()
        session.close()
        self.run = run
        return run

    def fail(self, error: str, *, stats: dict[str, Any] | None = None) -> CrawlRun:
        """Record a failed run. Nothing already stored is removed or changed by it."""
        self._new_rows = []
        self._session.rollback()
        return self.finish(complete=False, error=error or "Lauf fehlgeschlagen", stats=stats)

    def _mark_removed(self, session: Session, now: datetime) -> int:
        gone = [
            pid for key, (pid, _digest, removed) in self._known.items() if pid not in self._seen_ids and removed is None
        ]
        for pid in gone:
            programme = self._stored_programme(session, pid)
            programme.removed_at = now
            programme.updated_at = now
            session.add(programme)
            session.add(
                ProgrammeRevision(
                    programme_id=pid,
                    crawl_run_id=self.run.id,
                    changed_fields=["removed_at"],
                    change_types=["removed"],
                    new_values={"removed_at": now.isoformat()},
                )
            )
        return len(gone)

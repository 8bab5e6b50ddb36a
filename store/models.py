"""The one shared data model of Förderradar Ruhr.

Every room of the house reads and writes these tables; nothing else holds state. Times are aware
UTC (``UTCDateTime``); JSON columns hold lists and dicts and must be *reassigned*, not mutated in
place, for a change to be saved.

Tables, by concern:
- sources:     Source, CrawlRun, CrawlArchive, CrawlResponse, SourceFingerprint
- programmes:  Programme, ProgrammeRevision, ProgrammeLink
- members:     Member, MemberFact, Profile, Recipient
- curation:    Match, Feedback, AuditLog, StaffUser
- mail:        Digest, DigestSend, BounceEvent
- operations:  JobLock, UsedToken
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.explanation import Explanation, ExplanationType
from store.types import JSONType, UTCDateTime, utcnow


def _json(default_factory: Callable[[], Any] = list, **kwargs: Any) -> Any:
    return Field(default_factory=default_factory, sa_type=JSONType, **kwargs)


def _time(nullable: bool = True, **kwargs: Any) -> Any:
    if nullable:
        return Field(default=None, sa_type=UTCDateTime, **kwargs)
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, **kwargs)


def _text(**kwargs: Any) -> Any:
    return Field(default="", sa_type=Text, **kwargs)


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


class Level(StrEnum):
    bund = "bund"
    land = "land"
    eu = "eu"
    other = "other"


class RunStatus(StrEnum):
    running = "running"
    success = "success"  # complete run, contract checks passed
    incomplete = "incomplete"  # finished but did not see everything (page cap, partial errors)
    failed = "failed"  # nothing usable (bot page, network error, contract broken)
    aborted = "aborted"  # its process died before it could finish (found by the next crawl of the source)


class Source(SQLModel, table=True):
    """A place programmes come from, e.g. ``foerderdatenbank``, ``eu_sedia``, ``manual``."""

    key: str = Field(primary_key=True, max_length=64)
    name: str
    level: str = Field(default=Level.other, max_length=16)
    url: str = ""
    attribution: str = _text()
    enabled: bool = True
    created_at: datetime = _time(nullable=False)


class CrawlRun(SQLModel, table=True):
    """One run of one source: what it saw, what changed, and whether it can be trusted."""

    id: int | None = Field(default=None, primary_key=True)
    source_key: str = Field(foreign_key="source.key", index=True, max_length=64)
    started_at: datetime = _time(nullable=False)
    finished_at: datetime | None = _time()
    status: str = Field(default=RunStatus.running, max_length=16, index=True)
    complete: bool = False
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    invalid: int = 0  # items rejected by validation (e.g. stub documents without title)
    error: str = _text()
    alarms: list[str] = _json()  # contract check failures ("0 items", "drop of 45 %", ...)
    stats: dict[str, Any] = _json(dict)  # free-form counters (stripped control bytes, pages, retries ...)


class CrawlArchive(SQLModel, table=True):
    """The raw responses of one crawl run are kept (``crawler.archive``): one row per archived run."""

    crawl_run_id: int = Field(primary_key=True, foreign_key="crawlrun.id")
    source_key: str = Field(foreign_key="source.key", index=True, max_length=64)
    spider_url: str = _text()  # the URL the spider was started with (replays start from its path)
    created_at: datetime = _time(nullable=False, index=True)


class CrawlResponse(SQLModel, table=True):
    """One response a run received, as it came over the wire; the body lies gzip-compressed in the
    archive directory under its SHA-256 (identical bodies of several runs are stored once)."""

    id: int | None = Field(default=None, primary_key=True)
    crawl_run_id: int = Field(foreign_key="crawlarchive.crawl_run_id", index=True)
    seq: int  # order of arrival within the run
    method: str = Field(max_length=16)
    url: str = _text()
    status: int
    headers: dict[str, Any] = _json(dict)  # response headers: name → list of values
    fetched_at: datetime = _time(nullable=False)
    body_sha256: str = Field(max_length=64, index=True)
    body_bytes: int = 0  # as received
    stored_bytes: int = 0  # compressed file in the archive


class SourceFingerprint(SQLModel, table=True):
    """The structure a run found (``crawler.drift``): per kind of page or row, how many were read
    and how many of them matched each selector, heading or key the parser relies on."""

    crawl_run_id: int = Field(primary_key=True, foreign_key="crawlrun.id")
    source_key: str = Field(foreign_key="source.key", index=True, max_length=64)
    groups: dict[str, Any] = _json(dict)  # {"Programmseite": {"units": 3, "keys": {"Wer kann beantragen?": 3}}}
    created_at: datetime = _time(nullable=False)


# --------------------------------------------------------------------------------------------
# Programmes
# --------------------------------------------------------------------------------------------


class ProgrammeStatus(StrEnum):
    open = "open"
    forthcoming = "forthcoming"
    closed = "closed"
    unknown = "unknown"


class Programme(SQLModel, table=True):
    """A funding programme or a dated call, as one source describes it.

    Texts are stored unmodified in ``raw`` (source HTML/XML fragments per field; Förderdatenbank
    texts are CC BY-ND 4.0). The ``*_text`` columns are a cleaned plain-text copy for matching and
    display; normalisation beyond that happens only inside the matcher.
    """

    __table_args__ = (UniqueConstraint("source_key", "natural_key", name="uq_programme_source_key"),)

    id: int | None = Field(default=None, primary_key=True)
    source_key: str = Field(foreign_key="source.key", index=True, max_length=64)
    natural_key: str = Field(max_length=512)  # the source's own key: document path, topic identifier, URL
    url: str = Field(default="", max_length=2048)
    kind: str = Field(default="programme", max_length=16)  # programme | call | calendar
    title: str = _text()
    teaser_text: str = _text()  # Kurztext
    description_text: str = _text()  # Volltext / description
    eligibility_text: str = _text()  # rechtliche Voraussetzungen, eligibility conditions
    legal_text: str = _text()  # Richtlinie / legal basis, long
    deadline_text: str = _text()  # the deadline prose, as written
    status_note: str = _text()  # editorial status note ("Antragstellung nicht mehr möglich")
    keywords: str = _text()
    raw: dict[str, Any] = _json(dict)  # unmodified source texts per field
    level: str = Field(default=Level.other, max_length=16, index=True)
    funder: str = _text()  # Fördergeber / funding body display name
    funding_types: list[str] = _json()  # Förderart codes: zuschuss, darlehen, buergschaft, ...
    funding_areas: list[str] = _json()  # Förderbereich codes
    funding_subareas: list[str] = _json()  # "parent.child" codes
    # Förderbereich codes the matcher's classifier inferred from the text, only for a programme the
    # source files under none (NKI, EFRE, Bezirksregierung, EU calls, manual records); written by
    # every match run, used to route digest items to departments with topics, shown as inferred.
    inferred_topics: list[str] = _json()
    regions: list[str] = _json()  # Fördergebiet codes: _bundesweit, nordrhein_westfalen, eu, ...
    eligible_applicants: list[str] = _json()  # Förderberechtigte codes: kommune, oeffentliche_einrichtung, ...
    municipal_signals: list[str] = _json()  # e.g. EU "local authorities" phrases found in conditions
    contact: dict[str, Any] = _json(dict)
    links: list[dict[str, Any]] = _json()  # [{"title": ..., "url": ...}]
    funding_rate: str = Field(default="", max_length=255)  # as written, e.g. "bis zu 90 %"
    # Bounds read from the texts by core.rates (None = no sentence states them): the lowest and
    # highest Förderquote in percent, the smallest (Mindestbetrag, Bagatellgrenze) and largest
    # (Höchstbetrag) sum in euros.
    rate_min_pct: float | None = None
    rate_max_pct: float | None = None
    amount_min_eur: float | None = None
    amount_max_eur: float | None = None
    budget_eur: float | None = None
    status: str = Field(default=ProgrammeStatus.unknown, max_length=16, index=True)
    opens_on: date | None = None
    next_deadline: date | None = Field(default=None, index=True)
    last_deadline: date | None = None
    deadlines: list[str] = _json()  # ISO dates, ascending
    yearly_deadlines: list[str] = _json()  # "MM-DD" of deadlines that recur every year ("jährlich bis 30.09.")
    rolling: bool = False  # laufend / jederzeit
    closed: bool = False  # the source says so: Antragstellung nicht mehr möglich
    next_window_expected: bool = False  # "weitere Förderzeiträume folgen"
    deadline_sentence: str = _text()  # the sentence the deadlines were read from
    attribution: str = _text()  # licence and rights holder line shown with the text
    content_hash: str = Field(default="", max_length=64)
    extra: dict[str, Any] = _json(dict)  # source-specific structured fields (EU identifiers, call ids ...)
    first_seen_at: datetime = _time(nullable=False)
    last_seen_at: datetime = _time(nullable=False)
    removed_at: datetime | None = _time()  # set only after a complete run did not see it
    updated_at: datetime = _time(nullable=False)


class ProgrammeRevision(SQLModel, table=True):
    """A change of a programme's meaningful fields between two crawls."""

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    crawl_run_id: int | None = Field(default=None, foreign_key="crawlrun.id")
    created_at: datetime = _time(nullable=False)
    changed_fields: list[str] = _json()
    old_values: dict[str, Any] = _json(dict)
    new_values: dict[str, Any] = _json(dict)
    change_types: list[str] = _json()  # keys of core.labels.CHANGE_LABELS: deadline_brought_forward, closed ...
    # One dict per change type: {"type", "old", "new", "sentence", "summary"} (core.changes.Change).
    change_details: list[dict[str, Any]] = _json()


class ProgrammeLink(SQLModel, table=True):
    """Two records that describe the same programme (found by rule or set by staff)."""

    __table_args__ = (UniqueConstraint("programme_id", "other_id", name="uq_programme_link"),)

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    other_id: int = Field(foreign_key="programme.id", index=True)
    method: str = Field(default="rule", max_length=16)  # rule | staff
    linked: bool = True  # staff can veto a rule link with linked=False
    reason: str = _text()
    created_at: datetime = _time(nullable=False)


# --------------------------------------------------------------------------------------------
# Members
# --------------------------------------------------------------------------------------------


class MemberKind(StrEnum):
    kreisangehoerige_gemeinde = "kreisangehoerige_gemeinde"
    kreisfreie_stadt = "kreisfreie_stadt"
    kreis = "kreis"
    verband = "verband"


class DigestFrequency(StrEnum):
    weekly = "weekly"
    biweekly = "biweekly"
    monthly = "monthly"
    paused = "paused"


class Member(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=64)
    name: str
    kind: str = Field(max_length=32)
    kreis: str = ""  # name of the Kreis for kreisangehörige Gemeinden
    ags: str = Field(default="", max_length=16)
    bezirksregierung: str = ""
    digest_frequency: str = Field(default=DigestFrequency.weekly, max_length=16)
    send_nothing_new: bool = False  # wants a short note when nothing is new
    auto_approve_score: float | None = None  # approve proposed matches at or above this score
    feed_token: str = Field(default="", max_length=64)  # secret part of the feed URLs
    created_at: datetime = _time(nullable=False)
    updated_at: datetime = _time(nullable=False)


class MemberFact(SQLModel, table=True):
    """One version of one fact about a member (``core.member_facts``: AGS, population, GRW area ...).

    Append-only: a correction adds a row, so every earlier value stays with who recorded it, when and
    why. The newest row per member and name is the fact in force; ``value`` None means unknown.
    """

    __table_args__ = (Index("ix_memberfact_member_name", "member_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    name: str = Field(max_length=32)
    value: Any = Field(default=None, sa_column=Column(JSONType, nullable=True))
    source: str = Field(default="", max_length=2048)  # web address the value was read from
    as_of: date | None = None  # the date the value holds for
    confidence: str = Field(default="", max_length=16)  # hoch | mittel | niedrig
    note: str = _text()  # why this value: provenance, or the reason for a correction
    recorded_by: str = Field(max_length=320)  # "seed", "import", or the staff member's e-mail
    recorded_at: datetime = _time(nullable=False)


class Profile(SQLModel, table=True):
    """A member's interest profile: the query the matcher runs for it."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", unique=True, index=True)
    preset: str = Field(default="", max_length=64)  # set while the interests are a default from the facts
    interests: str = _text()
    keywords: list[str] = _json()
    exclude: list[str] = _json()
    topics: list[str] = _json()  # Förderbereich codes
    # Without codes: the Förderbereich codes the last match run read from the plain words, and those
    # the member or staff removed (never inferred again for this profile).
    inferred_topics: list[str] = _json()
    excluded_topics: list[str] = _json()
    funding_types: list[str] = _json()  # preferred Förderart codes; empty = all
    min_score: float = 20.0
    max_items: int = 20
    learned: dict[str, Any] = _json(dict)  # Rocchio state learned from curation and feedback
    updated_at: datetime = _time(nullable=False)


class RecipientStatus(StrEnum):
    active = "active"
    unsubscribed = "unsubscribed"
    bouncing = "bouncing"  # a temporary failure was seen
    suppressed = "suppressed"  # permanent failure or three temporary ones


class Recipient(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("member_id", "email", name="uq_recipient_member_email"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    email: str = Field(max_length=320, index=True)
    name: str = ""
    topics: list[str] = _json()  # empty = everything for the member
    status: str = Field(default=RecipientStatus.active, max_length=16)
    soft_bounces: int = 0
    status_changed_at: datetime | None = _time()
    created_at: datetime = _time(nullable=False)


# --------------------------------------------------------------------------------------------
# Curation
# --------------------------------------------------------------------------------------------


class MatchState(StrEnum):
    proposed = "proposed"
    approved = "approved"
    rejected = "rejected"
    sent = "sent"


class RejectReason(StrEnum):
    topic = "topic"  # Thema passt nicht
    not_eligible = "not_eligible"  # nicht antragsberechtigt
    own_share = "own_share"  # Eigenanteil zu hoch
    too_small = "too_small"  # zu klein
    known = "known"  # schon bekannt
    other = "other"  # Sonstiges


class Match(SQLModel, table=True):
    """A programme proposed for a member, and what the curators decided about it."""

    __table_args__ = (
        UniqueConstraint("member_id", "programme_id", name="uq_match_member_programme"),
        Index("ix_match_state_score", "state", "score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    score: float = 0.0  # 0–100 "Passung"
    explanation: Explanation = Field(default_factory=Explanation, sa_type=ExplanationType)  # why it was proposed
    state: str = Field(default=MatchState.proposed, max_length=16)
    reviewer_id: int | None = Field(default=None, foreign_key="staffuser.id")
    reason: str = Field(default="", max_length=32)  # RejectReason for rejected matches
    note: str = _text()
    decided_at: datetime | None = _time()
    released_at: datetime | None = _time()  # released for sending by staff
    sent_at: datetime | None = _time()
    created_at: datetime = _time(nullable=False)
    updated_at: datetime = _time(nullable=False)


class Feedback(SQLModel, table=True):
    """A recipient's or curator's verdict "passt / passt nicht" on a programme for a member."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    recipient_id: int | None = Field(default=None, foreign_key="recipient.id")
    match_id: int | None = Field(default=None, foreign_key="match.id")
    fits: bool
    channel: str = Field(default="mail", max_length=16)  # mail | web | curation
    created_at: datetime = _time(nullable=False)


class StaffRole(StrEnum):
    admin = "admin"
    curator = "curator"


class StaffUser(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=320)
    name: str = ""
    password_hash: str = ""
    role: str = Field(default=StaffRole.curator, max_length=16)
    active: bool = True
    api_token_hash: str = ""  # argon2 hash of the JSON API token
    # Part of every page session of this user; raising it (logout, new password, (de)activation)
    # ends all sessions at once, also cookies copied before.
    session_version: int = 0
    created_at: datetime = _time(nullable=False)
    last_login_at: datetime | None = _time()


class AuditLog(SQLModel, table=True):
    """Who decided what and when. Append-only."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _time(nullable=False, index=True)
    actor: str = Field(max_length=320)  # staff e-mail, "member:<slug>", "system", "recipient:<id>"
    action: str = Field(max_length=64)  # match.approve, match.reject, digest.release, profile.update ...
    object_type: str = Field(default="", max_length=32)
    object_id: str = Field(default="", max_length=64)
    details: dict[str, Any] = _json(dict)


# --------------------------------------------------------------------------------------------
# Mail
# --------------------------------------------------------------------------------------------


class DigestState(StrEnum):
    draft = "draft"
    released = "released"
    sent = "sent"


class Digest(SQLModel, table=True):
    """The digest of one member for one period (ISO week such as ``2026-W48``)."""

    __table_args__ = (UniqueConstraint("member_id", "period", name="uq_digest_member_period"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    period: str = Field(max_length=16, index=True)
    state: str = Field(default=DigestState.draft, max_length=16)
    match_ids: list[int] = _json()
    reminder_programme_ids: list[int] = _json()
    change_revision_ids: list[int] = _json()
    released_by: str = ""
    released_at: datetime | None = _time()
    created_at: datetime = _time(nullable=False)


class SendState(StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"  # gave up (permanent SMTP error); recipient marked bouncing


class DigestSend(SQLModel, table=True):
    """One digest mail to one recipient. The unique constraint is the exactly-once guarantee."""

    __table_args__ = (UniqueConstraint("recipient_id", "period", name="uq_send_recipient_period"),)

    id: int | None = Field(default=None, primary_key=True)
    digest_id: int = Field(foreign_key="digest.id", index=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    period: str = Field(max_length=16)
    message_id: str = Field(unique=True, max_length=255)
    state: str = Field(default=SendState.queued, max_length=16, index=True)
    attempts: int = 0
    claimed_by: str = Field(default="", max_length=128)
    claimed_at: datetime | None = _time()
    sent_at: datetime | None = _time()
    error: str = _text()
    size_bytes: int = 0
    # after a temporary failure: not tried again before this time (back-off per recipient and domain)
    next_attempt_at: datetime | None = _time(index=True)


class BounceEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, index=True)
    permanent: bool
    status_code: str = Field(default="", max_length=16)  # e.g. 5.1.1
    diagnostic: str = _text()
    message_id: str = Field(default="", max_length=255)
    source: str = Field(default="dsn", max_length=16)  # dsn | smtp
    received_at: datetime = _time(nullable=False)


# --------------------------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------------------------


class JobLock(SQLModel, table=True):
    """A lease in the database so that a job runs once even if two schedulers run by mistake."""

    name: str = Field(primary_key=True, max_length=128)
    holder: str = Field(default="", max_length=128)
    acquired_at: datetime | None = _time()
    expires_at: datetime | None = _time()


class RateLimitState(SQLModel, table=True):
    """Rate-limit state shared by all web workers: hits in a window or failures with a wait.

    ``key`` is the limit's name and a hash of the address or account (no addresses stored).
    """

    key: str = Field(primary_key=True, max_length=96)
    count: int = 0  # hits in the window, or failures since the last success
    window_started_at: datetime = _time(nullable=False)
    blocked_until: datetime | None = _time()  # no new attempt before this time
    updated_at: datetime = _time(nullable=False, index=True)  # old rows are deleted by it


class UsedToken(SQLModel, table=True):
    """Single-use tokens (magic links) already redeemed."""

    jti: str = Field(primary_key=True, max_length=64)
    used_at: datetime = _time(nullable=False)


def row_id(row: SQLModel) -> int:
    """The primary key of a stored row. Every table declares ``id: int | None`` (None until the
    first flush); code that works on stored rows states that here instead of asserting inline."""
    value = getattr(row, "id", None)
    if value is None:
        raise ValueError(f"{type(row).__name__} ist noch nicht gespeichert")
    return int(value)

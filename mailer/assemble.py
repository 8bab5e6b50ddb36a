"""What goes into one member's digest for one period, and what each recipient of it sees.

Two steps, so that a resumed or repeated send shows exactly what the first attempt showed:
``select_digest`` decides which matches, reminders and changes belong to the period (the send
code freezes those ids in the ``Digest`` row before the first mail goes out), and
``build_content`` turns frozen ids into the display data for one recipient, applying the
recipient's topics. ``assemble_digest`` does both, preferring the frozen ids when they exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from core.changes import URGENT_CHANGE_TYPES
from core.deadline_status import deadline_status
from core.labels import CHANGE_LABELS, source_name
from core.text_repair import shown_text
from mailer.config import MailConfig
from mailer.items import DigestItem, build_item, german_date, plain
from mailer.periods import is_urgent_period, send_date
from mailer.records import RecordChooser
from store.models import (
    CrawlRun,
    Digest,
    DigestSend,
    DigestState,
    Match,
    MatchState,
    Member,
    Profile,
    Programme,
    ProgrammeRevision,
    Recipient,
    RunStatus,
    Source,
    row_id,
)
from store.peers import peers_by_programme, peers_since
from store.types import utcnow

DISCLAIMER = (
    "Alle Angaben ohne Gewähr. Maßgeblich sind die Förderrichtlinien und Aufrufe der Fördergeber; "
    "bitte prüfen Sie Fristen und Voraussetzungen vor einer Antragstellung in der Quelle."
)


@dataclass
class DigestSelection:
    """The ids that make up a member's digest for a period (frozen in ``Digest`` before sending)."""

    match_ids: list[int] = field(default_factory=list)
    reminder_programme_ids: list[int] = field(default_factory=list)
    change_revision_ids: list[int] = field(default_factory=list)
    more_items: int = 0  # approved matches beyond the cap, left for the next digest

    @property
    def empty(self) -> bool:
        return not (self.match_ids or self.reminder_programme_ids or self.change_revision_ids)


@dataclass
class RecipientInfo:
    id: int | None
    email: str
    name: str = ""


@dataclass
class Reminder:
    programme_id: int
    title: str
    url: str
    deadline: date
    days_left: int


@dataclass
class Change:
    revision_id: int
    programme_id: int
    title: str
    url: str
    labels: list[str]
    detail: str
    urgent: bool = False  # a deadline brought forward, a closing or money gone: shown first


@dataclass
class SourceHealth:
    checked: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)


@dataclass
class DigestContent:
    member_id: int
    member_slug: str
    member_name: str
    period: str
    today: date
    recipient: RecipientInfo | None
    items: list[DigestItem]
    reminders: list[Reminder]
    changes: list[Change]
    more_items: int
    health: SourceHealth
    attributions: list[str]
    profile_url: str = ""
    proposals_url: str = ""
    disclaimer: str = DISCLAIMER

    @property
    def nothing_new(self) -> bool:
        return not (self.items or self.reminders or self.changes)

    @property
    def urgent(self) -> bool:
        """An alert sent out of turn (period ``eilig-…``), not a regular digest."""
        return is_urgent_period(self.period)


# ---------------------------------------------------------------------------------------------
# Selection
# ---------------------------------------------------------------------------------------------


def select_digest(session: Session, member: Member, period: str, *, today: date, config: MailConfig) -> DigestSelection:
    """Decide afresh what the member's digest for ``period`` contains (nothing is written)."""
    earlier = session.exec(
        select(Digest).where(Digest.member_id == member.id, Digest.period != period, Digest.state == DigestState.sent)
    ).all()
    profile = session.exec(select(Profile).where(Profile.member_id == member.id)).first()
    cap = min(config.max_items, profile.max_items if profile else config.max_items)
    ready = session.exec(
        select(Match)
        .join(Programme, col(Programme.id) == Match.programme_id)
        .where(
            Match.member_id == member.id,
            Match.state == MatchState.approved,
            col(Match.released_at).is_not(None),
            col(Match.sent_at).is_(None),
            col(Programme.removed_at).is_(None),
            col(Programme.closed).is_(False),
        )  # noqa: E712
        .order_by(col(Match.score).desc(), col(Match.id))
    ).all()
    ready = [m for m in ready if _still_open(stored_programme(session, m.programme_id), today)]
    return DigestSelection(
        match_ids=[row_id(m) for m in ready[:cap]],
        more_items=max(0, len(ready) - cap),
        reminder_programme_ids=_due_reminders(session, member, today, list(earlier), config),
        change_revision_ids=new_changes(session, member, exclude_period=period),
    )


def _still_open(programme: Programme, today: date) -> bool:
    return not deadline_status(programme, today).is_closed


def stored_programme(session: Session, programme_id: int) -> Programme:
    """A programme that a match or revision references (the foreign key keeps it in the database)."""
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise LookupError(f"Programm {programme_id} fehlt in der Datenbank")
    return programme


def _sent_matches(session: Session, member: Member) -> list[Match]:
    return list(session.exec(select(Match).where(Match.member_id == member.id, Match.state == MatchState.sent)).all())


def _due_reminders(
    session: Session, member: Member, today: date, earlier: list[Digest], config: MailConfig
) -> list[int]:
    """Programmes already sent whose deadline just entered one of the reminder windows.

    A window (e.g. 42 or 14 days) counts as covered when the member already heard of the
    programme on a day that lay inside that window: the first mail itself or an earlier reminder.
    So each window reminds at most once, and a deadline extension starts the windows afresh.
    """
    if not config.reminder_days:
        return []
    widest = max(config.reminder_days)
    reminded_on: dict[int, list[date]] = {}
    for digest in earlier:
        for pid in digest.reminder_programme_ids:
            reminded_on.setdefault(pid, []).append(send_date(digest.period, config.send_weekday))
    due: list[tuple[date, int]] = []
    for match in _sent_matches(session, member):
        programme = stored_programme(session, match.programme_id)
        deadline = programme.next_deadline
        if deadline is None or programme.closed or programme.removed_at is not None:
            continue
        days_left = (deadline - today).days
        if not 0 <= days_left <= widest:
            continue
        window = min(w for w in config.reminder_days if days_left <= w)
        heard = reminded_on.get(row_id(programme), []) + ([match.sent_at.date()] if match.sent_at else [])
        if not any((deadline - day).days <= window for day in heard):
            due.append((deadline, row_id(programme)))
    return [pid for _, pid in sorted(due, key=lambda pair: pair[0])]


def new_changes(session: Session, member: Member, *, exclude_period: str) -> list[int]:
    """The ids of ``new_change_revisions``."""
    return [r.id for r in new_change_revisions(session, member, exclude_period=exclude_period) if r.id is not None]


def new_change_revisions(session: Session, member: Member, *, exclude_period: str) -> list[ProgrammeRevision]:
    """Typed revisions the member must hear of and has not yet: urgent ones first (``urgency_rank``).

    Every typed change of a programme the member received (revisions after the mail). For a
    programme staff approved and that is not yet sent, only the urgent ones (revisions after the
    approval): the programme itself will show its current state when it goes out, but a deadline
    brought forward, a closing or money gone may not wait for that. A revision frozen in any
    other digest of the member (a regular one or an urgent alert, sent or still on its way) counts
    as reported, so no change is told twice.
    """
    reported = {
        rid
        for digest in session.exec(
            select(Digest).where(Digest.member_id == member.id, Digest.period != exclude_period)
        ).all()
        for rid in digest.change_revision_ids
    }
    found: list[ProgrammeRevision] = []
    for match in concerned_matches(session, member):
        since = (match.sent_at if match.state == MatchState.sent else match.decided_at) or match.created_at
        revisions = session.exec(
            select(ProgrammeRevision)
            .where(ProgrammeRevision.programme_id == match.programme_id, col(ProgrammeRevision.created_at) > since)
            .order_by(col(ProgrammeRevision.id))
        ).all()
        wanted = is_urgent_revision if match.state == MatchState.approved else _typed
        found += [r for r in revisions if r.id not in reported and wanted(r)]
    found.sort(key=lambda r: (urgency_rank(r), r.id or 0))
    return found


def concerned_matches(session: Session, member: Member) -> list[Match]:
    """The member's matches whose programme changes it must hear of: sent, or approved and unsent."""
    received = col(Match.state) == MatchState.sent
    coming = and_(col(Match.state) == MatchState.approved, col(Match.sent_at).is_(None))
    return list(
        session.exec(
            select(Match).where(Match.member_id == member.id, or_(received, coming)).order_by(col(Match.id))
        ).all()
    )


def _typed(revision: ProgrammeRevision) -> bool:
    return any(t in CHANGE_LABELS for t in revision.change_types)


def urgency_rank(revision: ProgrammeRevision) -> int:
    """0 for a deadline brought forward (a date to race), then a closing, then money gone; others last."""
    ranks = [URGENT_CHANGE_TYPES.index(t) for t in revision.change_types if t in URGENT_CHANGE_TYPES]
    return min(ranks, default=len(URGENT_CHANGE_TYPES))


def is_urgent_revision(revision: ProgrammeRevision) -> bool:
    return any(t in URGENT_CHANGE_TYPES for t in revision.change_types)


# ---------------------------------------------------------------------------------------------
# Content for one recipient
# ---------------------------------------------------------------------------------------------


def frozen_selection(session: Session, member: Member, period: str) -> DigestSelection | None:
    """The ids frozen for the period once its first send record exists; None before that."""
    digest = session.exec(select(Digest).where(Digest.member_id == member.id, Digest.period == period)).first()
    if digest is None:
        return None
    claimed = session.exec(select(func.count()).select_from(DigestSend).where(DigestSend.digest_id == digest.id)).one()
    if not claimed and digest.state != DigestState.sent:
        return None
    return DigestSelection(
        match_ids=list(digest.match_ids),
        reminder_programme_ids=list(digest.reminder_programme_ids),
        change_revision_ids=list(digest.change_revision_ids),
    )


def assemble_digest(
    session: Session,
    member: Member,
    period: str,
    *,
    today: date,
    recipient: Recipient | None = None,
    config: MailConfig,
) -> DigestContent:
    selection = frozen_selection(session, member, period)
    if selection is None:
        selection = select_digest(session, member, period, today=today, config=config)
    return build_content(session, member, period, selection, today=today, recipient=recipient, config=config)


def build_content(
    session: Session,
    member: Member,
    period: str,
    selection: DigestSelection,
    *,
    today: date,
    recipient: Recipient | None,
    config: MailConfig,
) -> DigestContent:
    topics = list(recipient.topics) if recipient is not None else []

    def wanted(programme: Programme) -> bool:
        return _matches_topics(programme, topics)

    chooser = RecordChooser(session)
    items, attributions, shown = [], [], set()
    matched_ids: list[int] = []  # the programme of each item's match (the item may show a linked record)
    # Two queries for all items instead of two per item (a Tuesday run builds many digests).
    matches = {m.id: m for m in session.exec(select(Match).where(col(Match.id).in_(selection.match_ids))).all()}
    programmes = {
        p.id: p
        for p in session.exec(
            select(Programme).where(col(Programme.id).in_([m.programme_id for m in matches.values()]))
        ).all()
    }
    for match_id in selection.match_ids:
        match = matches.get(match_id)
        programme = programmes.get(match.programme_id) if match else None
        if match is None or programme is None or not wanted(programme):
            continue
        record = chooser.for_member(programme, member)
        if record.id in shown:  # two matches on records of one programme: it is shown once
            continue
        shown.add(record.id)
        items.append(build_item(record, match, today=today, max_chars=config.max_text_chars))
        matched_ids.append(match.programme_id)
        if record.attribution and record.attribution not in attributions:
            attributions.append(record.attribution)
    since = peers_since(today)
    joint = [pid for item, pid in zip(items, matched_ids, strict=True) if item.joint]
    peers = peers_by_programme(session, joint, since=since, except_member_id=member.id)
    for item, pid in zip(items, matched_ids, strict=True):
        item.peers = peers.get(pid, []) if item.joint else []
    reminders = []
    for pid in selection.reminder_programme_ids:
        programme = session.get(Programme, pid)
        if programme is None or programme.next_deadline is None or not wanted(programme):
            continue
        record = chooser.for_member(programme, member)
        if record.id not in shown:
            shown.add(record.id)
            reminders.append(
                Reminder(
                    pid,
                    shown_text(plain(record.title), record.source_key),
                    record.url,
                    programme.next_deadline,
                    (programme.next_deadline - today).days,
                )
            )
    changes = []
    for rid in selection.change_revision_ids:
        revision = session.get(ProgrammeRevision, rid)
        programme = session.get(Programme, revision.programme_id) if revision else None
        if revision is not None and programme is not None and wanted(programme):
            changes.append(_change(revision, programme))
    return DigestContent(
        member_id=row_id(member),
        member_slug=member.slug,
        member_name=member.name,
        period=period,
        today=today,
        recipient=RecipientInfo(recipient.id, recipient.email, recipient.name) if recipient else None,
        items=items,
        reminders=reminders,
        changes=changes,
        more_items=selection.more_items,
        health=source_health(session, today),
        attributions=attributions,
        profile_url=config.url("/member/"),
        proposals_url=config.url("/member/vorschlaege"),
    )


def _matches_topics(programme: Programme, topics: list[str]) -> bool:
    """Recipients without topics get everything; otherwise a Förderbereich (or a sub-area) must match.

    A programme the source files under no Förderbereich (NKI, EFRE, Bezirksregierung, EU calls) counts
    with the topics the matcher inferred from its text, so departments with topics see it too.
    """
    if not topics:
        return True
    areas = list(programme.funding_areas or [])
    subareas = list(programme.funding_subareas or [])
    if not areas and not subareas:
        inferred = list(programme.inferred_topics or [])
        areas, subareas = [c for c in inferred if "." not in c], [c for c in inferred if "." in c]
    if set(areas) & set(topics):
        return True
    return any(sub.split(".", 1)[0] in topics or sub in topics for sub in subareas)


def _change(revision: ProgrammeRevision, programme: Programme) -> Change:
    labels = [CHANGE_LABELS[t] for t in revision.change_types if t in CHANGE_LABELS]
    detail = ""
    new_deadline = revision.new_values.get("next_deadline")
    if revision.change_details:  # "31.03.2027 → 28.02.2027" per typed change
        detail = "; ".join(plain(str(d.get("summary", ""))) for d in revision.change_details if d.get("summary"))
    elif "deadline_extended" in revision.change_types and new_deadline:  # revisions stored before details
        detail = f"Neue Frist: {german_date(date.fromisoformat(str(new_deadline)[:10]))}"
    elif "rate_changed" in revision.change_types and revision.new_values.get("funding_rate"):
        detail = f"Jetzt: {plain(str(revision.new_values['funding_rate']))}"
    title = shown_text(plain(programme.title), programme.source_key)
    return Change(
        row_id(revision), row_id(programme), title, programme.url, labels, detail, is_urgent_revision(revision)
    )


def source_health(session: Session, today: date) -> SourceHealth:
    """Which sources were checked in the seven days before ``today`` and which could not be read.

    A source whose latest run failed, or that was not run at all, counts as not reachable: the
    reader should know when "nothing new" only means "nothing seen". Runs are stamped with the real
    clock, so a replay of a later day (``--stichtag``) counts back from the real date.
    """
    since = datetime.combine(min(today, utcnow().date()) - timedelta(days=7), time(), tzinfo=UTC)
    health = SourceHealth()
    for source in session.exec(select(Source).where(Source.enabled == True).order_by(Source.name)).all():  # noqa: E712
        latest = session.exec(
            select(CrawlRun)
            .where(
                CrawlRun.source_key == source.key, CrawlRun.started_at >= since, CrawlRun.status != RunStatus.running
            )
            .order_by(col(CrawlRun.started_at).desc())
        ).first()
        ok = latest is not None and latest.status in (RunStatus.success, RunStatus.incomplete)
        (health.checked if ok else health.unreachable).append(source_name(source.key, source.name))
    return health

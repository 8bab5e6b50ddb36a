"""The demo: the weekly pipeline on the embedded default, with no network.

It serves the bundled real snapshots on 127.0.0.1 (``foerderradar.demo_sources``), crawls them with
the real spiders, seeds the members with one demo recipient each (an example.org address), matches,
approves and releases the proposed matches as a curator would, and sends the digests through the
configured transport (the Maildir outbox by default, or a local SMTP server). Sources without a real
saved response are not crawled; the summary names them as "erst im Live-Betrieb".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.settings import Settings
from foerderradar.demo_diversity import DigestDiversity, digest_diversity
from foerderradar.demo_server import SnapshotServer
from store.models import CrawlRun, Match, MatchState, Member, MemberFact, Programme, Recipient, row_id

DEMO_ACTOR = "demo@foerderradar.invalid"
# The demo's curator approves each member's best proposals that say why they fit (an interest, a
# shared word), as a curator reading the review page would, and leaves the rest proposed, so the
# review page (`foerderradar serve`) has real work to show after the demo.
APPROVE_PER_MEMBER = 3
FAST_CRAWL = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 30}


@dataclass(frozen=True)
class SourceInDemo:
    """What the demo holds of one registered source, for the summary."""

    key: str
    name: str
    crawled: bool
    holds: str  # the snapshot in words, or why there is none
    origin: str = ""
    source_url: str = ""
    licence: str = ""
    programmes: int = 0

    @property
    def line(self) -> str:
        return f"{self.name}: {self.holds}" + (f" – {self.programmes} gespeichert" if self.crawled else "")

    def as_dict(self) -> dict:
        return {**asdict(self), "line": self.line}


LIVE_ONLY = "keine echte Seite gespeichert, erst im Live-Betrieb"


def sources_in_demo(programmes_per_source: dict[str, int]) -> list[SourceInDemo]:
    """Every registered source with what the demo holds of it, in registry order."""
    from crawler.registry import primary_sources
    from foerderradar.demo_sources import snapshots

    held = snapshots()
    lines = []
    for entry in primary_sources():
        snapshot = held.get(entry.key)
        if snapshot is None:
            lines.append(SourceInDemo(entry.key, entry.name, False, LIVE_ONLY))
        else:
            lines.append(
                SourceInDemo(
                    entry.key,
                    entry.name,
                    True,
                    snapshot.holds,
                    snapshot.origin,
                    snapshot.source_url,
                    snapshot.licence,
                    programmes_per_source.get(entry.key, 0),
                )
            )
    return lines


@dataclass
class DemoSummary:
    runs: list[CrawlRun] = field(default_factory=list)
    sources: list[SourceInDemo] = field(default_factory=list)
    programmes_per_source: dict[str, int] = field(default_factory=dict)
    open_programmes: int = 0
    matches_per_member: dict[str, int] = field(default_factory=dict)  # approved or sent
    proposed_left: int = 0  # waiting on the review page
    members_without_matches: list[str] = field(default_factory=list)
    digests_sent: int = 0
    digests_already_sent: int = 0
    period: str = ""
    outbox: str = ""
    outbox_is_maildir: bool = True
    member_fit: dict = field(default_factory=dict)  # facts, conditions, own shares
    diversity: DigestDiversity = field(default_factory=DigestDiversity)


def member_fit_figures(session: Session, excluded: dict[str, dict[str, int]]) -> dict:
    """How the member facts show in the demo: members with facts, programmes left out per reason of
    the member filters (scope, tasks, area and size conditions), matches flagged "bitte prüfen" or
    with an own share."""
    from matcher.filters import CONDITION_REASONS, SCOPE_REASONS

    with_facts = len(session.exec(select(MemberFact.member_id).distinct()).all())
    reasons: Counter[str] = Counter()
    for counts in excluded.values():
        reasons.update({reason: n for reason, n in counts.items() if reason in SCOPE_REASONS + CONDITION_REASONS})
    matches = session.exec(select(Match)).all()
    return {
        "members_with_facts": with_facts,
        "excluded_by_member_filters": dict(sorted(reasons.items())),
        "matches_with_checks": sum(bool(m.explanation.checks) for m in matches),
        "matches_with_own_share": sum(m.explanation.own_share is not None for m in matches),
        "digest_items_with_own_share": sum(
            m.explanation.own_share is not None for m in matches if m.state in (MatchState.approved, MatchState.sent)
        ),
    }


def seed_demo_members(session: Session) -> int:
    """Load the member profiles and give each member one demo recipient; returns the member count."""
    from profiles.io import seed_profiles

    count, _report = seed_profiles(session)
    for member in session.exec(select(Member)).all():
        email = f"{member.slug}@example.org"
        exists = session.exec(
            select(Recipient).where(Recipient.member_id == row_id(member), Recipient.email == email)
        ).first()
        if exists is None:
            session.add(Recipient(member_id=row_id(member), email=email, name=f"Fördermittel-Team {member.name}"))
    return count


def approve_and_release(session: Session, period: str) -> int:
    """Approve each member's best proposals with a stated reason (as the demo's curator) and release
    their digests. A proposal that can only say "Schwache Übereinstimmung" stays for a person to judge."""
    from store.curation import approve, release_member_digest

    proposed = session.exec(
        select(Match).where(Match.state == MatchState.proposed).order_by(col(Match.member_id), col(Match.score).desc())
    ).all()
    approved_per_member: Counter[int] = Counter()
    for match in proposed:
        if approved_per_member[match.member_id] >= APPROVE_PER_MEMBER:
            continue
        if not (match.explanation.interests or match.explanation.terms):
            continue
        approved_per_member[match.member_id] += 1
        approve(session, match, actor=DEMO_ACTOR, note="Im Demo-Lauf automatisch freigegeben")
    session.flush()
    for member_id in sorted(approved_per_member):
        release_member_digest(session, member_id, period=period, actor=DEMO_ACTOR)
    return sum(approved_per_member.values())


def run_demo(settings: Settings, today: date, progress=lambda message: None) -> DemoSummary:
    from foerderradar.cli_crawl import crawl_sources
    from foerderradar.demo_sources import add_routes
    from mailer.config import mail_config
    from mailer.periods import current_period
    from mailer.send import send_period
    from matcher.api import match_members
    from store.db import init_database, make_engine

    summary = DemoSummary(period=current_period(today))
    progress("Datenbank vorbereiten")
    init_database(settings.database_url)
    engine = make_engine(settings.database_url)
    with SnapshotServer() as server:
        arguments = add_routes(server, today=today)
        progress(f"Echte Snapshots crawlen ({', '.join(arguments)})")
        summary.runs = crawl_sources(settings, list(arguments), arguments, overrides=FAST_CRAWL)
    progress("Mitglieder und Demo-Empfänger anlegen")
    with Session(engine) as session:
        seed_demo_members(session)
        session.commit()
    progress("Programme zuordnen")
    match_report = match_members(engine, today=today)
    progress("Treffer freigeben")
    with Session(engine) as session:
        approve_and_release(session, summary.period)
        session.commit()
    progress("Digests versenden")
    report = send_period(engine, mail_config(settings), period=summary.period, today=today)
    summary.digests_sent, summary.digests_already_sent = report.sent, report.already_sent
    with Session(engine) as session:
        summary.programmes_per_source = dict(
            session.exec(
                select(Programme.source_key, func.count())
                .where(col(Programme.removed_at).is_(None))
                .group_by(Programme.source_key)
            ).all()
        )
        summary.open_programmes = session.exec(
            select(func.count())
            .select_from(Programme)
            .where(
                col(Programme.removed_at).is_(None),
                col(Programme.status).in_(["open", "forthcoming", "unknown"]),
                col(Programme.closed).is_(False),
            )
        ).one()
        counts = Counter(
            session.exec(
                select(Member.slug)
                .join(Match, col(Match.member_id) == col(Member.id))
                .where(col(Match.state).in_([MatchState.approved, MatchState.sent]))
            ).all()
        )
        summary.proposed_left = session.exec(
            select(func.count()).select_from(Match).where(Match.state == MatchState.proposed)
        ).one()
        slugs = session.exec(select(Member.slug).order_by(Member.slug)).all()
        summary.member_fit = member_fit_figures(session, match_report.excluded)
        summary.diversity = digest_diversity(session, today)
    summary.sources = sources_in_demo(summary.programmes_per_source)
    summary.matches_per_member = {slug: counts[slug] for slug in slugs if counts[slug]}
    summary.members_without_matches = [slug for slug in slugs if not counts[slug]]
    summary.outbox_is_maildir = settings.mail_backend == "maildir"
    summary.outbox = (
        str(settings.maildir_path) if summary.outbox_is_maildir else f"SMTP {settings.smtp_host}:{settings.smtp_port}"
    )
    engine.dispose()
    return summary

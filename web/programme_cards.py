"""The programme-first review: one card per programme with every member it was proposed to.

RVR curates by programme: "Internationale Klimaschutzinitiative" proposed to 53 members is one
decision, not 53. A card stands for a programme's whole link group (``store.links``: the same
programme on several sites, or its yearly calendar entry), so a decision on the card decides the
proposals of every linked record. Cards are ordered by how many proposals wait on them and
paginated, and the proposals are loaded only for the cards on the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from core.labels import german_sort_key
from core.rates import format_euros
from core.text_repair import shown_text
from mailer.items import DigestItem, build_item
from store.links import link_groups
from store.models import Match, MatchState, Member, Programme, row_id

CARDS_PER_PAGE = 20


@dataclass
class Proposal:
    match: Match
    member: Member
    record: Programme  # the linked record this proposal was made for


@dataclass
class ProgrammeCard:
    programme: Programme  # the record with the most proposals stands for the group
    item: DigestItem
    amount: str  # "bis 200.000 Euro", "" when the source states none
    linked: list[Programme]  # the group's other records
    proposals: list[Proposal]

    @property
    def match_ids(self) -> list[int]:
        return [row_id(p.match) for p in self.proposals]


@dataclass
class CardsPage:
    cards: list[ProgrammeCard]
    total_cards: int
    total_proposals: int
    page: int
    q: str

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total_cards / CARDS_PER_PAGE))


def amount_line(programme: Programme) -> str:
    """The stated amount bounds in German words ("10.000 bis 200.000 Euro", "bis 1,5 Mio. Euro")."""
    low, high = programme.amount_min_eur, programme.amount_max_eur
    if low is not None and high is not None:
        return (
            format_euros(low) if low == high else f"{format_euros(low).removesuffix(' Euro')} bis {format_euros(high)}"
        )
    if high is not None:
        return f"bis {format_euros(high)}"
    return f"ab {format_euros(low)}" if low is not None else ""


def proposed_counts(session: Session, q: str = "") -> dict[int, int]:
    """Programme id -> number of proposed matches (optionally only programmes whose title has ``q``)."""
    statement = (
        select(col(Match.programme_id), func.count(col(Match.id)))
        .join(Programme, col(Programme.id) == Match.programme_id)
        .where(Match.state == MatchState.proposed)
        .group_by(col(Match.programme_id))
    )
    if q:
        statement = statement.where(col(Programme.title).ilike(f"%{q}%"))
    return dict(session.exec(statement).all())


def group_proposal_ids(session: Session, programme_id: int) -> list[int]:
    """Ids of the proposed matches of the programme and of every record linked to it."""
    group = link_groups(session).get(programme_id, frozenset({programme_id}))
    found = session.exec(
        select(col(Match.id)).where(col(Match.programme_id).in_(sorted(group)), Match.state == MatchState.proposed)
    ).all()
    return [match_id for match_id in found if match_id is not None]


def load_cards(session: Session, *, today: date, max_chars: int, page: int = 1, q: str = "") -> CardsPage:
    counts = proposed_counts(session, q)
    groups = link_groups(session)
    by_group: dict[frozenset[int], int] = {}
    for programme_id, count in counts.items():
        group = groups.get(programme_id, frozenset({programme_id}))
        by_group[group] = by_group.get(group, 0) + count
    titles = dict(
        session.exec(select(Programme.id, Programme.title).where(col(Programme.id).in_(list(counts)))).all()
        if counts
        else []
    )

    def leader(group: frozenset[int]) -> int:
        return min((pid for pid in group if pid in counts), key=lambda pid: (-counts[pid], pid))

    ordered = sorted(by_group, key=lambda g: (-by_group[g], german_sort_key(titles.get(leader(g), ""))))
    page = max(1, page)
    shown = ordered[(page - 1) * CARDS_PER_PAGE : page * CARDS_PER_PAGE]
    record_ids = sorted({pid for group in shown for pid in group})
    records = (
        {p.id: p for p in session.exec(select(Programme).where(col(Programme.id).in_(record_ids))).all()}
        if record_ids
        else {}
    )
    proposals: dict[int, list[Proposal]] = {}
    if record_ids:
        rows = session.exec(
            select(Match, Member)
            .join(Member, col(Member.id) == Match.member_id)
            .where(col(Match.programme_id).in_(record_ids), Match.state == MatchState.proposed)
        ).all()
        for match, member in rows:
            proposals.setdefault(match.programme_id, []).append(Proposal(match, member, records[match.programme_id]))
    cards = []
    for group in shown:
        lead = records[leader(group)]
        listed = [p for pid in group for p in proposals.get(pid, [])]
        listed.sort(key=lambda p: (german_sort_key(p.member.name), -p.match.score))
        linked = sorted(
            (records[pid] for pid in group if pid != lead.id and pid in records),
            key=lambda p: german_sort_key(shown_text(p.title, p.source_key)),
        )
        item = build_item(lead, None, today=today, max_chars=max_chars)
        cards.append(ProgrammeCard(lead, item, amount_line(lead), linked, listed))
    return CardsPage(cards, len(ordered), sum(counts.values()), page, q)

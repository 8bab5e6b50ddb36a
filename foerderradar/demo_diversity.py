"""How different the demo's digests are, and how much of the usable supply reaches anybody.

Two figures the matcher issue asks the demo to print: the number of distinct digests among the
members (a digest = the set of programmes approved or sent to a member), and the share of open,
Kommune-eligible programmes in the member's region (NRW or bundesweit; EU calls open to local
authorities) that reach at least one member — as a digest item, and as a proposal at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from matcher.filters import eligibility_reason
from store.models import Match, MatchState, Member, Profile, Programme

REFERENCE_KIND = "kreisfreie_stadt"  # applies as Kommune or öffentliche Einrichtung, like every town


@dataclass
class DigestDiversity:
    members_with_digest: int = 0
    distinct_digests: int = 0
    largest_identical_group: int = 0  # members sharing the most common digest
    # members whose digest is identical to that of a member of another kind with a different profile
    # (the matcher issue wants none; a small snapshot cannot always tell them apart)
    same_digest_other_kind: int = 0
    usable_programmes: int = 0  # open, Kommune-eligible, NRW / bundesweit / EU
    usable_in_a_digest: int = 0
    usable_proposed: int = 0  # proposed, approved or sent to at least one member
    share_in_a_digest: float = 0.0
    share_proposed: float = 0.0
    unreached: list[str] = field(default_factory=list)  # titles of usable programmes nobody was proposed

    def as_dict(self) -> dict:
        return asdict(self)


def digest_diversity(session: Session, today: date) -> DigestDiversity:
    rows = session.exec(select(Match.member_id, Match.programme_id, Match.state)).all()
    digests: dict[int, set[int]] = {}
    proposed: set[int] = set()
    for member_id, programme_id, state in rows:
        proposed.add(programme_id)
        if state in (MatchState.approved, MatchState.sent):
            digests.setdefault(member_id, set()).add(programme_id)
    groups: dict[frozenset[int], list[int]] = {}  # a digest -> the members who get it
    for member_id, items in digests.items():
        groups.setdefault(frozenset(items), []).append(member_id)
    in_digest = set().union(*digests.values()) if digests else set()
    programmes = session.exec(select(Programme).where(col(Programme.removed_at).is_(None))).all()
    usable = [p for p in programmes if not p.closed and eligibility_reason(p, REFERENCE_KIND, today) is None]
    result = DigestDiversity(
        members_with_digest=len(digests),
        distinct_digests=len(groups),
        largest_identical_group=max(map(len, groups.values()), default=0),
        same_digest_other_kind=_same_digest_other_kind(session, list(groups.values())),
        usable_programmes=len(usable),
        usable_in_a_digest=sum(1 for p in usable if p.id in in_digest),
        usable_proposed=sum(1 for p in usable if p.id in proposed),
        unreached=sorted(p.title for p in usable if p.id not in proposed),
    )
    if usable:
        result.share_in_a_digest = round(result.usable_in_a_digest / len(usable), 3)
        result.share_proposed = round(result.usable_proposed / len(usable), 3)
    return result


def _same_digest_other_kind(session: Session, groups: list[list[int]]) -> int:
    """Members in a group of identical digests that holds another kind of member with another profile."""
    described = {
        member_id: (kind, (profile.interests, tuple(profile.keywords or []), tuple(profile.topics or [])))
        for member_id, kind, profile in session.exec(
            select(Member.id, Member.kind, Profile).join(Profile, col(Profile.member_id) == Member.id)
        ).all()
    }
    count = 0
    for group in groups:  # every member with a digest has a profile: its matches came from it
        for member_id in group:
            kind, profile = described[member_id]
            count += any(described[o][0] != kind and described[o][1] != profile for o in group)
    return count

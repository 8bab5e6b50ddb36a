"""Hard filters applied before ranking: what a member can never use does not compete for a place.

Each filter returns a German reason that is counted per profile ("12 ausgeschlossen: anderes
Bundesland"), so staff can see why a programme did not show up.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from core.conditions import (
    REASON_BRAUNKOHLE,
    REASON_COAL,
    REASON_GRW,
    REASON_JTF,
    REASON_LEADER,
    REASON_PACT,
    REASON_RURAL,
    REASON_STATUS,
    REASON_STEINKOHLE,
    REASON_TOO_LARGE,
    REASON_TOO_SMALL,
)
from core.deadline_status import deadline_status
from core.labels import FILTER_REASON_LABELS
from core.member_facts import MemberFacts
from core.vocab import APPLICANTS_BY_MEMBER_KIND, HOME_REGION_ALIASES, HOME_REGIONS, other_laender
from matcher.member_fit import ProgrammeTerms, judge_conditions
from matcher.scope import ABROAD

REASON_OTHER_LAND = "anderes Bundesland"
REASON_NOT_MUNICIPAL = "nicht für Kommunen"
REASON_CLOSED = "geschlossen"  # the source closed it, or a call whose every deadline has passed
REASON_EXCLUDED_TERM = "ausgeschlossener Begriff"
REASON_FUNDING_TYPE = "Förderart nicht gewünscht"
# Programmes a town cannot use for itself (``matcher.scope``), and tasks the member does not hold.
SCOPE_REASONS = tuple(FILTER_REASON_LABELS.values())
# Area and size conditions the member's facts contradict (``core.conditions``).
CONDITION_REASONS = (
    REASON_GRW,
    REASON_STEINKOHLE,
    REASON_BRAUNKOHLE,
    REASON_COAL,
    REASON_JTF,
    REASON_RURAL,
    REASON_LEADER,
    REASON_TOO_LARGE,
    REASON_TOO_SMALL,
    REASON_STATUS,
    REASON_PACT,
)

# Without applicant codes, these words in the eligibility text say that local authorities may apply.
_MUNICIPAL_WORDS = re.compile(
    r"\b(kommune|kommunen|gemeinde|gemeinden|städte|kreise|landkreise|gebietskörperschaft\w*|"
    r"kommunal\w*|local authorit\w*|municipalit\w*|public authorit\w*)\b",
    re.IGNORECASE,
)
_NRW_WORDS = re.compile(r"nordrhein-westfalen|\bnrw\b", re.IGNORECASE)


def region_ok(programme: Any) -> bool:
    regions = {r.casefold() for r in programme.regions or []}
    if regions & (HOME_REGIONS | HOME_REGION_ALIASES):
        return True
    if regions & other_laender():
        return False
    if programme.level == "land":  # a Land programme without a region: only if it names NRW
        return bool(
            _NRW_WORDS.search(
                " ".join((programme.title, programme.teaser_text, programme.funder, programme.description_text[:2000]))
            )
        )
    return True


def applicant_ok(programme: Any, member_kind: str) -> bool:
    allowed = APPLICANTS_BY_MEMBER_KIND.get(member_kind, APPLICANTS_BY_MEMBER_KIND["kreisfreie_stadt"])
    applicants = set(programme.eligible_applicants or [])
    if applicants:
        return bool(applicants & allowed)
    if programme.level == "eu":  # EU calls name no applicant codes: local-authority signals decide
        return bool(programme.municipal_signals)
    return bool(programme.municipal_signals) or bool(_MUNICIPAL_WORDS.search(programme.eligibility_text or ""))


def programme_reason(programme: Any, today: date) -> str | None:
    """Reasons that hold for every member: closed (the deadline status says so), another Land.

    A standing programme whose written date has passed is not closed: its status reads "Frist unklar".
    """
    if deadline_status(programme, today).is_closed:
        return REASON_CLOSED
    if not region_ok(programme):
        return REASON_OTHER_LAND
    return None


def eligibility_reason(programme: Any, member_kind: str, today: date) -> str | None:
    """Why a member cannot use this programme at all, or ``None``; the evaluation counts these."""
    reason = programme_reason(programme, today)
    if reason is None and not applicant_ok(programme, member_kind):
        return REASON_NOT_MUNICIPAL
    return reason


def member_reason(terms: ProgrammeTerms, facts: MemberFacts, *, abroad_wanted: bool) -> str | None:
    """Why this member cannot use a programme that passed the other filters: it is for projects
    abroad (unless the profile opts in), for companies, households or research alone, or one of its
    conditions contradicts the member's facts. ``None``: it stays (perhaps with "bitte prüfen")."""
    if not terms.restricts:
        return None
    scope = terms.scope
    if scope is not None and not (scope.kind == ABROAD and abroad_wanted):
        return scope.reason
    return judge_conditions(terms, facts)[0]

"""How a programme fits one member's facts: "Dürfen wir das überhaupt?" and "Was kostet es uns?".

For each programme the texts are read once (``ProgrammeTerms``): its area and size conditions
(``core.conditions``), the public tasks its applicant sentences ask for (``matcher.scope``), the
scope that rules towns out (projects abroad, companies only ...) and its stated rates
(``core.rates``). ``fit`` then holds them against one member's facts:

- a contradicted condition is a hard filter with a countable reason ("nicht im GRW-Fördergebiet");
- an unknown fact keeps the programme and gives a "bitte prüfen: GRW-Fördergebiet" line;
- the own share is worked out from the stated rate and the member's facts, or names the fact a rule
  needs; without a stated rate there is no own-share line at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from core.conditions import CONTRADICTED, Condition, Verdict, judge, read_conditions
from core.member_facts import MemberFacts
from core.rates import FundingTerms, own_share, read_funding_terms
from matcher.scope import ScopeFinding, Task, TaskVerdict, judge_task, read_scope, read_tasks
from store.explanation import ConditionLine, OwnShareLine

RATE_TEXTS = ("teaser_text", "description_text", "eligibility_text")


class ProgrammeTerms:
    """What a programme's texts say about who may apply where (read at once, the filters need it)
    and what it pays (read when first asked for: only shown matches need it)."""

    def __init__(self, programme: Any) -> None:
        self.programme = programme
        self.conditions: tuple[Condition, ...] = tuple(read_conditions(programme))
        self.tasks: tuple[Task, ...] = tuple(read_tasks(programme))
        self.scope: ScopeFinding | None = read_scope(programme)

    @classmethod
    def read(cls, programme: Any) -> ProgrammeTerms:
        return cls(programme)

    @property
    def restricts(self) -> bool:
        """Whether anything here can rule a member out or flag it (most programmes: no)."""
        return bool(self.conditions or self.tasks or self.scope)

    @cached_property
    def funding(self) -> FundingTerms:
        stated = getattr(self.programme, "funding_rate", "") or ""
        texts = [str(getattr(self.programme, name, "") or "") for name in RATE_TEXTS]
        funding = read_funding_terms(*texts)
        if stated and not any(r.kind in ("rate", "base", "adjustment") for r in funding.rates):
            funding = read_funding_terms(stated, *texts)  # a source's own rate field (NRW pages)
        return funding


@dataclass(frozen=True)
class Fit:
    """One programme for one member: the reason that rules it out (or None), a line per condition
    (a contradicted one too, so ``match explain`` can quote the sentence) and the own share."""

    reason: str | None
    conditions: tuple[ConditionLine, ...]
    own_share: OwnShareLine | None


def rate_facts(facts: MemberFacts) -> dict[str, Any]:
    """The member's facts as the rate reader asks for them. Only what is known is passed on: a town
    in the Haushaltssicherung counts as financially weak; any other answer stays unknown, because
    each programme defines "finanzschwach" for itself."""
    values: dict[str, Any] = {}
    if facts.get("haushaltssicherung") is True:
        values["financially_weak"] = True
    return values


def own_share_line(terms: FundingTerms, facts: MemberFacts) -> OwnShareLine | None:
    share = own_share(terms, rate_facts(facts))
    if share is None:
        return None
    return OwnShareLine(text=share.text, how=share.how, sentence=share.sentence, missing=list(share.missing))


def fit(terms: ProgrammeTerms, facts: MemberFacts) -> Fit:
    """Hold the programme's conditions against the member's facts (unknown facts never exclude) and
    work out the own share."""
    reason, lines = judge_conditions(terms, facts)
    return Fit(reason, lines, own_share_line(terms.funding, facts))


def judge_conditions(terms: ProgrammeTerms, facts: MemberFacts) -> tuple[str | None, tuple[ConditionLine, ...]]:
    """The first reason a condition rules the member out (or None), and a line per condition."""
    judged: list[tuple[Condition | Task, Verdict | TaskVerdict]] = [
        (condition, judge(condition, facts)) for condition in terms.conditions
    ]
    judged += [(task, judge_task(task, facts.kind)) for task in terms.tasks]
    lines = tuple(
        ConditionLine(
            outcome=verdict.outcome,
            label=stated.label,
            reason=verdict.reason,
            detail=verdict.detail,
            sentence=stated.sentence,
        )
        for stated, verdict in judged
    )
    reason = next((line.reason for line in lines if line.outcome == CONTRADICTED), None)
    return reason, lines

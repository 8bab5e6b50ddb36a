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
from typing import Any

from core.conditions import CONTRADICTED, Condition, judge, read_conditions
from core.member_facts import MemberFacts
from core.rates import FundingTerms, own_share, read_funding_terms
from matcher.scope import ScopeFinding, Task, judge_task, read_scope, read_tasks
from store.explanation import ConditionLine, OwnShareLine

RATE_TEXTS = ("teaser_text", "description_text", "eligibility_text")


@dataclass(frozen=True)
class ProgrammeTerms:
    """What a programme's texts say about who may apply where, and what it pays."""

    conditions: tuple[Condition, ...]
    tasks: tuple[Task, ...]
    scope: ScopeFinding | None
    funding: FundingTerms

    @classmethod
    def read(cls, programme: Any) -> ProgrammeTerms:
        stated = getattr(programme, "funding_rate", "") or ""
        texts = [str(getattr(programme, name, "") or "") for name in RATE_TEXTS]
        funding = read_funding_terms(*texts)
        if stated and not any(r.kind in ("rate", "base", "adjustment") for r in funding.rates):
            funding = read_funding_terms(stated, *texts)  # a source's own rate field (NRW pages)
        return cls(tuple(read_conditions(programme)), tuple(read_tasks(programme)), read_scope(programme), funding)


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
    """Hold the programme's conditions against the member's facts (unknown facts never exclude)."""
    lines: list[ConditionLine] = []
    reason: str | None = None
    for condition in terms.conditions:
        verdict = judge(condition, facts)
        if verdict.outcome == CONTRADICTED:
            reason = reason or verdict.reason
        lines.append(
            ConditionLine(
                outcome=verdict.outcome,
                label=condition.label,
                reason=verdict.reason,
                detail=verdict.detail,
                sentence=condition.sentence,
            )
        )
    for task in terms.tasks:
        verdict = judge_task(task, facts.kind)
        if verdict.outcome == CONTRADICTED:
            reason = reason or verdict.reason
        lines.append(
            ConditionLine(
                outcome=verdict.outcome,
                label=task.label,
                reason=verdict.reason,
                detail=verdict.detail,
                sentence=task.sentence,
            )
        )
    return Fit(reason, tuple(lines), own_share_line(terms.funding, facts))

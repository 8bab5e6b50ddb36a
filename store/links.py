"""Which records describe the same programme, as the stored ``ProgrammeLink`` rows say.

A pair can have a rule link (recomputed by the crawler) and a staff decision; the staff decision
wins, so a staff veto (``linked=False``) separates a pair the rule joined. Groups are transitive:
a programme, its yearly calendar entry and the same programme on another site form one group.
"""

from __future__ import annotations

from sqlmodel import Session, select

from store.models import ProgrammeLink

STAFF = "staff"


def effective_links(session: Session) -> set[tuple[int, int]]:
    """(smaller id, larger id) of every pair that is linked once staff decisions are applied."""
    decisions: dict[tuple[int, int], tuple[bool, bool]] = {}  # pair -> (by staff, linked)
    for link in session.exec(select(ProgrammeLink)).all():
        if link.programme_id == link.other_id:
            continue
        pair = (min(link.programme_id, link.other_id), max(link.programme_id, link.other_id))
        by_staff = link.method == STAFF
        if pair not in decisions or by_staff:
            decisions[pair] = (by_staff, link.linked)
    return {pair for pair, (_by_staff, linked) in decisions.items() if linked}


def link_groups(session: Session) -> dict[int, frozenset[int]]:
    """Programme id → ids of every record in its group (itself included); unlinked ids are absent."""
    neighbours: dict[int, set[int]] = {}
    for a, b in effective_links(session):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    groups: dict[int, frozenset[int]] = {}
    for start in neighbours:
        if start in groups:
            continue
        seen, todo = {start}, [start]
        while todo:
            for other in neighbours[todo.pop()] - seen:
                seen.add(other)
                todo.append(other)
        group = frozenset(seen)
        groups.update(dict.fromkeys(group, group))
    return groups

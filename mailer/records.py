"""Which of several linked records of one programme a member is shown.

The same programme can come from several sources (the ministry's page, a Bezirksregierung's page,
its yearly calendar entry). The matcher proposes one record per group; the reader should see the
record that fits: the page of the member's own Bezirksregierung rather than another one's, and the
programme rather than its calendar entry (the entry is the programme's deadline, shown with it).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.labels import SOURCE_BEZIRKSREGIERUNG
from store.links import link_groups
from store.models import Member, Programme, row_id


def preference(record: Programme, member: Member, chosen_id: int) -> tuple[object, ...]:
    """Sort key, best first: not another Bezirksregierung's page, not a calendar entry, the member's
    own Bezirksregierung, the record the matcher chose, the oldest record."""
    region = SOURCE_BEZIRKSREGIERUNG.get(record.source_key, "")
    return (
        bool(region) and region != member.bezirksregierung,
        record.kind == "calendar",
        not region,
        record.id != chosen_id,
        record.id,
    )


class RecordChooser:
    """Reads the link groups once, then picks the record to show for each (programme, member)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.groups = link_groups(session)

    def group_of(self, programme_id: int) -> frozenset[int]:
        return self.groups.get(programme_id, frozenset({programme_id}))

    def for_member(self, programme: Programme, member: Member) -> Programme:
        group = self.group_of(row_id(programme))
        if len(group) == 1:
            return programme
        records = self.session.exec(
            select(Programme).where(col(Programme.id).in_(group), col(Programme.removed_at).is_(None))
        ).all()
        return min([*records, programme], key=lambda record: preference(record, member, row_id(programme)))

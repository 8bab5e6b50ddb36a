"""The live preview of a member's edited profile: what the matcher would propose right now.

The matcher's own entry point ranks the unsaved profile (``matcher.api.preview``); nothing is stored.
Like the digest, the preview lists a programme once, as the record that fits the member
(``mailer.records``), however many linked records of it the ranking holds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session

from mailer.records import RecordChooser
from matcher.api import MatcherCache, Verdict
from matcher.api import preview as matcher_preview
from matcher.scoring import ProfileQuery
from profiles.schema import ProfileDoc
from store.models import Member

PREVIEW_ITEMS = 10
RANKED = 3 * PREVIEW_ITEMS  # enough ranked records that PREVIEW_ITEMS programmes remain once linked ones fold


def preview(session: Session, cache: MatcherCache, member: Member, doc: ProfileDoc, *, today: date) -> list[Verdict]:
    """The best programmes for the edited profile, marked whether they would be proposed. Programmes
    the profile does not meet at all are left out: they are no near miss worth showing."""
    ranked = matcher_preview(session, cache, member, ProfileQuery.from_profile(doc), today=today, limit=RANKED)
    chooser = RecordChooser(session)
    shown: list[Verdict] = []
    groups: set[frozenset[int]] = set()
    for verdict in ranked:
        if not verdict.evidence:
            continue
        group = chooser.group_of(verdict.programme.id)
        if group not in groups:
            groups.add(group)
            shown.append(replace(verdict, programme=chooser.for_member(verdict.programme, member)))
    return shown[:PREVIEW_ITEMS]

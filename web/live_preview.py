"""The live preview of a member's edited profile: what the matcher would propose right now.

The matcher's own entry point ranks the unsaved profile (``matcher.api.preview``); nothing is stored.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from matcher.api import MatcherCache, Verdict
from matcher.api import preview as matcher_preview
from matcher.scoring import ProfileQuery
from profiles.schema import ProfileDoc
from store.models import Member

PREVIEW_ITEMS = 10


def preview(session: Session, cache: MatcherCache, member: Member, doc: ProfileDoc, *, today: date) -> list[Verdict]:
    """The best programmes for the edited profile, marked whether they would be proposed."""
    return matcher_preview(session, cache, member, ProfileQuery.from_profile(doc), today=today, limit=PREVIEW_ITEMS)

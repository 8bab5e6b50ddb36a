"""What a staff page says after a bulk action ("53 Vorschläge abgelehnt") and the undo it offers.

Both review views (programme cards and member queue) show it, so it lives apart from either.
"""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from core.labels import BULK_RESULT_LABELS, label
from core.text_repair import shown_text
from store import curation
from store.models import Programme, StaffUser


def last_action_notice(session: Session, staff: StaffUser, request: Request) -> dict:
    """What the page says about the staff member's last bulk action, and whether it can be undone."""
    last = curation.last_bulk_action(session, staff.email)
    notice = ""
    if request.query_params.get("undone", "").isdigit():
        notice = label(BULK_RESULT_LABELS, "match.bulk_undo").format(count=request.query_params["undone"])
    elif request.query_params.get("bulk") == "none":
        notice = label(BULK_RESULT_LABELS, "none")
    elif last is not None and request.query_params.get("bulk") == str(last.id):
        notice = label(BULK_RESULT_LABELS, last.action).format(count=last.details.get("count", 0))
    title = ""
    if last is not None and last.object_type == "programme" and last.object_id.isdigit():
        programme = session.get(Programme, int(last.object_id))
        title = shown_text(programme.title, programme.source_key) if programme else ""
    said = label(BULK_RESULT_LABELS, last.action).format(count=last.details.get("count", 0)) if last else ""
    return {"notice": notice, "last_bulk": last, "last_bulk_text": said, "last_bulk_title": title}

"""Programme-first curation and bulk decisions of the RVR staff.

``/staff/programme`` shows one card per programme (with its linked records) and the members it
was proposed to; a decision on a card applies to all of them, or to the members ticked on it.
The member view (``/staff/queue``) posts its selected rows to ``/staff/matches/bulk``. Every bulk
action is one call of ``store.curation.bulk_decide`` and one audit entry; the page then says how
many proposals were decided and offers to undo the staff member's last bulk action.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mailer.config import mail_config
from store import curation
from store.models import Programme
from web.bulk_notice import last_action_notice
from web.csrf import verify_csrf
from web.deps import IdValue, PageNumber, RowId, SessionDep, StaffDep
from web.programme_cards import group_proposal_ids, load_cards
from web.templating import render

router = APIRouter(prefix="/staff", dependencies=[Depends(verify_csrf)], include_in_schema=False)

CARD_ACTIONS = {
    "approve_all": (True, False),
    "reject_all": (False, False),
    "approve_selected": (True, True),
    "reject_selected": (False, True),
}


def _back(target: str, default: str = "/staff/programme") -> str:
    """Only our own staff pages are followed after an action (no open redirect)."""
    return target if target.startswith("/staff/") and not target.startswith("//") else default


def _with(url: str, **params: object) -> str:
    """``url`` with the result parameters of the last action replacing any earlier ones."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in {"bulk", "undone"}]
    query += [(k, str(v)) for k, v in params.items()]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


@router.get("/programme")
def programme_cards(
    request: Request, session: SessionDep, staff: StaffDep, page: PageNumber = 1, q: str = ""
) -> HTMLResponse:
    cards = load_cards(
        session,
        today=date.today(),
        max_chars=mail_config(request.app.state.settings).max_text_chars,
        page=page,
        q=q.strip(),
    )
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render(
        request,
        "staff_programme_cards.html",
        {
            "staff": staff,
            "active": "programme",
            "cards": cards,
            "back": _with(back),
            **last_action_notice(session, staff, request),
        },
    )


@router.post("/programme/{programme_id}/decide")
def decide_programme(
    session: SessionDep,
    staff: StaffDep,
    programme_id: RowId,
    action: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    match_ids: Annotated[list[IdValue], Form()] = [],  # noqa: B006
    back: Annotated[str, Form()] = "/staff/programme",
) -> Response:
    if session.get(Programme, programme_id) is None:
        raise HTTPException(404, f"Programm {programme_id} gibt es nicht.")
    if action not in CARD_ACTIONS:
        raise HTTPException(400, f"Aktion {action!r} ist unbekannt.")
    approve, selected_only = CARD_ACTIONS[action]
    in_group = set(group_proposal_ids(session, programme_id))
    if selected_only:
        ids = [i for i in match_ids if i in in_group]
        if not ids:
            raise HTTPException(400, "Bitte wählen Sie mindestens ein Mitglied aus.")
    else:
        ids = sorted(in_group)
    if not approve and not reason:
        raise HTTPException(400, "Bitte wählen Sie einen Ablehnungsgrund.")
    try:
        result = curation.bulk_decide(
            session,
            ids,
            approve=approve,
            actor=staff.email,
            reviewer_id=staff.id,
            reason=reason,
            note=note,
            programme_id=programme_id,
        )
    except curation.CurationError as exc:
        raise HTTPException(400, str(exc)) from None
    session.commit()
    return RedirectResponse(_with(_back(back), bulk=result.audit_id or "none"), status_code=303)


@router.post("/matches/bulk")
def bulk_matches(
    session: SessionDep,
    staff: StaffDep,
    action: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    match_ids: Annotated[list[IdValue], Form()] = [],  # noqa: B006
    back: Annotated[str, Form()] = "/staff/queue",
) -> Response:
    """The member view's selection: approve or reject every ticked row in one action."""
    if action not in ("approve", "reject"):
        raise HTTPException(400, f"Aktion {action!r} ist unbekannt.")
    if not match_ids:
        raise HTTPException(400, "Bitte wählen Sie mindestens einen Treffer aus.")
    try:
        result = curation.bulk_decide(
            session,
            match_ids,
            approve=action == "approve",
            actor=staff.email,
            reviewer_id=staff.id,
            reason=reason,
            note=note,
        )
    except curation.CurationError as exc:
        raise HTTPException(400, str(exc)) from None
    session.commit()
    return RedirectResponse(_with(_back(back, "/staff/queue"), bulk=result.audit_id or "none"), status_code=303)


@router.post("/bulk/{audit_id}/undo")
def undo_bulk(
    session: SessionDep, staff: StaffDep, audit_id: RowId, back: Annotated[str, Form()] = "/staff/programme"
) -> Response:
    last = curation.last_bulk_action(session, staff.email)
    if last is None or last.id != audit_id:
        raise HTTPException(409, "Nur Ihre letzte Sammelaktion kann rückgängig gemacht werden.")
    try:
        count = curation.undo_bulk(session, audit_id, actor=staff.email)
    except curation.CurationError as exc:
        raise HTTPException(409, str(exc)) from None
    session.commit()
    return RedirectResponse(_with(_back(back), undone=count), status_code=303)

"""Staff onboarding (``/staff/onboarding``): how many members edited their profile, and the action
that invites all of them, or those who never did, by mail to complete it (``web.onboarding``)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from web.csrf import verify_csrf
from web.deps import SessionDep, SettingsDep, StaffDep
from web.onboarding import SCOPE_UNEDITED, SCOPES, InvitationError, invite_members, profile_progress
from web.templating import render

router = APIRouter(prefix="/staff/onboarding", dependencies=[Depends(verify_csrf)], include_in_schema=False)


def _page(request: Request, session, staff, *, result=None, error: str = "", status_code: int = 200) -> HTMLResponse:
    return render(
        request,
        "staff_onboarding.html",
        {
            "staff": staff,
            "active": "dashboard",
            "progress": profile_progress(session),
            "scopes": SCOPES,
            "default_scope": SCOPE_UNEDITED,
            "action_id": secrets.token_hex(16),  # one action per page view (web.onboarding)
            "result": result,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("")
def onboarding(request: Request, session: SessionDep, staff: StaffDep) -> HTMLResponse:
    return _page(request, session, staff)


@router.post("")
def invite(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: StaffDep,
    scope: Annotated[str, Form()],
    action_id: Annotated[str, Form()],
) -> HTMLResponse:
    try:
        result = invite_members(session, settings, scope=scope, action_id=action_id, actor=staff.email)
    except InvitationError as exc:
        return _page(request, session, staff, error=str(exc), status_code=409)
    return _page(request, session, staff, result=result)

"""Annotated dependencies shared by the routers (the full-stack-fastapi-template pattern).

Pages use cookie sessions (Starlette's signed ``SessionMiddleware``): ``staff_id`` for RVR staff,
``member_id`` for a member logged in by magic link. The JSON API uses a bearer token instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.settings import Settings
from store.models import Member, StaffRole, StaffUser
from store.types import MAX_ROW_ID
from web.auth import end_sessions, user_for_api_token

# Ids, pages and offsets from URLs. Row ids are INTEGER columns (32 bits in PostgreSQL), offsets
# 64-bit; a number beyond that (or below the first) would end in an OverflowError or a DataError
# (HTTP 500) instead of a clear answer (422).
MAX_OFFSET = 2**63 - 1
MAX_PAGE = 1_000_000  # (page - 1) * rows per page stays far inside 64 bits

IdValue = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]  # an id in a form list
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="Id eines Datensatzes")]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Seite, ab 1")]
RowOffset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Anzahl übersprungener Einträge")]


class LoginRequired(Exception):
    """Raised by the page dependencies; the app turns it into a redirect to the right login page."""

    def __init__(self, login_path: str) -> None:
        self.login_path = login_path


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


def start_session(request: Request, redirect_to: str, **values) -> RedirectResponse:
    """Log in: a fresh session (and CSRF token) so that no session id chosen by others survives."""
    request.session.clear()
    request.session.update(values)
    return RedirectResponse(redirect_to, status_code=303)


def end_session(request: Request, redirect_to: str) -> RedirectResponse:
    request.session.clear()
    return RedirectResponse(redirect_to, status_code=303)


def end_staff_sessions(request: Request, session: Session, redirect_to: str) -> RedirectResponse:
    """Staff logout: this and every other session of the user ends (a copied cookie is refused after)."""
    user = session_staff(request, session)
    if user is not None:
        end_sessions(user)
        session.add(user)
        session.commit()
    return end_session(request, redirect_to)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]


def session_staff(request: Request, session: Session) -> StaffUser | None:
    """The staff user of the page session, if that session has not been ended since (see ``end_sessions``)."""
    staff_id = request.session.get("staff_id")
    user = session.get(StaffUser, staff_id) if isinstance(staff_id, int) else None
    if user is None or not user.active or request.session.get("staff_session") != user.session_version:
        return None
    return user


def current_staff(request: Request, session: SessionDep) -> StaffUser:
    user = session_staff(request, session)
    if user is None:
        raise LoginRequired("/staff/login")
    return user


StaffDep = Annotated[StaffUser, Depends(current_staff)]


def current_admin(user: StaffDep) -> StaffUser:
    if user.role != StaffRole.admin:
        raise HTTPException(403, "Diese Seite ist der Administration vorbehalten.")
    return user


AdminDep = Annotated[StaffUser, Depends(current_admin)]


# Member pages a login returns to when they were asked for first (the digest links to them); any
# other page, and any value not in this list, leads to the profile after the login.
MEMBER_LOGIN_TARGETS = frozenset({"/member/vorschlaege"})


def member_login_target(value: str) -> str:
    return value if value in MEMBER_LOGIN_TARGETS else ""


def member_login_path(target: str) -> str:
    return f"/member/login?weiter={target}" if member_login_target(target) else "/member/login"


def current_member(request: Request, session: SessionDep) -> Member:
    member_id = request.session.get("member_id")
    member = session.get(Member, member_id) if isinstance(member_id, int) else None
    if member is None:
        raise LoginRequired(member_login_path(request.url.path))
    return member


MemberDep = Annotated[Member, Depends(current_member)]

_bearer = HTTPBearer(auto_error=False, description="Staff-API-Token (foerderradar staff token EMAIL)")


def api_staff(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> StaffUser:
    user = user_for_api_token(session, credentials.credentials) if credentials else None
    if user is None:
        raise HTTPException(
            401, "Gültiges API-Token erforderlich (Authorization: Bearer ...).", headers={"WWW-Authenticate": "Bearer"}
        )
    if not user.active:
        raise HTTPException(403, "Das Konto zu diesem API-Token ist gesperrt.")
    return user


ApiStaffDep = Annotated[StaffUser, Depends(api_staff)]

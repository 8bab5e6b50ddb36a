"""The JSON API for programmes, matches and members (staff API token, ``foerderradar staff token``).

Documented by FastAPI's OpenAPI schema at ``/api/openapi.json``; ``/api/docs`` lists the
endpoints as a plain page (the Swagger UI would need inline scripts and a CDN).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlmodel import col, func, select

from core.deadline_status import deadline_status
from store.explanation import Explanation
from store.models import Match, Member, Profile, Programme
from web.deps import ApiStaffDep, RowId, RowOffset, SessionDep


class ApiError(BaseModel):
    detail: str  # a German sentence naming the problem


router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses={
        401: {"model": ApiError, "description": "Kein oder ungültiges API-Token"},
        403: {"model": ApiError, "description": "Das Konto zum API-Token ist gesperrt"},
    },
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ApiError, "description": "Gibt es nicht"}}
MAX_LIMIT = 500


class DeadlineStatusOut(BaseModel):
    kind: str  # rolling | deadline | next_window | unclear | closed
    when: date | None  # the deadline, the expected opening or the last deadline of a closed call
    label: str  # the German text the pages and the mail show today


class ProgrammeOut(BaseModel):
    id: int
    source_key: str
    natural_key: str
    url: str
    kind: str
    title: str
    teaser_text: str
    level: str
    funder: str
    funding_types: list[str]
    funding_areas: list[str]
    regions: list[str]
    eligible_applicants: list[str]
    funding_rate: str
    status: str
    next_deadline: date | None
    deadlines: list[str]
    yearly_deadlines: list[str]
    rolling: bool
    closed: bool
    next_window_expected: bool
    deadline_status: DeadlineStatusOut
    attribution: str
    updated_at: datetime
    removed_at: datetime | None


class MatchOut(BaseModel):
    id: int
    member_slug: str
    programme_id: int
    score: float
    state: str
    reason: str
    note: str
    explanation: Explanation
    decided_at: datetime | None
    released_at: datetime | None
    sent_at: datetime | None


class MemberOut(BaseModel):
    id: int
    slug: str
    name: str
    kind: str
    kreis: str
    digest_frequency: str
    interests: str
    keywords: list[str]
    exclude: list[str]
    topics: list[str]
    funding_types: list[str]


class ProgrammePage(BaseModel):
    total: int
    items: list[ProgrammeOut]


class MatchPage(BaseModel):
    total: int
    items: list[MatchOut]


@router.get("/programmes", response_model=ProgrammePage, summary="Programme auflisten")
def list_programmes(
    session: SessionDep,
    _: ApiStaffDep,
    source: str = "",
    level: str = "",
    include_removed: bool = False,
    offset: RowOffset = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> dict:
    statement = select(Programme)
    if source:
        statement = statement.where(Programme.source_key == source)
    if level:
        statement = statement.where(Programme.level == level)
    if not include_removed:
        statement = statement.where(col(Programme.removed_at).is_(None))
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(col(Programme.id)).offset(offset).limit(limit)).all()
    return {"total": total, "items": [programme_out(p) for p in rows]}


@router.get("/programmes/{programme_id}", response_model=ProgrammeOut, summary="Ein Programm", responses=NOT_FOUND)
def get_programme(session: SessionDep, _: ApiStaffDep, programme_id: RowId) -> ProgrammeOut:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise HTTPException(404, f"Programm {programme_id} gibt es nicht.")
    return programme_out(programme)


def programme_out(programme: Programme) -> ProgrammeOut:
    """The API view of a programme, with its deadline status computed for today."""
    today = date.today()
    status = deadline_status(programme, today)
    return ProgrammeOut.model_validate(
        {
            **programme.model_dump(),
            "deadline_status": {"kind": status.kind.value, "when": status.when, "label": status.label(today)},
        }
    )


@router.get("/matches", response_model=MatchPage, summary="Treffer auflisten")
def list_matches(
    session: SessionDep,
    _: ApiStaffDep,
    member: str = "",
    state: str = "",
    offset: RowOffset = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> dict:
    statement = select(Match, col(Member.slug)).join(Member, col(Member.id) == col(Match.member_id))
    if member:
        statement = statement.where(Member.slug == member)
    if state:
        statement = statement.where(Match.state == state)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(col(Match.id)).offset(offset).limit(limit)).all()
    items = [
        MatchOut(member_slug=slug, **match.model_dump(include=set(MatchOut.model_fields) - {"member_slug"}))
        for match, slug in rows
    ]
    return {"total": total, "items": items}


def _member_out(member: Member, profile: Profile | None) -> MemberOut:
    profile = profile or Profile(member_id=member.id or 0)
    return MemberOut(
        id=member.id,
        slug=member.slug,
        name=member.name,
        kind=member.kind,
        kreis=member.kreis,
        digest_frequency=member.digest_frequency,
        interests=profile.interests,
        keywords=profile.keywords,
        exclude=profile.exclude,
        topics=profile.topics,
        funding_types=profile.funding_types,
    )


@router.get("/members", response_model=list[MemberOut], summary="Mitglieder mit Profil")
def list_members(session: SessionDep, _: ApiStaffDep) -> list[MemberOut]:
    rows = session.exec(
        select(Member, Profile).outerjoin(Profile, col(Profile.member_id) == col(Member.id)).order_by(col(Member.slug))
    ).all()
    return [_member_out(m, p) for m, p in rows]


@router.get("/members/{slug}", response_model=MemberOut, summary="Ein Mitglied mit Profil", responses=NOT_FOUND)
def get_member(session: SessionDep, _: ApiStaffDep, slug: str) -> MemberOut:
    row = session.exec(
        select(Member, Profile)
        .outerjoin(Profile, col(Profile.member_id) == col(Member.id))
        .where(col(Member.slug) == slug)
    ).first()
    if row is None:
        raise HTTPException(404, f"Mitglied {slug!r} gibt es nicht.")
    return _member_out(*row)


@router.get("/docs", include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    return request.app.state.templates.TemplateResponse(request, "api_docs.html", {"schema": schema})

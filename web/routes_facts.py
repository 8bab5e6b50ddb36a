"""Staff pages of the member facts ("Gemeindedaten"): the overview of all members and the page of one
member, where a fact is corrected with source, date, confidence and a note. Every correction is a new
version and an entry in the Protokoll; the member sees the facts in force on its profile page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import select

from core.labels import german_sort_key
from core.member_facts import CONFIDENCE_LABELS, FACT_FIELDS
from profiles.facts import current_facts, fact_history, record_fact
from store.models import Member, row_id
from web.csrf import verify_csrf
from web.deps import SessionDep, StaffDep
from web.fact_form import BOOL_CHOICES, FactFormError, fact_from_form
from web.templating import render

router = APIRouter(prefix="/staff/members", dependencies=[Depends(verify_csrf)], include_in_schema=False)
OVERVIEW_FACTS = ("ags", "population", "gemeinde_status", "grw_foerdergebiet", "steinkohle_standort", "jtf_gebiet")


def _member(session, slug: str) -> Member:
    member = session.exec(select(Member).where(Member.slug == slug)).first()
    if member is None:
        raise HTTPException(404, f"Mitglied {slug!r} gibt es nicht.")
    return member


@router.get("/")
def overview(request: Request, session: SessionDep, staff: StaffDep) -> HTMLResponse:
    members = sorted(session.exec(select(Member)).all(), key=lambda member: german_sort_key(member.name))
    rows = [(member, current_facts(session, row_id(member))) for member in members]
    return render(
        request,
        "staff_members.html",
        {"staff": staff, "active": "members", "rows": rows, "columns": [FACT_FIELDS[n] for n in OVERVIEW_FACTS]},
    )


def _facts_page(request: Request, session, staff, member: Member, *, errors=None, open_fact="", form=None, status=200):
    return render(
        request,
        "staff_member_facts.html",
        {
            "staff": staff,
            "active": "members",
            "member": member,
            "fields": FACT_FIELDS.values(),
            "history": fact_history(session, row_id(member)),
            "confidences": CONFIDENCE_LABELS,
            "bool_choices": BOOL_CHOICES,
            "errors": errors or [],
            "open_fact": open_fact,
            "form": form or {},
            "saved": request.query_params.get("gespeichert", ""),
        },
        status_code=status,
    )


@router.get("/{slug}/facts")
def member_facts_page(request: Request, session: SessionDep, staff: StaffDep, slug: str) -> HTMLResponse:
    return _facts_page(request, session, staff, _member(session, slug))


@router.post("/{slug}/facts/{name}")
async def correct_fact(request: Request, session: SessionDep, staff: StaffDep, slug: str, name: str) -> Response:
    member = _member(session, slug)
    if name not in FACT_FIELDS:
        raise HTTPException(404, f"Das Merkmal {name!r} gibt es nicht.")
    form = await request.form()
    try:
        fact = fact_from_form(name, form)
    except FactFormError as exc:
        return _facts_page(
            request, session, staff, member, errors=exc.errors, open_fact=name, form=dict(form), status=400
        )
    record_fact(session, member, name, fact, staff.email)
    session.commit()
    return RedirectResponse(f"/staff/members/{member.slug}/facts?gespeichert={name}#fact-{name}", status_code=303)

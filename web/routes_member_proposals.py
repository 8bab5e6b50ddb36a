"""The member's own proposals (``/member/vorschlaege``, the digest's "Ihre Vorschläge" link) and
its verdicts "passt / passt nicht" on them.

Like every member route it works on the session's member only: a match id of another member, or
one the curators have not released, answers 404 (not 403, so that ids of others are not confirmed).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mailer.tokens import VERDICT_DOES_NOT_FIT, VERDICT_FITS
from web.csrf import verify_csrf
from web.deps import MemberDep, SessionDep
from web.member_proposals import member_proposals, own_match, record_verdict
from web.templating import render

router = APIRouter(prefix="/member", dependencies=[Depends(verify_csrf)], include_in_schema=False)
VERDICTS = {VERDICT_FITS: True, VERDICT_DOES_NOT_FIT: False}


@router.get("/vorschlaege")
def proposals_page(request: Request, session: SessionDep, member: MemberDep, seite: int = 1) -> HTMLResponse:
    proposals = member_proposals(session, member, today=date.today(), page=seite)
    saved = request.query_params.get("gespeichert", "")
    title = next((p.item.title for p in proposals.released + proposals.sent if str(p.match.id) == saved), "")
    return render(request, "member_proposals.html", {"member": member, "proposals": proposals, "saved": title})


@router.post("/vorschlaege/{match_id}/{verdict}")
def give_verdict(
    request: Request,
    session: SessionDep,
    member: MemberDep,
    match_id: int,
    verdict: str,
    seite: Annotated[int, Form()] = 1,
):
    fits = VERDICTS.get(verdict)
    match = own_match(session, member, match_id)
    if fits is None or match is None:
        raise HTTPException(404, "Diesen Vorschlag gibt es bei Ihnen nicht.")
    record_verdict(session, member, match, fits=fits, email=request.session.get("member_email", ""))
    session.commit()
    page = f"&seite={seite}" if seite > 1 else ""
    return RedirectResponse(f"/member/vorschlaege?gespeichert={match.id}{page}#vorschlag-{match.id}", status_code=303)

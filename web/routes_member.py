"""Member self-service: magic-link login by a recipient's address, profile, recipients, feeds.

Every route works on the member of the session only: ids in URLs (recipients) are looked up
within that member, so another member's data is never shown or changed (404, not 403, so that
ids of other members are not confirmed either).
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select

from core.labels import FREQUENCY_LABELS
from core.member_facts import CONFIDENCE_LABELS, FACT_FIELDS
from core.vocab import labels, labels_table, topic_label
from profiles.facts import current_facts
from profiles.io import apply_profiles, profile_doc
from profiles.schema import DIGEST_FREQUENCIES, RecipientDoc
from store.models import AuditLog, Member, Profile, Recipient, RecipientStatus, row_id
from store.types import utcnow
from web.csrf import verify_csrf
from web.deps import MemberDep, RowId, SessionDep, SettingsDep, end_session, member_login_target, start_session
from web.live_preview import preview
from web.magic_mail import send_login_links
from web.profile_form import ProfileFormError, join_terms, profile_changes, validated
from web.ratelimit import check_magic_link_allowed, check_reactivation_allowed
from web.reactivation import send_reactivation_mail
from web.templating import render
from web.tokens import (
    INVITATION,
    LOGIN,
    TokenError,
    read_magic_token,
    redeem_magic_token,
)

router = APIRouter(prefix="/member", dependencies=[Depends(verify_csrf)], include_in_schema=False)
SENT_NOTICE = (
    "Wenn die Adresse bei uns für ein Mitglied eingetragen ist, haben wir Ihnen soeben einen "
    "Anmeldelink geschickt. Bitte sehen Sie in Ihr Postfach."
)


# ------------------------------------------------------------------------------------- login


@router.get("/login")
def login_form(request: Request, weiter: str = "") -> HTMLResponse:
    return render(request, "member_login.html", {"notice": "", "weiter": member_login_target(weiter)})


@router.post("/login")
def request_link(
    request: Request,
    settings: SettingsDep,
    background: BackgroundTasks,
    email: Annotated[str, Form()],
    weiter: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The same work and answer for known and unknown addresses: looking up and mailing happen afterwards."""
    address = email.strip().lower()
    check_magic_link_allowed(request, address)
    background.add_task(send_login_links, settings, request.app.state.engine, address, _onward(weiter))
    return render(request, "member_login.html", {"notice": SENT_NOTICE, "weiter": member_login_target(weiter)})


def _onward(weiter: str) -> str:
    """The query that carries the page to open after the login through the link and its confirmation."""
    target = member_login_target(weiter)
    return f"?weiter={target}" if target else ""


def _max_age(settings, purpose: str) -> int:
    if purpose == INVITATION:
        return settings.invitation_max_age_days * 86400
    return settings.magic_link_max_age_seconds


def _confirm(request: Request, settings, token: str, purpose: str, action: str) -> HTMLResponse:
    """A confirmation button instead of logging in on GET: mail scanners that open links do not use them up."""
    try:
        read_magic_token(settings.signing_key(), token, max_age=_max_age(settings, purpose), purpose=purpose)
    except TokenError as exc:
        return render(request, "member_login.html", {"notice": "", "error": str(exc)}, status_code=400)
    return render(request, "member_confirm.html", {"action": action})


@router.get("/login/{token}")
def confirm_link(request: Request, settings: SettingsDep, token: str, weiter: str = "") -> HTMLResponse:
    return _confirm(request, settings, token, LOGIN, f"/member/login/{token}{_onward(weiter)}")


@router.get("/einladung/{token}")
def confirm_invitation(request: Request, settings: SettingsDep, token: str) -> HTMLResponse:
    """The link of a staff invitation to complete the profile (``web.onboarding``)."""
    return _confirm(request, settings, token, INVITATION, f"/member/einladung/{token}")


@router.post("/login/{token}")
def redeem_link(request: Request, session: SessionDep, settings: SettingsDep, token: str, weiter: str = "") -> Response:
    return _redeem(request, session, settings, token, LOGIN, member_login_target(weiter) or "/member/")


@router.post("/einladung/{token}")
def redeem_invitation(request: Request, session: SessionDep, settings: SettingsDep, token: str) -> Response:
    return _redeem(request, session, settings, token, INVITATION, "/member/")


def _redeem(request: Request, session, settings, token: str, purpose: str, target: str) -> Response:
    try:
        link = redeem_magic_token(
            session, settings.signing_key(), token, max_age=_max_age(settings, purpose), purpose=purpose
        )
    except TokenError as exc:
        return render(request, "member_login.html", {"notice": "", "error": str(exc)}, status_code=400)
    recipient = session.get(Recipient, link.recipient_id)
    if recipient is None or recipient.member_id != link.member_id:
        session.rollback()
        return render(
            request,
            "member_login.html",
            {"notice": "", "error": "Diese Adresse ist nicht mehr eingetragen."},
            status_code=400,
        )
    session.add(
        AuditLog(
            actor=recipient.email,
            action="member.login",
            object_type="member",
            object_id=str(link.member_id),
            details={"via": purpose},
        )
    )
    session.commit()
    return start_session(request, target, member_id=link.member_id, member_email=recipient.email)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    return end_session(request, "/member/login")


# ----------------------------------------------------------------------------------- profile


def _page(
    request: Request,
    session,
    member: Member,
    *,
    doc=None,
    errors=None,
    saved=False,
    reactivation_sent="",
    status_code=200,
) -> HTMLResponse:
    doc = doc or profile_doc(session, member)
    recipients = session.exec(select(Recipient).where(Recipient.member_id == member.id).order_by(Recipient.email)).all()
    profile = session.exec(select(Profile).where(Profile.member_id == member.id)).first()
    inferred = list(profile.inferred_topics or []) if profile else []
    excluded = list(profile.excluded_topics or []) if profile else []
    return render(
        request,
        "member_profile.html",
        {
            "member": member,
            "doc": doc,
            "keywords": join_terms(doc.keywords),
            "exclude": join_terms(doc.exclude),
            "recipients": recipients,
            "facts": current_facts(session, row_id(member)),
            "fact_fields": FACT_FIELDS.values(),
            "confidences": CONFIDENCE_LABELS,
            "topic_labels": labels("foerderbereich"),
            "inferred_topics": [(code, topic_label(code)) for code in inferred],
            "excluded_topics": [(code, topic_label(code)) for code in excluded],
            "type_labels": labels("foerderart"),
            "frequencies": {f: FREQUENCY_LABELS[f] for f in DIGEST_FREQUENCIES},
            "errors": errors or [],
            "saved": saved,
            "reactivation_sent": reactivation_sent,
            "base_url": request.app.state.settings.public_base_url.rstrip("/"),
        },
        status_code=status_code,
    )


@router.get("/")
def profile_page(request: Request, session: SessionDep, member: MemberDep) -> HTMLResponse:
    return _page(request, session, member, saved=request.query_params.get("gespeichert") == "1")


@router.post("/profile")
async def save_profile(request: Request, session: SessionDep, member: MemberDep) -> Response:
    doc = profile_doc(session, member)
    try:  # saved by the member, the interests are no longer the preset from the facts
        doc = validated(doc, **profile_changes(await request.form()), preset="")
    except ProfileFormError as exc:
        return _page(request, session, member, errors=exc.errors, status_code=400)
    apply_profiles(session, [doc])
    _audit(
        request,
        session,
        member,
        "profile.update",
        {
            "interests": doc.interests[:200],
            "keywords": doc.keywords,
            "exclude": doc.exclude,
            "topics": doc.topics,
            "funding_types": doc.funding_types,
            "digest_frequency": doc.digest_frequency,
        },
    )
    session.commit()
    return RedirectResponse("/member/?gespeichert=1", status_code=303)


@router.post("/preview")
async def live_preview(request: Request, session: SessionDep, member: MemberDep) -> HTMLResponse:
    try:
        doc = validated(profile_doc(session, member), **profile_changes(await request.form()))
    except ProfileFormError as exc:
        return render(request, "fragments/member_preview.html", {"items": [], "errors": exc.errors})
    items = preview(session, request.app.state.preview_index, member, doc, today=date.today())
    return render(request, "fragments/member_preview.html", {"items": items, "errors": [], "min_score": doc.min_score})


@router.post("/themen")
async def correct_inferred_topics(request: Request, session: SessionDep, member: MemberDep) -> Response:
    """Remove a topic read from the member's words (it is not inferred again), or take it back in."""
    form = await request.form()
    action, code = str(form.get("action") or ""), str(form.get("code") or "")
    known = code in labels_table("foerderbereich") or code in labels_table("unterfoerderbereich")
    if action not in ("entfernen", "aufnehmen") or not known:
        error = f"Erkannte Themen: unbekanntes Thema {code!r}." if not known else "Erkannte Themen: unbekannte Aktion."
        return _page(request, session, member, errors=[error], status_code=400)
    profile = session.exec(select(Profile).where(Profile.member_id == member.id)).one()
    excluded = [c for c in profile.excluded_topics or [] if c != code]
    if action == "entfernen":
        excluded.append(code)
        profile.inferred_topics = [c for c in profile.inferred_topics or [] if c != code and c.split(".")[0] != code]
    profile.excluded_topics = excluded
    session.add(profile)
    _audit(request, session, member, "profile.topics", {"action": action, "code": code})
    session.commit()
    return RedirectResponse("/member/?gespeichert=1#erkannte-themen", status_code=303)


# -------------------------------------------------------------------------------- recipients


@router.post("/recipients")
async def add_recipient(request: Request, session: SessionDep, member: MemberDep) -> Response:
    form = await request.form()
    doc = profile_doc(session, member)
    try:
        new = RecipientDoc(
            email=str(form.get("email") or ""),
            name=str(form.get("name") or "").strip(),
            topics=[str(t) for t in form.getlist("topics")],
        )
        doc = validated(doc, recipients=[r.model_dump() for r in doc.recipients] + [new.model_dump()])
    except ProfileFormError as exc:
        return _page(request, session, member, errors=exc.errors, status_code=400)
    except ValueError as exc:
        return _page(request, session, member, errors=[f"Empfänger: {_first_error(exc)}"], status_code=400)
    apply_profiles(session, [doc])
    _audit(request, session, member, "recipient.add", {"email": new.email})
    session.commit()
    return RedirectResponse("/member/?gespeichert=1", status_code=303)


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return str(errors()[0]["msg"]).removeprefix("Value error, ")
    return str(exc)


def _own_recipient(session, member: Member, recipient_id: int) -> Recipient:
    recipient = session.get(Recipient, recipient_id)
    if recipient is None or recipient.member_id != member.id:
        raise HTTPException(404, "Diesen Empfänger gibt es bei Ihnen nicht.")
    return recipient


@router.post("/recipients/{recipient_id}/delete")
def remove_recipient(request: Request, session: SessionDep, member: MemberDep, recipient_id: RowId) -> Response:
    recipient = _own_recipient(session, member, recipient_id)
    doc = profile_doc(session, member)
    remaining = [r for r in doc.recipients if r.email.casefold() != recipient.email.casefold()]
    if not remaining:
        return _page(
            request,
            session,
            member,
            status_code=400,
            errors=["Empfänger: Mindestens eine Adresse muss eingetragen bleiben."],
        )
    apply_profiles(session, [validated(doc, recipients=[r.model_dump() for r in remaining])])
    _audit(request, session, member, "recipient.remove", {"email": recipient.email})
    session.commit()
    return RedirectResponse("/member/?gespeichert=1", status_code=303)


@router.post("/recipients/{recipient_id}/reactivate")
def reactivate_recipient(
    request: Request, session: SessionDep, settings: SettingsDep, member: MemberDep, recipient_id: int
) -> Response:
    """Double opt-in: the address itself must confirm; the member's click only sends it the link."""
    recipient = _own_recipient(session, member, recipient_id)
    if recipient.status != RecipientStatus.unsubscribed:
        return _page(request, session, member, status_code=400, errors=[f"{recipient.email} ist nicht abgemeldet."])
    check_reactivation_allowed(request, row_id(recipient))
    actor = _actor(request, member)
    if not send_reactivation_mail(session, settings, recipient, actor=actor):
        return _page(
            request,
            session,
            member,
            status_code=503,
            errors=[f"Der Bestätigungslink an {recipient.email} konnte nicht verschickt werden. Bitte später erneut."],
        )
    return _page(request, session, member, reactivation_sent=recipient.email)


@router.post("/feed-token")
def new_feed_token(request: Request, session: SessionDep, member: MemberDep) -> RedirectResponse:
    """Create (or replace, if a feed address leaked) the secret part of the member's feed URLs."""
    member.feed_token = secrets.token_urlsafe(32)
    member.updated_at = utcnow()
    session.add(member)
    _audit(request, session, member, "feed.token")
    session.commit()
    return RedirectResponse("/member/#feeds", status_code=303)


def _actor(request: Request, member: Member) -> str:
    """Who acted on the member's pages: the logged-in address, else the member itself."""
    return str(request.session.get("member_email", f"member:{member.slug}"))


def _audit(
    request: Request, session: Session, member: Member, action: str, details: dict[str, Any] | None = None
) -> None:
    """The audit entry of a change a member made on its own pages (the caller commits)."""
    session.add(
        AuditLog(
            actor=_actor(request, member),
            action=action,
            object_type="member",
            object_id=str(member.id),
            details=details or {},
        )
    )

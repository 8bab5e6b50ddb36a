"""Unsubscribe and feedback links from the digest mails.

These endpoints are reached from mail clients, without a session cookie: the signed token in
the path is the authority, so they live under ``/m/`` and are exempt from the session CSRF check.
A GET never changes anything — mail security scanners follow every link — it only shows a page
with a button; the POST acts. The unsubscribe POST is also the RFC 8058 one-click target named in
the ``List-Unsubscribe`` header (mail clients POST ``List-Unsubscribe=One-Click`` to it).

An unsubscribed address can come back by double opt-in (``web.reactivation``): the unsubscribe
page offers to mail a confirmation link to the address, and that link's page reactivates it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlmodel import Session, col, select

from core.settings import Settings
from core.text_repair import shown_text
from mailer.config import mail_config
from mailer.tokens import (
    VERDICT_DOES_NOT_FIT,
    VERDICT_FITS,
    FeedbackClaim,
    TokenError,
    read_feedback_token,
    read_unsubscribe_token,
)
from store.models import Feedback, Programme, Recipient, RecipientStatus, row_id
from store.types import utcnow
from web.deps import SessionDep, SettingsDep
from web.ratelimit import check_reactivation_allowed
from web.reactivation import change_status, reactivate, recipient_to_reactivate, send_reactivation_mail

router = APIRouter(include_in_schema=False)  # pages for people opening a mail link, not API

_pages = Environment(loader=PackageLoader("templates", "web/mail"), autoescape=select_autoescape(default=True))
# The token sits in the URL: keep it out of referrers, caches and search engines.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _page(template: str, status_code: int = 200, **context) -> HTMLResponse:
    html = _pages.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=PRIVATE_HEADERS)


def _token_error(exc: TokenError) -> HTMLResponse:
    return _page("invalid.html", status_code=410 if exc.expired else 400, message=str(exc))


def _recipient(session: Session, settings, token: str) -> Recipient | HTMLResponse:
    config = mail_config(settings)
    try:
        recipient_id = read_unsubscribe_token(config.secret_key, token, max_age_days=config.token_max_age_days)
    except TokenError as exc:
        return _token_error(exc)
    recipient = session.get(Recipient, recipient_id)
    if recipient is None:
        return _page(
            "invalid.html", status_code=404, message="Diese Adresse ist im Förderradar nicht mehr eingetragen."
        )
    return recipient


@router.get("/m/abmelden/{token}", response_class=HTMLResponse)
def unsubscribe_confirm(token: str, session: SessionDep, settings: SettingsDep):
    found = _recipient(session, settings, token)
    if isinstance(found, HTMLResponse):
        return found
    return _page(
        "unsubscribe_confirm.html",
        email=found.email,
        already=found.status == RecipientStatus.unsubscribed,
        token=token,
    )


@router.post("/m/abmelden/{token}", response_class=HTMLResponse)
def unsubscribe(token: str, session: SessionDep, settings: SettingsDep):
    found = _recipient(session, settings, token)
    if isinstance(found, HTMLResponse):
        return found
    if found.status != RecipientStatus.unsubscribed:
        change_status(session, found, RecipientStatus.unsubscribed, "recipient.unsubscribe")
    return _page("unsubscribe_done.html", email=found.email, token=token)


@router.post("/m/abmelden/{token}/widerrufen", response_class=HTMLResponse)
def request_reactivation(token: str, request: Request, session: SessionDep, settings: SettingsDep):
    """Mail a confirmation link to the unsubscribed address; nothing changes until it is used."""
    found = _recipient(session, settings, token)
    if isinstance(found, HTMLResponse):
        return found
    if found.status != RecipientStatus.unsubscribed:
        return _not_unsubscribed(found)
    check_reactivation_allowed(request, row_id(found))
    sent = send_reactivation_mail(session, settings, found, actor=f"recipient:{found.id}")
    return _page("reactivate_sent.html", status_code=200 if sent else 503, email=found.email, sent=sent)


@router.get("/m/wieder-anmelden/{token}", response_class=HTMLResponse)
def reactivation_confirm(token: str, session: SessionDep, settings: SettingsDep):
    recipient = _to_reactivate(session, settings, token)
    if isinstance(recipient, HTMLResponse):
        return recipient
    return _page("reactivate_confirm.html", email=recipient.email)


@router.post("/m/wieder-anmelden/{token}", response_class=HTMLResponse)
def reactivation(token: str, session: SessionDep, settings: SettingsDep):
    recipient = _to_reactivate(session, settings, token)
    if isinstance(recipient, HTMLResponse):
        return recipient
    reactivate(session, recipient)
    return _page("reactivate_done.html", email=recipient.email, already=False)


def _to_reactivate(session: Session, settings: Settings, token: str) -> Recipient | HTMLResponse:
    """The unsubscribed address a confirmation link is for, or the page that says why not."""
    try:
        recipient = recipient_to_reactivate(session, settings, token)
    except TokenError as exc:
        return _token_error(exc)
    if recipient.status != RecipientStatus.unsubscribed:
        return _not_unsubscribed(recipient)
    return recipient


def _not_unsubscribed(recipient: Recipient) -> HTMLResponse:
    """An address that is not unsubscribed needs no reactivation; a suppressed one cannot get one."""
    if recipient.status == RecipientStatus.suppressed:
        return _page(
            "invalid.html",
            status_code=409,
            message=f"Mails an {recipient.email} kommen nicht an; die Adresse ist deshalb gesperrt.",
        )
    return _page("reactivate_done.html", email=recipient.email, already=True)


@dataclass
class FeedbackTarget:
    claim: FeedbackClaim
    fits: bool
    programme: Programme
    recipient: Recipient

    @property
    def title(self) -> str:
        return shown_text(self.programme.title, self.programme.source_key)


def _feedback_target(session: Session, settings, token: str, verdict: str) -> FeedbackTarget | HTMLResponse:
    """What a feedback link refers to, or the page explaining why it cannot be used."""
    config = mail_config(settings)
    try:
        claim = read_feedback_token(config.secret_key, token, max_age_days=config.token_max_age_days)
    except TokenError as exc:
        return _token_error(exc)
    fits = {VERDICT_FITS: True, VERDICT_DOES_NOT_FIT: False}.get(verdict)
    if fits is None:
        return _page("invalid.html", status_code=404, message="Der Link ist unvollständig.")
    programme = session.get(Programme, claim.programme_id)
    recipient = session.get(Recipient, claim.recipient_id)
    if programme is None or recipient is None or recipient.member_id != claim.member_id:
        return _page("invalid.html", status_code=404, message="Dieses Förderangebot ist nicht mehr bekannt.")
    return FeedbackTarget(claim, fits, programme, recipient)


@router.get("/m/feedback/{token}/{verdict}", response_class=HTMLResponse)
def feedback_confirm(token: str, verdict: str, session: SessionDep, settings: SettingsDep):
    target = _feedback_target(session, settings, token, verdict)
    if isinstance(target, HTMLResponse):
        return target
    return _page("feedback_confirm.html", title=target.title, fits=target.fits)


@router.post("/m/feedback/{token}/{verdict}", response_class=HTMLResponse)
def feedback(token: str, verdict: str, session: SessionDep, settings: SettingsDep):
    target = _feedback_target(session, settings, token, verdict)
    if isinstance(target, HTMLResponse):
        return target
    # One verdict per recipient and programme: a second click (or a change of mind, also one
    # given on the member's proposal page) replaces the first, so repeated clicks do not weigh
    # more in the matcher's learning.
    existing = session.exec(
        select(Feedback).where(
            Feedback.recipient_id == target.recipient.id,
            Feedback.programme_id == target.programme.id,
            col(Feedback.channel).in_(("mail", "web")),
        )
    ).first()
    if existing is None:
        session.add(
            Feedback(
                member_id=target.claim.member_id,
                programme_id=row_id(target.programme),
                recipient_id=target.recipient.id,
                match_id=target.claim.match_id,
                fits=target.fits,
                channel="mail",
            )
        )
    else:
        existing.fits = target.fits
        existing.channel = "mail"
        existing.created_at = utcnow()
        session.add(existing)
    session.commit()
    return _page("feedback_done.html", title=target.title, fits=target.fits)

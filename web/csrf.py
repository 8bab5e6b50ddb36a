"""Cross-site request forgery protection for every state-changing request of the pages.

Two independent checks, both must pass (defence in depth, as in Datasette's ``csrftokens``):
1. Fetch metadata: ``Sec-Fetch-Site`` must be ``same-origin`` (or ``none`` for a typed URL);
   browsers without it must send an ``Origin`` (or at least a ``Referer``) of our own origin.
   A request with none of these headers is refused: it did not come from our pages.
2. A per-session token, in the form field ``csrf_token`` or the ``X-CSRF-Token`` header (htmx).
The JSON API (bearer token, no cookies) and the one-click unsubscribe from mail clients
(RFC 8058) are not cookie-authenticated and so do not use this dependency.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_KEY = "csrf_token"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    """The session's token, created on first use; templates put it into every form."""
    token = request.session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def _own_origins(request: Request) -> set[str]:
    """The origin the request reached, and the public one (behind a TLS-terminating proxy they differ)."""
    origins = {f"{request.url.scheme}://{request.url.netloc}"}
    settings = getattr(request.app.state, "settings", None)
    if settings is not None:
        origins.add(_origin_of(settings.public_base_url))
    return origins


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def check_same_origin(request: Request) -> None:
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        if fetch_site not in ("same-origin", "none"):
            raise HTTPException(403, f"Anfrage von fremder Seite abgelehnt (Sec-Fetch-Site: {fetch_site}).")
        return
    origin = request.headers.get("origin") or ""
    if origin and origin != "null":
        if origin not in _own_origins(request):
            raise HTTPException(403, "Anfrage von fremder Herkunft abgelehnt (Origin).")
        return
    referer = request.headers.get("referer") or ""
    if not referer or _origin_of(referer) not in _own_origins(request):
        raise HTTPException(403, "Anfrage ohne Herkunftsangabe abgelehnt (Origin/Referer fehlt).")


async def verify_csrf(request: Request) -> None:
    """Router dependency: does nothing for safe methods, refuses forged state changes."""
    if request.method in SAFE_METHODS:
        return
    check_same_origin(request)
    expected = request.session.get(SESSION_KEY) or ""
    sent = request.headers.get(HEADER) or ""
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get(FORM_FIELD) or "")
    if not expected or not hmac.compare_digest(expected, sent):
        raise HTTPException(
            403, "Sicherheitsmerkmal (CSRF-Token) fehlt oder ist abgelaufen. Bitte laden Sie die Seite neu."
        )

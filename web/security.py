"""Security headers for every response.

The Content-Security-Policy allows scripts and styles only from our own origin: no inline
scripts, no inline styles, no CDN. htmx is vendored into ``web/static`` and configured through a
``<meta name="htmx-config">`` tag so that it does not inject its indicator ``<style>``.
The only exception is the digest preview, which shows a rendered mail (mails need inline styles):
it is served sandboxed with its own, stricter-in-every-other-way policy (see ``MAIL_PREVIEW_CSP``).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
MAIL_PREVIEW_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"
)
MAIL_PREVIEW_HEADER = "x-foerderradar-mail-preview"

BASE_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
    b"cross-origin-opener-policy": b"same-origin",
}


class SecurityHeadersMiddleware:
    """Adds the headers to every response; a route marks a mail preview with ``MAIL_PREVIEW_HEADER``."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != MAIL_PREVIEW_HEADER.encode()]
                preview = len(headers) != len(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in BASE_HEADERS.items():
                    if name not in present:
                        headers.append((name, value))
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", (MAIL_PREVIEW_CSP if preview else PAGE_CSP).encode()))
                headers.append((b"x-frame-options", b"SAMEORIGIN" if preview else b"DENY"))
                if self.hsts:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

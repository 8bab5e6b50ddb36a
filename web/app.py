"""The web application: staff review, member self-service, feeds, JSON API.

``create_app`` builds one app per settings object (tests build several). The app never starts
a scheduler: the weekly jobs run in ``foerderradar scheduler``, a process of its own.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import escape
from starlette.middleware.sessions import SessionMiddleware

from core.settings import Settings, get_settings
from matcher.api import MatcherCache
from store.db import make_engine
from web.deps import LoginRequired
from web.ratelimit import RateLimits
from web.security import SecurityHeadersMiddleware
from web.templating import make_templates

STATIC_DIR = files("web") / "static"
SESSION_COOKIE = "foerderradar_session"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Förderradar Ruhr",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        description="JSON-API für Programme, Treffer und Mitglieder (Staff-Token erforderlich).",
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.templates = make_templates()
    app.state.rate_limits = RateLimits(app.state.engine)  # shared by all workers on this database
    app.state.preview_index = MatcherCache()

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.signing_key(),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.cookie_secure)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    from web import (
        routes_api,
        routes_curation,
        routes_facts,
        routes_feeds,
        routes_mail,
        routes_member,
        routes_member_proposals,
        routes_onboarding,
        routes_staff,
    )

    app.include_router(routes_staff.router)
    app.include_router(routes_curation.router)
    app.include_router(routes_facts.router)
    app.include_router(routes_onboarding.router)
    app.include_router(routes_member.router)
    app.include_router(routes_member_proposals.router)
    app.include_router(routes_feeds.router)
    app.include_router(routes_api.router)
    app.include_router(routes_mail.router)  # one-click unsubscribe and feedback links of the mails

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/member/login", status_code=303)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    return app


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": exc.login_path})
    return RedirectResponse(exc.login_path, status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Errors as a German page for people and as JSON for the API."""
    assert isinstance(exc, HTTPException)
    headers = getattr(exc, "headers", None)
    if request.url.path.startswith("/api/") or request.headers.get("hx-request"):
        if request.headers.get("hx-request"):
            return HTMLResponse(
                f'<p class="error" role="alert">{_escape(str(exc.detail))}</p>',
                status_code=exc.status_code,
                headers=headers,
            )
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
    return request.app.state.templates.TemplateResponse(
        request,
        "error.html",
        {"status": exc.status_code, "message": exc.detail},
        status_code=exc.status_code,
        headers=headers,
    )


async def _invalid_request(request: Request, exc: Exception) -> Response:
    """A form or query value that does not fit: name the field instead of answering with raw JSON."""
    assert isinstance(exc, RequestValidationError)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
    fields = ", ".join(sorted({str(error["loc"][-1]) for error in exc.errors() if error.get("loc")}))
    return await _http_error(request, HTTPException(422, f"Eingabe fehlt oder ist ungültig: {fields}."))


def _escape(text: str) -> str:
    return str(escape(text))


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory web.app:app_from_environment`` (used by ``foerderradar serve``)."""
    return create_app()

"""The Jinja2 environment of the pages: German dates, labels, the CSRF token.

Autoescape is on for every template; only ``web.sanitize.clean_html`` output is marked safe.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from core.deadline_status import deadline_status
from core.labels import CHANGE_LABELS
from core.member_facts import value_label
from web.csrf import csrf_token
from web.labels import REASON_LABELS, label, level_label, state_label
from web.sanitize import clean_html, safe_url

BERLIN = ZoneInfo("Europe/Berlin")


def de_date(value: date | datetime | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(BERLIN).date()
    return value.strftime("%d.%m.%Y")


def de_datetime(value: datetime | None) -> str:
    return value.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M") if value else ""


def fact_value(value, name: str) -> str:
    return value_label(name, value)


RECORDERS = {"seed": "aus den mitgelieferten Gemeindedaten", "import": "aus einem Datei-Import"}


def recorder(actor: str) -> str:
    """Who recorded a fact version, as a person reads it ("von kurator@rvr.ruhr")."""
    return RECORDERS.get(actor, f"von {actor}")


def source_host(url: str) -> str:
    """The site a source lives on, as link text ("recht.nrw.de")."""
    return (urlsplit(url).hostname or url).removeprefix("www.")


def deadline_label(programme: object) -> str:
    """The programme's deadline status as of today, the same text as in the mail and the CLI."""
    today = date.today()
    return deadline_status(programme, today).label(today)


def make_templates() -> Jinja2Templates:
    env = Environment(loader=PackageLoader("templates", "web"), autoescape=select_autoescape(default=True))
    templates = Jinja2Templates(env=env)
    env.globals.update(csrf_token=csrf_token, label=label, reason_labels=REASON_LABELS, change_labels=CHANGE_LABELS)
    env.filters.update(
        de_date=de_date,
        de_datetime=de_datetime,
        clean_html=clean_html,
        safe_url=safe_url,
        level_label=level_label,
        state_label=state_label,
        fact_value=fact_value,
        source_host=source_host,
        recorder=recorder,
        deadline_label=deadline_label,
    )
    return templates


def render(request: Request, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)

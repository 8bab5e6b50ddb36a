"""The Jinja2 environment of the pages: German dates, labels, the CSRF token.

Autoescape is on for every template; only ``web.sanitize.clean_html`` output is marked safe.
Every code reaches the page through a filter of ``core.labels`` (``|state``, ``|level`` …) or
``label(kind, code)`` for the Förderdatenbank vocabularies; source texts through ``|shown(p)``,
which restores the characters the Förderdatenbank export lost.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from core import labels
from core.deadline_status import deadline_status
from core.member_facts import value_label
from core.text_repair import shown_text
from core.vocab import label
from web.csrf import csrf_token
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
    env.globals.update(
        csrf_token=csrf_token,
        label=label,
        reason_labels=labels.REJECT_REASON_LABELS,
        change_labels=labels.CHANGE_LABELS,
    )
    env.filters.update(
        de_date=de_date,
        de_datetime=de_datetime,
        clean_html=clean_html,
        safe_url=safe_url,
        fact_value=fact_value,
        source_host=source_host,
        recorder=recorder,
        deadline_label=deadline_label,
        shown=shown,
        week=labels.week_label,
        source_name=labels.source_name,
        **{name: _table_filter(table) for name, table in TABLE_FILTERS.items()},
    )
    return templates


TABLE_FILTERS = {
    "change": labels.CHANGE_LABELS,
    "state": labels.MATCH_STATE_LABELS,
    "reason": labels.REJECT_REASON_LABELS,
    "level": labels.LEVEL_LABELS,
    "kind": labels.PROGRAMME_KIND_LABELS,
    "status": labels.PROGRAMME_STATUS_LABELS,
    "run_status": labels.RUN_STATUS_LABELS,
    "role": labels.STAFF_ROLE_LABELS,
    "recipient_status": labels.RECIPIENT_STATUS_LABELS,
    "frequency": labels.FREQUENCY_LABELS,
    "parameter_place": labels.API_PARAMETER_PLACES,
}


def _table_filter(table: dict[str, str]):
    return lambda code: labels.label(table, code)


def shown(text: str, programme) -> str:
    """A programme's stored text as shown: with the export's lost characters restored (see core.text_repair)."""
    return shown_text(text or "", programme.source_key)


def render(request: Request, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)

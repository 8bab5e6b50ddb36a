"""Helpers every CLI command shares: settings, the engine, progress display, error exits."""

from __future__ import annotations

import re
from datetime import date

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import Engine

from core.settings import Settings, SettingsError, get_settings
from foerderradar.exitcodes import ExitCode
from store.db import make_engine

console = Console(soft_wrap=True, highlight=False)
err_console = Console(stderr=True, soft_wrap=True, highlight=False)


def settings_or_exit() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(ExitCode.BAD_INPUT) from None


def engine_from_settings(settings: Settings | None = None) -> Engine:
    return make_engine((settings or settings_or_exit()).database_url)


def fail(message: str, code: int = ExitCode.RUN_FAILED) -> typer.Exit:
    """Print an error for a person and return the exit to raise (the message is shown as written:
    brackets in it, e.g. ``pip install '.[eval]'`` or a user's input, are not read as markup).

    ``code`` comes from the one table in ``foerderradar/exitcodes.py`` (2 = bad usage or input)."""
    err_console.print(f"[red]Fehler:[/red] {escape(message)}")
    return typer.Exit(code)


def progress() -> Progress:
    """The progress display used by every long-running command (quiet when not a terminal)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STICHTAG_HELP = "Stichtag JJJJ-MM-TT für Fristen und Zeiträume, um einen Tag nachzuspielen (Standard: heute)."


def parse_stichtag(value: str | None) -> date | None:
    """The day given with ``--stichtag`` (None without one: the real date applies).

    An operator or a test replays another day with it; the scheduler never passes one. A value
    that is no calendar day ends the command with a German error and exit code 2.
    """
    if value is None:
        return None
    try:
        if not _ISO_DAY.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        message = f"--stichtag {value!r} ist kein gültiges Datum im Format JJJJ-MM-TT (z. B. 2027-01-05)."
        raise fail(message, code=2) from None


def today_or(stichtag: date | None, settings: Settings | None = None) -> date:
    """The replayed day if one was given, else today's local date."""
    return stichtag or local_today(settings)


def local_today(settings: Settings | None = None):
    """Today's date in the service's time zone (Europe/Berlin), which is what users mean by "today"."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo((settings or settings_or_exit()).timezone)).date()

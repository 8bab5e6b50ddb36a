"""Database failures as one German line for a person, instead of a driver traceback.

Every command runs inside ``DatabaseErrorGroup`` (see ``foerderradar/cli.py``), so a database that
cannot be reached, was never initialised, has an old schema or was made without Alembic ends any
command the same way: one line naming the database and what to do, exit code 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
import typer.core
from rich.markup import escape
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from foerderradar.exitcodes import ExitCode
from store.db import UnversionedDatabase

if TYPE_CHECKING:
    # Typer's own copy of click: the type its groups' ``invoke`` takes (typer.Context is a subclass).
    from typer import _click

INIT_HINT = "Führen Sie `foerderradar init` aus."


def _database_name() -> str:
    from core.settings import get_settings

    try:
        return get_settings().masked()["FOERDERRADAR_DATABASE_URL"]
    except Exception:  # noqa: BLE001 - the settings were already read once; never hide the real error
        return "(Datenbank)"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0].strip()


def _unreachable(exc: DBAPIError) -> bool:
    detail = str(exc.orig).lower()
    if "unable to open database file" in detail:
        return True
    orig_type = type(exc.orig)
    # psycopg raises the plain OperationalError class for failed connections; query-time problems
    # (cancelled, lock timeouts) are subclasses of it.
    return orig_type.__name__ == "OperationalError" and orig_type.__module__.startswith("psycopg")


def describe(exc: BaseException) -> str | None:
    """The German line for a database failure, or None if ``exc`` is not one."""
    name = _database_name()
    if isinstance(exc, UnversionedDatabase):
        if exc.differences:
            return (
                f"Die Datenbank {name} wurde ohne Migrationen (Alembic) angelegt und weicht vom aktuellen Schema ab "
                f"({len(exc.differences)} Unterschiede). Sichern Sie die Daten, legen Sie die Datenbank leer neu an "
                "und führen Sie dann `foerderradar init` aus."
            )
        return (
            f"Die Datenbank {name} wurde ohne Migrationen (Alembic) angelegt. Ihr Schema entspricht dem aktuellen "
            "Stand: Führen Sie `foerderradar init --stamp` aus, um sie als aktuell zu kennzeichnen."
        )
    if not isinstance(exc, SQLAlchemyError):
        return None
    if isinstance(exc, DBAPIError):
        detail = str(exc.orig).lower()
        if _unreachable(exc):
            return (
                f"Datenbank {name} nicht erreichbar: {_first_line(exc)}. "
                "Prüfen Sie FOERDERRADAR_DATABASE_URL und ob der Datenbankserver läuft."
            )
        if "no such table" in detail or "undefinedtable" in type(exc.orig).__name__.lower():
            return f"Die Datenbank {name} ist nicht eingerichtet. {INIT_HINT}"
        if "no such column" in detail or "undefinedcolumn" in type(exc.orig).__name__.lower():
            return f"Das Schema der Datenbank {name} ist veraltet. {INIT_HINT}"
    return f"Datenbankfehler ({name}): {_first_line(exc)}"


class DatabaseErrorGroup(typer.core.TyperGroup):
    """The root command group: turns database failures of any command into one German line."""

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (SQLAlchemyError, UnversionedDatabase) as exc:
            from foerderradar.context import err_console

            err_console.print(f"[red]Fehler:[/red] {escape(describe(exc) or '')}")
            raise typer.Exit(ExitCode.RUN_FAILED) from None

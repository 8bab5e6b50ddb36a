"""``foerderradar sources``: every registered source with its last run, status, counts and alarms."""

from __future__ import annotations

import json

import typer
from rich.markup import escape
from rich.table import Table

from core.labels import RUN_STATUS_LABELS, label
from foerderradar.context import console, engine_from_settings, fail, settings_or_exit

STATUS_COLOURS = {"success": "green", "incomplete": "yellow"}


def _when(value) -> str:
    return value.strftime("%d.%m.%Y %H:%M UTC") if value else "–"


def register(app: typer.Typer) -> None:
    @app.command()
    def sources(as_json: bool = typer.Option(False, "--json", help="Als JSON ausgeben.")) -> None:
        """Listet alle Quellen mit letztem Lauf, Status, Zahlen und Alarmen."""
        from sqlalchemy.exc import SQLAlchemyError
        from sqlmodel import Session

        from crawler.health import source_health

        engine = engine_from_settings(settings_or_exit())
        try:
            with Session(engine) as session:
                health = source_health(session)
        except SQLAlchemyError as exc:
            raise fail(
                f"Datenbank nicht lesbar ({exc.__class__.__name__}); bitte zuerst `foerderradar init` ausführen."
            ) from None
        finally:
            engine.dispose()
        if as_json:
            console.print_json(json.dumps([entry.as_dict() for entry in health]))
            return
        table = Table(title="Quellen", show_lines=True)
        for column in (
            "Quelle",
            "Status",
            "Letzter Lauf",
            "Zuletzt erfolgreich",
            "Gelesen / neu / geändert / entfernt",
            "Aktiv",
            "Hinweis",
        ):
            table.add_column(column)
        for entry in health:
            colour = STATUS_COLOURS.get(entry.status, "red")
            status = f"[{colour}]{label(RUN_STATUS_LABELS, entry.status)}[/{colour}]" + (
                " [red](gestört)[/red]" if entry.broken and entry.status != "never" else ""
            )
            table.add_row(
                f"{escape(entry.name)}\n[dim]Kurzname: {entry.key}[/dim]",
                status,
                _when(entry.last_run_at),
                _when(entry.last_success_at),
                f"{entry.seen} / {entry.new} / {entry.changed} / {entry.removed}",
                str(entry.active_programmes),
                escape(entry.reason),
            )
        console.print(table)

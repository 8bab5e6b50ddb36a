"""The ``foerderradar`` command line.

Each command group lives in its own module (``cli_*.py``) and is registered here, so that the
rooms of the house can grow their commands without touching each other.
"""

from __future__ import annotations

import json

import typer

from foerderradar.context import console, settings_or_exit
from foerderradar.db_errors import DatabaseErrorGroup

app = typer.Typer(
    name="foerderradar",
    help="Förderradar Ruhr: Förderprogramme finden, kuratieren und als Wochen-Digest versenden.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=DatabaseErrorGroup,
)


@app.command()
def config(as_json: bool = typer.Option(False, "--json", help="Als JSON ausgeben.")) -> None:
    """Zeigt die wirksamen Einstellungen (Geheimnisse maskiert)."""
    shown = settings_or_exit().masked()
    if as_json:
        console.print_json(json.dumps(shown))
        return
    for name, value in shown.items():
        console.print(f"{name}={value}", highlight=False, markup=False)


@app.command()
def init(
    stamp: bool = typer.Option(
        False, "--stamp", help="Ohne Migrationen angelegte Datenbank als aktuell kennzeichnen (nur ohne Abweichung)."
    ),
) -> None:
    """Legt die Datenbank an oder aktualisiert sie. Mehrfaches Ausführen schadet nicht.

    Datenbankfehler (nicht erreichbar, ohne Migrationen angelegt) enden mit einer Zeile und Code 1.
    """
    settings = settings_or_exit()
    from store.db import init_database, stamp_database

    revision = (stamp_database if stamp else init_database)(settings.database_url)
    console.print(f"Datenbank bereit (Schema {revision}).")


def _register_command_groups() -> None:
    from foerderradar import cli_crawl, cli_demo, cli_mail, cli_match, cli_profiles, cli_sources, cli_web

    for module in (cli_crawl, cli_sources, cli_profiles, cli_match, cli_web, cli_mail, cli_demo):
        module.register(app)


_register_command_groups()

"""``foerderradar profiles …`` and ``foerderradar programmes import``: data that staff maintain by file."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlmodel import Session

from foerderradar.context import console, engine_from_settings, err_console, fail, local_today, settings_or_exit

profiles_app = typer.Typer(help="Mitgliederprofile importieren und exportieren.", no_args_is_help=True)
programmes_app = typer.Typer(help="Von Hand erfasste Programme pflegen.", no_args_is_help=True)


def _ready_engine():
    from store.db import init_database

    settings = settings_or_exit()
    init_database(settings.database_url)
    return engine_from_settings(settings)


@profiles_app.command("import")
def import_profiles(
    file: Path = typer.Argument(..., help="YAML-Datei mit einem Profil oder einer Liste von Profilen."),
    keep_recipients: bool = typer.Option(False, "--keep-recipients", help="Empfänger nur hinzufügen, keine entfernen."),
) -> None:
    """Legt Mitglieder aus einer Profildatei an oder aktualisiert sie. Eine fehlerhafte Datei ändert nichts."""
    from profiles.io import ProfileFileError, apply_profiles, load_profiles_file
    from store.db import session_scope

    try:
        docs = load_profiles_file(file)
    except ProfileFileError as exc:
        raise fail(str(exc), code=2) from None
    with session_scope(_ready_engine()) as session:
        report = apply_profiles(session, docs, replace_recipients=not keep_recipients)
    console.print(
        f"{len(report.created)} Mitglieder angelegt, {len(report.updated)} aktualisiert; "
        f"Empfänger: +{report.recipients_added} / −{report.recipients_removed}; "
        f"{report.facts_changed} Gemeindedaten geändert."
    )


@profiles_app.command("export")
def export(
    file: Path = typer.Argument(..., help="Ziel-Datei (YAML)."),
    member: list[str] = typer.Option([], "--member", help="Nur diese Mitglieder (Kurzname)."),
) -> None:
    """Schreibt Mitglieder, Profile, Empfänger und Gemeindedaten als YAML, das `profiles import` wieder einliest."""
    from profiles.io import export_profiles

    with Session(_ready_engine()) as session:
        text = export_profiles(session, member or None)
    file.write_text(text, encoding="utf-8")
    console.print(f"Profile geschrieben nach {file}.")


@profiles_app.command("seed")
def seed() -> None:
    """Lädt die mitgelieferten Profile und Gemeindedaten der 53 Kommunen, 4 Kreise und des RVR.

    Empfänger, von Mitgliedern geänderte Profile und von Hand korrigierte Gemeindedaten bleiben erhalten.
    """
    from profiles.io import ProfileFileError, seed_profiles
    from store.db import session_scope

    try:
        with session_scope(_ready_engine()) as session:
            count, report = seed_profiles(session)
    except ProfileFileError as exc:
        raise fail(str(exc), code=2) from None
    console.print(
        f"{count} Profile geladen ({len(report.created)} neu), {report.facts_changed} Gemeindedaten eingetragen."
    )


@programmes_app.command("import")
def import_programmes(file: Path = typer.Argument(..., help="JSON- oder CSV-Datei mit Programmen.")) -> None:
    """Übernimmt von Hand erfasste Programme (abgeglichen über die URL).

    Fehlerhafte Zeilen werden gemeldet und übersprungen.
    """
    from core.labels import source_name
    from crawler.manual import SOURCE_KEY, read_manual_file
    from store.ingest import Ingest

    try:
        rows = read_manual_file(file, local_today())
    except ValueError as exc:
        raise fail(str(exc), code=2) from None
    for error in rows.errors:
        err_console.print(f"[yellow]Übersprungen:[/yellow] {error}")
    if not rows.items:
        raise fail(f"{file}: keine gültigen Programme gefunden.", code=2)
    ingest = Ingest(_ready_engine(), SOURCE_KEY, source_name=source_name(SOURCE_KEY))
    try:
        for item in rows.items:
            ingest.add(item)
        run = ingest.finish(complete=True, partial_source=True, stats={"skipped_rows": len(rows.errors)})
    except Exception as exc:  # the run must not stay "running"; the database error is shown as one line
        ingest.fail(f"Import fehlgeschlagen: {str(getattr(exc, 'orig', None) or exc).splitlines()[0][:500]}")
        raise
    console.print(
        f"{run.seen} Programme übernommen: {run.new} neu, {run.changed} geändert, "
        f"{run.unchanged} unverändert; {len(rows.errors)} Zeilen übersprungen."
    )


def register(app: typer.Typer) -> None:
    app.add_typer(profiles_app, name="profiles")
    app.add_typer(programmes_app, name="programmes")

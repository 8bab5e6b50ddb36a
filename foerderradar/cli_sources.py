"""``foerderradar sources``: every source with its last run; ``show`` one run with what it received,
``capture`` a run's responses as a test fixture set."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from core.labels import RUN_STATUS_LABELS, label
from foerderradar.context import console, engine_from_settings, err_console, fail, settings_or_exit

STATUS_COLOURS = {"success": "green", "incomplete": "yellow"}

sources_app = typer.Typer(help="Quellen, ihre Läufe und die dabei empfangenen Antworten.", no_args_is_help=False)


@contextmanager
def _database(settings=None):
    """A session on the configured database (database failures end in ``foerderradar/db_errors.py``'s
    one German line)."""
    from sqlmodel import Session

    engine = engine_from_settings(settings or settings_or_exit())
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _when(value) -> str:
    return value.strftime("%d.%m.%Y %H:%M UTC") if value else "–"


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KB" if count >= 1024 else f"{count} B"


@sources_app.callback(invoke_without_command=True)
def sources(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Als JSON ausgeben.")) -> None:
    """Listet alle Quellen mit letztem Lauf, Status, Zahlen und Alarmen."""
    if ctx.invoked_subcommand is not None:
        return
    from crawler.health import source_health

    with _database() as session:
        health = source_health(session)
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
        shown = label(RUN_STATUS_LABELS, entry.status)
        status = f"[{colour}]{shown}[/{colour}]" + (" [red](gestört)[/red]" if entry.broken else "")
        table.add_row(
            f"{escape(entry.name)}\n[dim]{entry.key}[/dim]",
            status,
            _when(entry.last_run_at),
            _when(entry.last_success_at),
            f"{entry.seen} / {entry.new} / {entry.changed} / {entry.removed}",
            str(entry.active_programmes),
            escape(entry.reason),
        )
    console.print(table)


def _run_of(session, key: str, run_id: int | None):
    """The run ``run_id`` of source ``key`` (its latest run without an id), or a German error exit."""
    from sqlmodel import col, select

    from crawler.registry import find_source
    from store.models import CrawlRun

    try:
        entry = find_source(key)
    except KeyError as exc:
        raise fail(str(exc.args[0]), code=2) from None
    source_key = entry.fallback_for or entry.key
    if run_id is None:
        run = session.exec(
            select(CrawlRun).where(CrawlRun.source_key == source_key).order_by(col(CrawlRun.id).desc()).limit(1)
        ).first()
        if run is None:
            raise fail(f"Die Quelle {source_key} ist noch nie gelaufen.")
        return run
    run = session.get(CrawlRun, run_id)
    if run is None or run.source_key != source_key:
        raise fail(f"Lauf {run_id} ist kein Lauf der Quelle {source_key}.", code=2)
    return run


@sources_app.command()
def show(
    key: str = typer.Argument(..., help="Quelle, z. B. brms (siehe `foerderradar sources`)."),
    run_id: int | None = typer.Option(None, "--run", help="Nummer des Laufs (Standard: der letzte)."),
    as_json: bool = typer.Option(False, "--json", help="Als JSON ausgeben."),
) -> None:
    """Zeigt einen Lauf: Zahlen, Alarme, Struktur und jede dabei empfangene Antwort."""
    from crawler.archive import run_archive, run_responses
    from crawler.drift import fingerprint_of

    with _database() as session:
        run = _run_of(session, key, run_id)
        archive = run_archive(session, run.id)
        responses = run_responses(session, run.id)
        fingerprint = fingerprint_of(session, run.id)
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "run": run.id,
                    "source": run.source_key,
                    "status": run.status,
                    "started_at": run.started_at.isoformat(),
                    "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                    "seen": run.seen,
                    "alarms": run.alarms,
                    "error": run.error,
                    "spider_url": archive.spider_url if archive else None,
                    "fingerprint": fingerprint,
                    "responses": [
                        {
                            "seq": r.seq,
                            "method": r.method,
                            "url": r.url,
                            "status": r.status,
                            "headers": r.headers,
                            "fetched_at": r.fetched_at.isoformat(),
                            "bytes": r.body_bytes,
                            "sha256": r.body_sha256,
                        }
                        for r in responses
                    ],
                }
            )
        )
        return
    shown = label(RUN_STATUS_LABELS, run.status)
    console.print(f"[bold]Lauf {run.id} der Quelle {run.source_key}[/bold]: {shown}, gestartet {_when(run.started_at)}")
    console.print(f"  gelesen {run.seen}, neu {run.new}, geändert {run.changed}, entfernt {run.removed}")
    for alarm in run.alarms or []:
        console.print(f"  [yellow]Alarm:[/yellow] {escape(alarm)}")
    if run.error:
        console.print(f"  [red]Fehler:[/red] {escape(run.error)}")
    for group, seen in (fingerprint or {}).items():
        found = ", ".join(f"{escape(k)} {n}" for k, n in sorted(seen["keys"].items()))
        console.print(f"  Struktur {escape(group)} ({seen['units']}): {found or '–'}")
    if archive is None or not responses:
        console.print("  Für diesen Lauf sind keine Antworten gespeichert (nie archiviert oder schon gelöscht).")
        return
    table = Table(title=f"Empfangene Antworten (Start: {escape(archive.spider_url)})")
    for column in ("Nr.", "Methode", "Status", "Adresse", "Größe", "Zeit"):
        table.add_column(column)
    for r in responses:
        table.add_row(str(r.seq), r.method, str(r.status), escape(r.url), _size(r.body_bytes), _when(r.fetched_at))
    console.print(table)


@sources_app.command()
def capture(
    key: str = typer.Argument(..., help="Quelle, z. B. brms."),
    run_id: int | None = typer.Option(None, "--run", help="Nummer des Laufs (Standard: der letzte)."),
    to: Path = typer.Option(..., "--to", help="Leerer Zielordner für die Testdaten."),
) -> None:
    """Schreibt die Antworten eines Laufs als Testdaten (Dateien und routes.json für den Testserver)."""
    from crawler.archive import BlobStore
    from crawler.capture import CaptureError, write_capture

    settings = settings_or_exit()
    with _database(settings) as session:
        run = _run_of(session, key, run_id)
        assert settings.archive_dir is not None  # Settings fill it from the data directory
        try:
            written = write_capture(session, BlobStore(settings.archive_dir), run.id, to)
        except CaptureError as exc:
            raise fail(str(exc)) from None
    console.print(
        f"{len(written.responses)} Antworten von Lauf {written.run} ({written.source}) nach {to} geschrieben."
    )
    err_console.print("Wiedergabe im Test: url = server.add_capture(Ordner), dann den Spider mit dieser URL starten.")


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")

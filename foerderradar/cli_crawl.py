"""``foerderradar crawl``: run source spiders against the configured (or given) URLs."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from core.settings import Settings
from crawler.app_settings import application_settings
from foerderradar.context import STICHTAG_HELP, console, err_console, fail, parse_stichtag, settings_or_exit
from foerderradar.exitcodes import ExitCode


def crawl_sources(
    settings: Settings,
    keys: list[str],
    arguments: dict[str, dict[str, str]] | None = None,
    overrides: dict[str, Any] | None = None,
    today: date | None = None,
):
    """Crawl the named sources in this process, then link records of the same programme across
    sources; returns the CrawlRuns in order.

    Each spider gets its configured URL; ``arguments`` ({source key: spider arguments}) replaces it
    or adds others (a local server's URL, the demo's product ids). ``today`` (``--stichtag``) is the
    day every spider judges deadlines and changes against; without it each uses the real date."""
    from crawler.linking import link_programmes
    from crawler.registry import find_source
    from crawler.runner import CrawlRequest, run_crawls
    from store.db import make_engine

    requests = []
    for key in keys:
        entry = find_source(key)
        kwargs = {entry.url_argument: getattr(settings, entry.url_setting)} | (arguments or {}).get(entry.key, {})
        if today is not None:
            kwargs["today"] = today.isoformat()
        requests.append(CrawlRequest(entry.spider_cls(), kwargs))
    runs = run_crawls(settings.database_url, requests, application_settings(settings) | (overrides or {}))
    engine = make_engine(settings.database_url)
    try:
        link_programmes(engine)
    finally:
        engine.dispose()
    return runs


def log_to_stderr(level: str) -> None:
    """Scrapy and the spiders log through ``logging``; show it on stderr with German level names."""
    import logging
    import sys

    from foerderradar.log_format import GermanLevelFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)  # Scrapy sets the root logger's level itself when a crawl starts
    handler.setFormatter(GermanLevelFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h.formatter, GermanLevelFormatter)]
    root.addHandler(handler)
    root.setLevel(level)


def print_runs(runs) -> bool:
    """Print one line per run; returns False when a run failed."""
    ok = True
    for run in runs:
        colour = {"success": "green", "incomplete": "yellow"}.get(run.status, "red")
        console.print(
            f"[bold]{run.source_key}[/bold]: [{colour}]{run.status}[/{colour}] — gelesen {run.seen}, "
            f"neu {run.new}, geändert {run.changed}, unverändert {run.unchanged}, entfernt {run.removed}"
            + (f", ungültig {run.invalid}" if run.invalid else "")
        )
        for alarm in run.alarms:
            err_console.print(f"  [yellow]Alarm:[/yellow] {alarm}")
        if run.error:
            err_console.print(f"  [red]Fehler:[/red] {run.error}")
        ok = ok and run.status != "failed"
    return ok


def register(app: typer.Typer) -> None:
    @app.command()
    def crawl(
        source: str = typer.Argument("", help="Quelle, z. B. foerderdatenbank (siehe `foerderradar sources`)."),
        all_sources: bool = typer.Option(False, "--all", help="Alle Quellen nacheinander crawlen (ohne Ersatzwege)."),
        url: str = typer.Option("", help="Abweichende URL für diese eine Quelle (z. B. ein lokaler Server)."),
        stichtag: str | None = typer.Option(None, "--stichtag", help=STICHTAG_HELP),
    ) -> None:
        """Liest eine Quelle (oder alle) und speichert Änderungen.

        Endet mit Code 1, wenn ein Lauf fehlschlägt (unvollständige Läufe warnen), und mit Code 3,
        wenn die Quelle gerade von einem anderen Crawl gelesen wird.
        """
        from crawler.registry import find_source, primary_sources

        day = parse_stichtag(stichtag)
        settings = settings_or_exit()
        if all_sources == bool(source):
            raise fail("Bitte genau eine Quelle angeben oder --all.", code=2)
        try:
            keys = [entry.key for entry in primary_sources()] if all_sources else [find_source(source).key]
        except KeyError as exc:
            raise fail(str(exc.args[0]), code=2) from None
        arguments = {keys[0]: {find_source(keys[0]).url_argument: url}} if url and not all_sources else {}
        from crawler.source_lease import SourceBusy
        from store.db import init_database

        init_database(settings.database_url)
        log_to_stderr(settings.crawl_log_level)
        try:
            with console.status(f"Crawle {', '.join(keys)} …"):
                runs = crawl_sources(settings, keys, arguments, today=day)
        except SourceBusy as exc:
            raise fail(str(exc), code=ExitCode.RETRY_LATER) from None
        if not print_runs(runs):
            raise typer.Exit(ExitCode.RUN_FAILED)
        if len(runs) < len(keys):
            raise fail(f"{len(keys) - len(runs)} Lauf/Läufe ohne Ergebnis abgebrochen (siehe Log oben).")

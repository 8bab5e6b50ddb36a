"""``foerderradar digest …``, ``bounces process``, ``run-weekly`` and ``scheduler``: the mail side."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer
from sqlmodel import Session, col, select

from core.labels import week_label
from foerderradar.context import (
    STICHTAG_HELP,
    console,
    engine_from_settings,
    err_console,
    fail,
    local_today,
    parse_stichtag,
    settings_or_exit,
    today_or,
)
from foerderradar.exitcodes import ExitCode

digest_app = typer.Typer(help="Digests vorschauen, freigeben und versenden.", no_args_is_help=True)
bounces_app = typer.Typer(help="Unzustellbarkeitsmeldungen (Bounces) verarbeiten.", no_args_is_help=True)


def _ready(settings):
    from store.db import init_database

    init_database(settings.database_url)
    return engine_from_settings(settings)


def _period(value: str, settings, today=None) -> str:
    """The ISO week given, else the week of ``today`` (the --stichtag, else the real date)."""
    from mailer.periods import PeriodError, current_period, parse_period

    if not value:
        return current_period(today or local_today(settings))
    try:
        parse_period(value)
    except PeriodError as exc:
        raise fail(str(exc), code=2) from None
    return value


def _print_send(report, as_json: bool, timezone: str) -> None:
    """The run's figures; the last line says what is left (a cron mail shows it first)."""
    if as_json:
        console.print_json(json.dumps(asdict(report), default=str))
        return
    console.print(
        f"Versendet: {report.sent}; schon früher versendet: {report.already_sent}; "
        f"fehlgeschlagen: {report.failed} (davon später erneut: {report.deferred}); "
        + (f"zurückgestellt: {report.postponed}; " if report.postponed else "")
        + f"ohne Neuigkeiten: {report.members_without_news}"
    )
    for slug, count in sorted(report.per_member.items()):
        console.print(f"  {slug}: {count}")
    console.print(_left_line(report, timezone))


def _left_line(report, timezone: str) -> str:
    from zoneinfo import ZoneInfo

    if not report.waiting:
        return "Keine Mail wartet auf einen neuen Versuch."
    when = report.next_attempt_at.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M Uhr")
    noun = "Mail wartet" if report.waiting == 1 else "Mails warten"
    return f"{report.waiting} {noun} auf einen neuen Versuch ab {when}"


def weekly_exit_code(crawl_code: int | None, send_code: ExitCode) -> ExitCode:
    """A failed crawl (any code but 0 and 3) fails the weekly run; a busy source or mails left for
    later make it "retry later"."""
    crawl = ExitCode.OK if crawl_code is None else ExitCode.RUN_FAILED
    if crawl_code in (ExitCode.OK, ExitCode.RETRY_LATER):
        crawl = ExitCode(crawl_code)
    for code in (ExitCode.RUN_FAILED, ExitCode.RETRY_LATER):
        if code in (crawl, send_code):
            return code
    return ExitCode.OK


def send_exit_code(report) -> ExitCode:
    """Mails left for a retry win over permanent failures: a retry run is still worth scheduling."""
    if report.waiting:
        return ExitCode.RETRY_LATER
    if report.failed > report.deferred:
        return ExitCode.RUN_FAILED
    return ExitCode.OK


@digest_app.command("send")
def send(
    period: str = typer.Option("", "--period", help="ISO-Woche, z. B. 2026-W48 (Standard: diese Woche)."),
    member: list[str] = typer.Option([], "--member", help="Nur diese Mitglieder (Kurzname)."),
    as_json: bool = typer.Option(False, "--json", help="Ergebnis als JSON."),
    stichtag: str | None = typer.Option(None, "--stichtag", help=STICHTAG_HELP),
) -> None:
    """Versendet die fälligen Digests eines Zeitraums. Ein zweiter Aufruf schickt niemandem eine zweite Mail."""
    from mailer.config import mail_config
    from mailer.send import send_period

    settings = settings_or_exit()
    today = today_or(parse_stichtag(stichtag), settings)
    chosen = _period(period, settings, today)
    engine = _ready(settings)
    try:
        with console.status(f"Versende Digests {chosen} …"):
            report = send_period(engine, mail_config(settings), period=chosen, today=today, member_slugs=member or None)
    except ValueError as exc:
        raise fail(str(exc), code=ExitCode.BAD_INPUT) from None
    _print_send(report, as_json, settings.timezone)
    raise typer.Exit(send_exit_code(report))


@digest_app.command("urgent")
def urgent(
    member: list[str] = typer.Option([], "--member", help="Nur diese Mitglieder (Kurzname)."),
    as_json: bool = typer.Option(False, "--json", help="Ergebnis als JSON."),
    stichtag: str | None = typer.Option(None, "--stichtag", help=STICHTAG_HELP),
) -> None:
    """Versendet Eilmeldungen: vorgezogene Fristen, geschlossene Programme, ausgeschöpfte Mittel, die
    nicht bis zum nächsten Digest warten können. Höchstens eine Eilmeldung je Empfänger und Tag."""
    from mailer.config import mail_config
    from mailer.send import send_urgent_alerts

    settings = settings_or_exit()
    today = today_or(parse_stichtag(stichtag), settings)
    engine = _ready(settings)
    try:
        report = send_urgent_alerts(engine, mail_config(settings), today=today, member_slugs=member or None)
    except ValueError as exc:
        raise fail(str(exc), code=ExitCode.BAD_INPUT) from None
    _print_send(report, as_json, settings.timezone)
    raise typer.Exit(send_exit_code(report))


@digest_app.command("preview")
def preview(
    member: str = typer.Option(..., "--member", help="Kurzname des Mitglieds, z. B. schermbeck."),
    out: Path = typer.Option(None, "--out", help="Ziel-Datei (HTML; .txt schreibt die Textfassung)."),
    period: str = typer.Option("", "--period", help="ISO-Woche (Standard: diese Woche)."),
    recipient: str = typer.Option("", "--recipient", help="Aus Sicht dieser Empfängeradresse (Themen)."),
    stichtag: str | None = typer.Option(None, "--stichtag", help=STICHTAG_HELP),
) -> None:
    """Schreibt den nächsten Digest eines Mitglieds in eine Datei, ohne etwas zu versenden oder zu ändern."""
    from mailer.assemble import assemble_digest
    from mailer.config import mail_config
    from mailer.render import render_digest
    from store.models import Member, Recipient

    settings = settings_or_exit()
    today = today_or(parse_stichtag(stichtag), settings)
    chosen = _period(period, settings, today)
    config = mail_config(settings)
    with Session(engine_from_settings(settings)) as session:
        found = session.exec(select(Member).where(Member.slug == member)).first()
        if found is None:
            raise fail(f"Mitglied {member!r} gibt es nicht (siehe `foerderradar profiles export`).", code=2)
        who = None
        if recipient:
            who = session.exec(
                select(Recipient).where(Recipient.member_id == found.id, Recipient.email == recipient)
            ).first()
            if who is None:
                raise fail(f"{recipient!r} ist kein Empfänger von {member}.", code=2)
        content = assemble_digest(session, found, chosen, today=today, recipient=who, config=config)
    rendered = render_digest(content, config)
    target = out or Path(f"digest-{member}-{chosen}.html")
    target.write_text(rendered.text if target.suffix == ".txt" else rendered.html, encoding="utf-8")
    console.print(f"Betreff: {rendered.subject}")
    if content.nothing_new:
        err_console.print("Hinweis: nichts Neues – ohne „Nichts Neues“-Wunsch würde keine Mail versendet.")
    console.print(
        f"Vorschau geschrieben nach {target} ({len(content.items)} Angebote, "
        f"{len(content.reminders)} Erinnerungen, {len(content.changes)} Änderungen)."
    )


@digest_app.command("release")
def release(
    member: list[str] = typer.Option([], "--member", help="Kurzname (mehrfach möglich)."),
    all_members: bool = typer.Option(False, "--all", help="Alle Mitglieder freigeben."),
    period: str = typer.Option("", "--period", help="ISO-Woche (Standard: diese Woche)."),
    actor: str = typer.Option("cli", "--actor", help="Wer freigibt (für das Protokoll)."),
) -> None:
    """Gibt die bestätigten Treffer von Mitgliedern zum Versand frei."""
    from store.curation import digest_is_frozen, release_member_digest
    from store.db import session_scope
    from store.models import Member, row_id

    settings = settings_or_exit()
    if all_members == bool(member):
        raise fail("Bitte --member SLUG oder --all angeben.", code=2)
    chosen = _period(period, settings)
    with session_scope(_ready(settings)) as session:
        query = select(Member).order_by(col(Member.slug))
        members = session.exec(query if all_members else query.where(col(Member.slug).in_(member))).all()
        missing = sorted(set(member) - {m.slug for m in members})
        if missing:
            raise fail(f"Unbekannte Mitglieder: {', '.join(missing)}", code=2)
        for found in members:
            already_sent = digest_is_frozen(session, row_id(found), chosen)
            count = release_member_digest(session, row_id(found), period=chosen, actor=actor)
            console.print(f"{found.name}: {count} Treffer freigegeben ({week_label(chosen)}).")
            if already_sent:
                console.print(
                    f"  Der Digest für {week_label(chosen)} ist bereits versandt; "
                    "die Treffer gehen mit dem nächsten Digest hinaus."
                )


@bounces_app.command("process")
def bounces_process(as_json: bool = typer.Option(False, "--json", help="Ergebnis als JSON.")) -> None:
    """Liest das Bounce-Postfach (FOERDERRADAR_BOUNCE_MAILDIR_PATH) und sperrt Adressen, die nicht zustellbar sind."""
    from foerderradar.jobs import process_bounces

    settings = settings_or_exit()
    _ready(settings)
    report = process_bounces(settings)
    if as_json:
        console.print_json(json.dumps(asdict(report)))
        return
    console.print(
        f"{report.messages} Nachrichten gelesen, {report.failures} Zustellfehler, "
        f"{report.not_bounces} ohne Zustellfehler."
    )
    for address in report.suppressed:
        console.print(f"  gesperrt: {address}")


def register(app: typer.Typer) -> None:
    app.add_typer(digest_app, name="digest")
    app.add_typer(bounces_app, name="bounces")

    @app.command("run-weekly")
    def run_weekly(
        crawl: bool = typer.Option(True, "--crawl/--no-crawl", help="Vorher alle Quellen crawlen."),
        as_json: bool = typer.Option(False, "--json", help="Ergebnis als JSON."),
        stichtag: str | None = typer.Option(None, "--stichtag", help=STICHTAG_HELP),
    ) -> None:
        """Führt den Wochenlauf jetzt aus: crawlen, zuordnen, automatisch freigeben, Fälliges versenden."""
        from foerderradar.jobs import run_weekly as run

        day = parse_stichtag(stichtag)
        settings = settings_or_exit()
        _ready(settings)
        report = run(settings, day, crawl=crawl)
        if as_json:
            console.print_json(json.dumps(asdict(report), default=str))
        else:
            if report.crawl_exit_code:
                err_console.print(f"[yellow]Crawl mit Fehlern beendet (Code {report.crawl_exit_code}).[/yellow]")
            console.print(
                f"Abgeglichen: {len(report.matched)} Mitglieder; automatisch freigegeben: "
                f"{sum(report.auto_released.values())} Treffer."
            )
            _print_send(report.send, False, settings.timezone)
            if report.urgent and report.urgent.sent:
                console.print(f"Eilmeldungen: {report.urgent.sent}")
        raise typer.Exit(weekly_exit_code(report.crawl_exit_code, send_exit_code(report.send)))

    @app.command()
    def scheduler() -> None:
        """Führt den Zeitplan aus, bis er beendet wird.

        Sonntagnacht crawlen, Dienstag 08:00 versenden, tägliche Prüfungen.
        """
        import logging

        from foerderradar.scheduler import run_scheduler

        settings = settings_or_exit()
        _ready(settings)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        try:
            run_scheduler(settings)
        except ValueError as exc:
            raise fail(str(exc), code=2) from None

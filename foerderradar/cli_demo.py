"""``foerderradar demo``: the weekly pipeline on the bundled snapshots, with a summary for people."""

from __future__ import annotations

import json

import typer
from rich.markup import escape

from core.labels import RUN_STATUS_LABELS, label
from foerderradar.context import console, local_today, settings_or_exit


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(as_json: bool = typer.Option(False, "--json", help="Zusammenfassung als JSON ausgeben.")) -> None:
        """Führt crawlen → zuordnen → freigeben → versenden mit den mitgelieferten Snapshots aus (ohne Netz)."""
        from foerderradar.demo import run_demo

        settings = settings_or_exit()
        with console.status("Demo läuft …") as status:
            summary = run_demo(settings, local_today(settings), progress=lambda m: status.update(f"{m} …"))
        if as_json:
            console.print_json(
                json.dumps(
                    {
                        "period": summary.period,
                        "runs": [
                            {
                                "source": r.source_key,
                                "status": r.status,
                                "seen": r.seen,
                                "new": r.new,
                                "changed": r.changed,
                                "alarms": r.alarms,
                                "error": r.error,
                            }
                            for r in summary.runs
                        ],
                        "sources": [source.as_dict() for source in summary.sources],
                        "programmes_per_source": summary.programmes_per_source,
                        "open_programmes": summary.open_programmes,
                        "matches_per_member": summary.matches_per_member,
                        "members_without_matches": summary.members_without_matches,
                        "proposed_left": summary.proposed_left,
                        "digests_sent": summary.digests_sent,
                        "digests_already_sent": summary.digests_already_sent,
                        "outbox": summary.outbox,
                        "member_fit": summary.member_fit,
                        "digest_diversity": summary.diversity.as_dict(),
                    }
                )
            )
            return
        console.print(f"[bold]Förderradar Ruhr — Demo-Lauf für {summary.period}[/bold]")
        console.print("\n[bold]Quellen im Demo[/bold] (nur echte, gespeicherte Antworten)")
        runs = {run.source_key: run for run in summary.runs}
        for source in summary.sources:
            run = runs.get(source.key)
            state = f" (Lauf: {label(RUN_STATUS_LABELS, run.status)})" if run else ""
            console.print(f"  {escape(source.line)}{state}")
            if run is not None and run.error:
                console.print(f"    Fehler: {escape(run.error)}")
        total = sum(summary.programmes_per_source.values())
        console.print(
            f"\n[bold]Programme gespeichert:[/bold] {total} (davon {summary.open_programmes} nicht abgelaufen)"
        )
        console.print(
            f"\n[bold]Freigegebene Treffer je Mitglied[/bold] ({len(summary.matches_per_member)} Mitglieder "
            f"mit Treffern; {summary.proposed_left} weitere Vorschläge warten auf der Review-Seite)"
        )
        for slug, count in sorted(summary.matches_per_member.items(), key=lambda kv: (-kv[1], kv[0])):
            console.print(f"  {slug}: {count}")
        if summary.members_without_matches:
            console.print(
                f"\n[bold]Ohne Treffer[/bold] ({len(summary.members_without_matches)}): "
                + ", ".join(summary.members_without_matches)
            )
        fit = summary.member_fit
        if fit:
            left_out = ", ".join(f"{reason} {n}" for reason, n in fit["excluded_by_member_filters"].items()) or "keine"
            console.print(
                f"\n[bold]Merkmale der Mitglieder[/bold]: {fit['members_with_facts']} Mitglieder mit Merkmalen; "
                f"ausgeschlossen: {escape(left_out)}; {fit['matches_with_checks']} Treffer mit „bitte prüfen“, "
                f"{fit['matches_with_own_share']} mit Eigenanteil"
            )
        d = summary.diversity
        console.print(
            f"\n[bold]Vielfalt der Digests:[/bold] {d.distinct_digests} verschiedene bei {d.members_with_digest} "
            f"Mitgliedern (größte gleiche Gruppe: {d.largest_identical_group}; gleich wie ein Mitglied anderer Art "
            f"mit anderem Profil: {d.same_digest_other_kind}); von {d.usable_programmes} offenen, "
            f"für Kommunen nutzbaren Programmen erreichen {d.usable_in_a_digest} einen Digest "
            f"({d.share_in_a_digest:.0%}) und {d.usable_proposed} einen Vorschlag ({d.share_proposed:.0%})"
        )
        console.print(
            f"\n[bold]Digests versendet:[/bold] {summary.digests_sent}"
            + (
                f" (bereits in dieser Woche versendet: {summary.digests_already_sent})"
                if summary.digests_already_sent
                else ""
            )
            + f" → {summary.outbox}"
        )
        look = f"ls {summary.outbox}/new" if summary.outbox_is_maildir else f"im Postfach hinter {summary.outbox}"
        console.print(
            "\n[bold]Wie geht es weiter?[/bold]\n"
            f"  Digests ansehen:      {look}\n"
            "  Treffer eines Mitglieds: foerderradar matches --member schermbeck\n"
            "  Review-Seite starten:  foerderradar staff add IHRE@ADRESSE --role admin\n"
            "                        FOERDERRADAR_COOKIE_SECURE=false foerderradar serve\n"
            "  Quellen prüfen:        foerderradar sources"
        )

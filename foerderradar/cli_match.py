"""``foerderradar match``, ``matches``, ``match explain`` and ``match evaluate``: the matcher's commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypedDict

import typer
from rich.table import Table
from sqlmodel import Session, col, select

from core.labels import MATCH_STATE_LABELS, german_sort_key, label, source_name
from core.text_repair import shown_text
from foerderradar.context import (
    STICHTAG_HELP,
    console,
    engine_from_settings,
    fail,
    local_today,
    parse_stichtag,
    progress,
)
from foerderradar.exitcodes import ExitCode
from store.models import Match, MatchState, Member, Profile, Programme

match_app = typer.Typer(help="Förderprogramme den Mitgliedern zuordnen (Matching).", no_args_is_help=False)


NOTHING_SHARED = "nicht vorgeschlagen: Ihr Profil und das Programm haben nichts gemeinsam (kein Wort, Stichwort, Thema)"


@match_app.callback(invoke_without_command=True)
def match(
    ctx: typer.Context,
    member: list[str] = typer.Option(None, "--member", "-m", help="Nur dieses Mitglied (Slug); mehrfach möglich."),
    stichtag: str | None = typer.Option(None, "--stichtag", help=STICHTAG_HELP),
    as_json: bool = typer.Option(False, "--json", help="Bericht als JSON ausgeben."),
) -> None:
    """Match all members (or the given ones) against the open programmes; shows progress."""
    if ctx.invoked_subcommand is not None:
        return
    from matcher.api import match_members

    day = parse_stichtag(stichtag)
    engine = engine_from_settings()
    with Session(engine) as session:
        total = (
            len(member)
            if member
            else len(session.exec(select(Member.id).join(Profile, col(Profile.member_id) == col(Member.id))).all())
        )
        names = dict(session.exec(select(Member.slug, Member.name)).all())
    with progress() as bar:
        task = bar.add_task("Matching", total=total)
        try:
            report = match_members(
                engine, member_slugs=member or None, today=day, progress=lambda _slug: bar.advance(task)
            )
        except ValueError as exc:
            raise fail(str(exc), code=ExitCode.BAD_INPUT) from None
    if as_json:
        console.print_json(
            json.dumps({"programmes": report.programmes, "per_member": report.per_member, "excluded": report.excluded})
        )
        return
    console.print(f"{report.programmes} offene Programme, {len(report.per_member)} Mitglieder abgeglichen.")
    for slug, count in sorted(report.per_member.items(), key=lambda entry: german_sort_key(names.get(entry[0], ""))):
        excluded = ", ".join(f"{n} {reason}" for reason, n in report.excluded.get(slug, {}).items())
        console.print(
            f"  {names.get(slug, slug)} ({slug}): {count} Treffer"
            + (f" (ausgeschlossen: {excluded})" if excluded else ""),
            highlight=False,
            markup=False,
        )


@match_app.command("explain")
def explain(
    member: str = typer.Option(..., "--member", "-m", help="Slug des Mitglieds."),
    programme: int = typer.Option(..., "--programme", "-p", help="ID des Programms."),
    stichtag: str | None = typer.Option(None, "--stichtag", help=STICHTAG_HELP),
    as_json: bool = typer.Option(False, "--json", help="Als JSON ausgeben."),
) -> None:
    """Erklärt, warum ein Programm einem Mitglied vorgeschlagen wird (oder nicht)."""
    from core.deadline_status import deadline_status
    from core.vocab import topic_label
    from matcher.api import explain_programme

    today = parse_stichtag(stichtag) or local_today()
    try:
        verdict = explain_programme(engine_from_settings(), member, programme, today=today)
    except LookupError as exc:
        raise fail(str(exc.args[0]), code=ExitCode.BAD_INPUT) from None
    e = verdict.explanation
    status = deadline_status(verdict.programme, today)  # computed for the day shown, never stored
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "programme_id": verdict.programme.id,
                    "title": verdict.programme.title,
                    "reason": verdict.reason,
                    "score": verdict.score,
                    "min_score": verdict.min_score,
                    "proposed": verdict.proposed,
                    "explanation": e.model_dump(mode="json"),
                    "profile_topics": [
                        {"code": code, "label": topic_label(code), "confidence": round(confidence, 2)}
                        for code, confidence in verdict.profile_topics
                    ],
                    "deadline_status": {"kind": status.kind.value, "label": status.label(today)},
                },
                ensure_ascii=False,
            )
        )
        return
    if verdict.reason:
        outcome = f"ausgeschlossen: {verdict.reason}"
    elif not verdict.evidence:
        outcome = NOTHING_SHARED
    elif verdict.score >= verdict.min_score:
        outcome = "wird vorgeschlagen"
    else:
        outcome = f"unter der Mindestpassung ({verdict.min_score:g})"
    lines = [
        f"Programm {verdict.programme.id}: {shown_text(verdict.programme.title, verdict.programme.source_key)}",
        f"Passung: {verdict.score:g} – {outcome}",
        e.summary,
        "Begriffe: " + (", ".join(e.terms) or "–"),
        "Interessen: " + (", ".join(e.interests) or "–"),
        *(["Im englischen Aufruf: " + "; ".join(e.translated)] if e.translated else []),
        *(["Im Programmtext: " + "; ".join(e.related)] if e.related else []),
        "Erkannte Themen des Profils: "
        + (", ".join(f"{topic_label(code)} ({confidence:.0%})" for code, confidence in verdict.profile_topics) or "–"),
        "Erkannte Themen des Programms: " + _programme_topics(verdict.programme, e.inferred_topics),
        e.eligibility,
        e.region,
        f"Antragstellung: {status.label(today)}",
        "Anteile: " + ", ".join(f"{name} {value:g}" for name, value in e.components.items()),
    ]
    for condition in e.conditions:
        lines.append(f"Bedingung: {condition.line()}")
        if condition.sentence:
            lines.append(f"  Quelle: „{condition.sentence}“")
    if e.own_share is not None:
        lines += [
            f"Eigenanteil: {e.own_share.text}",
            f"  wie berechnet: {e.own_share.how}",
            f"  Quelle: „{e.own_share.sentence}“",
        ]
    else:
        lines.append("Eigenanteil: keine Förderquote im Programmtext genannt")
    for line in lines:
        console.print(line, highlight=False, markup=False)


def _programme_topics(programme, inferred: list[str]) -> str:
    """The inferred topics of a programme, or why there are none."""
    if inferred:
        return ", ".join(inferred)
    if programme.funding_areas or programme.funding_subareas:
        return "– (die Quelle nennt eigene Förderbereiche)"
    return "keine erkannt"


METRIC_LABELS = {
    "proposals": "Vorschläge",
    "recall@proposals": "Recall Vorschläge",
    "ineligible@10": "Unpassend in Top 10",
}


def _relevant_line(spread: dict[str, int]) -> str:
    return (
        f"Relevante Programme je Profil: {spread['min']}–{spread['max']} (Median {spread['median']}); "
        f"{spread['at_least_5']} Profile mit mindestens 5, {spread['none']} ohne."
    )


@match_app.command("evaluate")
def evaluate(
    judgments: list[Path] = typer.Option(
        None,
        "--judgments",
        "-j",
        help="Bewertungsdatei (JSON); mehrfach möglich. Ohne Angabe: alle drei mitgelieferten Bewertungssätze.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Als JSON ausgeben."),
    learning: bool = typer.Option(
        True, "--learning/--no-learning", help="Auch den Lerneffekt auf der zurückgehaltenen Hälfte messen."
    ),
) -> None:
    """nDCG@10, P@10, Recall@20, Vorschläge und nicht nutzbare Programme: Matcher gegen TF-IDF und BM25 hinter
    denselben Filtern."""
    from matcher.evaluation import (
        METRICS,
        SHIPPED,
        JudgmentsError,
        MissingBaselineError,
        evaluate_file,
        format_metric,
    )

    paths = judgments or list(SHIPPED)
    for path in paths:
        if not path.is_file():
            raise fail(f"Bewertungsdatei {path} nicht gefunden", code=ExitCode.BAD_INPUT)
    results = []
    for path in paths:
        try:
            results.append((path, evaluate_file(path, with_learning=learning)))
        except JudgmentsError as exc:
            raise fail(str(exc), code=ExitCode.BAD_INPUT) from None
        except MissingBaselineError as exc:  # an install without the [eval] extra: not the user's input
            raise fail(str(exc)) from None
    if as_json:
        console.print_json(
            json.dumps({"judged_sets": [{"file": str(path), **result.as_dict()} for path, result in results]})
        )
        return
    for path, result in results:
        table = Table(
            title=f"{path.name}: {result.profiles} Profile ({result.profiles_with_relevant} mit passenden Programmen), "
            f"{result.programmes} Programme"
        )
        table.add_column("System")
        for metric in METRICS:
            table.add_column(METRIC_LABELS.get(metric, metric), justify="right")
        for system, values in result.systems.items():
            table.add_row(system, *(format_metric(values[m], m) for m in METRICS))
        console.print(table)
        console.print(_relevant_line(result.relevant_spread()), highlight=False)


class _MatchItem(TypedDict):
    """One line of ``matches`` (also its JSON output)."""

    match_id: int | None
    programme_id: int | None
    source: str
    source_key: str
    url: str
    title: str
    score: float
    state: str
    next_deadline: str | None
    explanation: dict[str, Any]


def matches(
    member: str = typer.Option(..., "--member", "-m", help="Slug des Mitglieds."),
    as_json: bool = typer.Option(False, "--json", help="Als JSON ausgeben."),
    include_rejected: bool = typer.Option(False, "--alle", help="Auch abgelehnte Treffer zeigen."),
) -> None:
    """Listet die Treffer eines Mitglieds, die besten zuerst."""
    engine = engine_from_settings()
    with Session(engine) as session:
        found = session.exec(select(Member).where(Member.slug == member)).first()
        if found is None:
            raise fail(f"Mitglied {member!r} nicht gefunden", code=ExitCode.BAD_INPUT)
        query = (
            select(Match, Programme)
            .join(Programme, col(Programme.id) == col(Match.programme_id))
            .where(Match.member_id == found.id)
            .order_by(col(Match.score).desc(), col(Match.id))
        )
        if not include_rejected:
            query = query.where(Match.state != MatchState.rejected)
        rows = session.exec(query).all()
    items: list[_MatchItem] = [
        {
            "match_id": m.id,
            "programme_id": p.id,
            "source": p.source_key,
            "source_key": p.natural_key,
            "url": p.url,
            "title": p.title,
            "score": m.score,
            "state": m.state,
            "next_deadline": p.next_deadline.isoformat() if p.next_deadline else None,
            "explanation": m.explanation.model_dump(mode="json"),
        }
        for m, p in rows
    ]
    if as_json:
        console.print_json(json.dumps(items, ensure_ascii=False))
        return
    if not items:
        console.print(f"Keine Treffer für {member}. Führen Sie zuerst „foerderradar match“ aus.")
        return
    table = Table(title=f"Treffer für {found.name}")
    for name in ("Passung", "ID", "Titel", "Quelle", "Status", "Warum"):
        table.add_column(name, justify="right" if name in ("Passung", "ID") else "left")
    for item in items:
        table.add_row(
            f"{item['score']:g}",
            str(item["programme_id"]),
            shown_text(item["title"], item["source"]),
            source_name(item["source"]),
            label(MATCH_STATE_LABELS, item["state"]),
            item["explanation"]["summary"],
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(match_app, name="match")
    app.command("matches")(matches)

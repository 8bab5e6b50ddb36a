"""The matching run with member facts: a contradicted condition filters with a countable reason, an
unknown fact keeps the programme marked "bitte prüfen", the own share follows the stated rate, and
programmes a town cannot use for itself are left out unless the profile opts in.

The corpus holds no real NRW or federal record with an area condition open to towns (the real ones
are Bavarian, Saxon, Schleswig-Holstein records, filtered earlier as "anderes Bundesland"). The path is
therefore proven on one written record after the published rules: the GRW Fördergebiet clause and the
Städtebauförderung NRW rate rule (the rule's sentences are the written ones of the rates set).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from matcher.api import explain_programme, match_members
from profiles.facts import record_fact
from profiles.schema import FactDoc
from store.models import Match, Member, Profile, Programme, Source

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "matcher_programmes.json"
TODAY = date(2024, 1, 1)
SOURCE_URL = "https://example.org/fakten"
WRITTEN_GRW = dict(
    source_key="manual",
    natural_key="written-grw-infrastruktur-nrw",
    url="https://example.org/grw-infrastruktur",
    title="Wirtschaftsnahe kommunale Infrastruktur (Testdatensatz nach den GRW-Regeln)",
    teaser_text="Gefördert werden Gewerbegebiete und wirtschaftsnahe kommunale Infrastruktur für Klimaschutz.",
    description_text=(
        "Der Regelfördersatz beträgt 60 Prozent der zuwendungsfähigen Ausgaben. Der Regelfördersatz erhöht oder "
        "vermindert sich um jeweils 10 Prozentpunkte in Abhängigkeit von der Arbeitslosenquote und der "
        "finanziellen Leistungsfähigkeit der Gemeinde."
    ),
    eligibility_text=(
        "Antragsberechtigt sind Gemeinden und Gemeindeverbände. Die Vorhaben müssen im GRW-Fördergebiet liegen."
    ),
    level="land",
    regions=["nordrhein_westfalen"],
    eligible_applicants=["kommune"],
    funding_types=["zuschuss"],
    rolling=True,
    status="open",
)
CLIMATE = dict(interests="Klimaschutz, Klimaanpassung, Gewerbegebiete und kommunale Infrastruktur", min_score=0)


def seed(engine) -> dict[str, int]:
    ids = {}
    with Session(engine) as session:
        for key in ("foerderdatenbank", "eu_sedia", "manual"):
            session.add(Source(key=key, name=key, level="bund"))
        session.flush()
        for record in [*json.loads(CORPUS.read_text("utf-8")), WRITTEN_GRW]:
            programme = Programme(**record)
            session.add(programme)
            session.flush()
            ids[record["title"]] = programme.id
        session.commit()
    return ids


def add_member(engine, slug: str, kind: str, facts: dict, **profile) -> None:
    with Session(engine) as session:
        member = Member(slug=slug, name=slug.title(), kind=kind)
        session.add(member)
        session.flush()
        session.add(Profile(member_id=member.id, **profile))
        for name, value in facts.items():
            doc = FactDoc(value=value, source=SOURCE_URL if value is not None else "", confidence="hoch")
            record_fact(session, member, name, doc, actor="seed")
        session.commit()


def pid(ids: dict[str, int], prefix: str) -> int:
    return next(programme_id for title, programme_id in ids.items() if title.startswith(prefix))


def explanation_of(engine, slug: str, programme_id: int):
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.slug == slug)).one()
        found = select(Match).where(Match.member_id == member.id, Match.programme_id == programme_id)
        match = session.exec(found).first()
        return match.explanation if match else None


def test_area_condition_filters_flags_and_passes_by_the_members_facts(engine):
    ids = seed(engine)
    grw = pid(ids, "Wirtschaftsnahe kommunale Infrastruktur")
    add_member(engine, "ausserhalb", "kreisfreie_stadt", {"grw_foerdergebiet": "kein"}, **CLIMATE)
    add_member(engine, "unbekannt", "kreisfreie_stadt", {"grw_foerdergebiet": None}, **CLIMATE)
    add_member(engine, "drinnen", "kreisfreie_stadt", {"grw_foerdergebiet": "C"}, **CLIMATE)
    report = match_members(engine, today=TODAY)

    assert report.excluded["ausserhalb"]["nicht im GRW-Fördergebiet"] == 1
    assert explanation_of(engine, "ausserhalb", grw) is None
    flagged = explanation_of(engine, "unbekannt", grw)
    assert flagged.checks == ["bitte prüfen: GRW-Fördergebiet"]
    assert flagged.conditions[0].sentence == "Die Vorhaben müssen im GRW-Fördergebiet liegen."
    passed = explanation_of(engine, "drinnen", grw)
    assert passed.checks == [] and passed.conditions[0].reason == "erfüllt: GRW-Fördergebiet"

    verdict = explain_programme(engine, "ausserhalb", grw, today=TODAY)
    assert verdict.reason == "nicht im GRW-Fördergebiet"


def test_the_own_share_follows_the_stated_rule_and_names_the_missing_facts(engine):
    ids = seed(engine)
    add_member(engine, "unbekannt", "kreisfreie_stadt", {"grw_foerdergebiet": None}, **CLIMATE)
    match_members(engine, today=TODAY)
    share = explanation_of(engine, "unbekannt", pid(ids, "Wirtschaftsnahe kommunale Infrastruktur")).own_share
    assert share.text.startswith("Förderquote 40–80 % → Eigenanteil 20–60 %")
    assert "der Arbeitslosenquote" in share.text and "Angabe fehlt" in share.text
    assert share.how.startswith("Regelfördersatz 60 %")
    assert share.sentence.startswith("Der Regelfördersatz beträgt 60 Prozent")
    assert share.missing == ["der Arbeitslosenquote", "der finanziellen Leistungsfähigkeit"]
    # A programme whose texts state no rate has no own-share line: nothing is invented.
    kredit = explanation_of(engine, "unbekannt", pid(ids, "Bundesförderung für effiziente Gebäude (BEG) für Kommunen"))
    assert kredit is None or kredit.own_share is None


def test_projects_abroad_are_left_out_unless_the_profile_opts_in(engine):
    ids = seed(engine)
    iki = pid(ids, "Internationale Klimaschutzinitiative")
    add_member(engine, "kreis-a", "kreis", {}, **CLIMATE)
    partner = dict(CLIMATE, interests=CLIMATE["interests"] + ", Kommunale Entwicklungszusammenarbeit")
    add_member(engine, "kreis-b", "kreis", {}, **partner)
    report = match_members(engine, today=TODAY)
    assert report.excluded["kreis-a"]["Vorhaben im Ausland"] == 1
    assert explanation_of(engine, "kreis-a", iki) is None
    assert "Vorhaben im Ausland" not in report.excluded["kreis-b"]
    assert explanation_of(engine, "kreis-b", iki) is not None


def test_cli_shows_conditions_and_own_share(engine, settings_env):
    from typer.testing import CliRunner

    from foerderradar.cli import app
    from store.db import make_engine

    cli_engine = make_engine(settings_env.database_url)
    ids = seed(cli_engine)
    add_member(cli_engine, "unbekannt", "kreisfreie_stadt", {"grw_foerdergebiet": None}, **CLIMATE)
    cli_engine.dispose()
    grw = pid(ids, "Wirtschaftsnahe kommunale Infrastruktur")
    runner = CliRunner()
    assert runner.invoke(app, ["match", "--stichtag", "2024-01-01"]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["matches", "--member", "unbekannt", "--json"]).stdout)
    item = next(i for i in listed if i["programme_id"] == grw)
    assert item["explanation"]["conditions"][0]["reason"] == "bitte prüfen: GRW-Fördergebiet"
    assert item["explanation"]["own_share"]["how"].startswith("Regelfördersatz 60 %")
    shown = runner.invoke(
        app, ["match", "explain", "-m", "unbekannt", "-p", str(grw), "--stichtag", "2024-01-01"], env={"COLUMNS": "300"}
    )
    assert "Bedingung: bitte prüfen: GRW-Fördergebiet" in shown.output
    assert "Eigenanteil: Förderquote 40–80 % → Eigenanteil 20–60 %" in shown.output
    assert "wie berechnet: Regelfördersatz 60 %" in shown.output

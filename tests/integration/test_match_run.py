"""The matching run on a real database: ranking, exclusions, kept decisions, learning per member."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, select

from matcher.api import explain_programme, match_members
from store.models import Feedback, Match, MatchState, Member, Profile, Programme, ProgrammeLink, Source
from store.types import utcnow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "matcher_programmes.json"
TODAY = date(2024, 1, 1)
EXPLANATION_KEYS = {
    "version",
    "summary",
    "terms",
    "interests",
    "eligibility",
    "region",
    "components",
    "conditions",
    "own_share",
    "inferred_topics",
    "translated",
    "related",
}


def seed_programmes(engine) -> dict[str, int]:
    """Programmes of the fixture corpus; returns title -> id."""
    ids = {}
    with Session(engine) as session:
        session.add(Source(key="foerderdatenbank", name="Förderdatenbank", level="bund"))
        session.add(Source(key="eu_sedia", name="EU Funding & Tenders", level="eu"))
        session.flush()
        for record in json.loads(FIXTURE.read_text("utf-8")):
            programme = Programme(**record)
            session.add(programme)
            session.flush()
            ids[record["title"]] = programme.id
        session.commit()
    return ids


def add_member(engine, slug: str, kind: str = "kreisangehoerige_gemeinde", **profile) -> int:
    with Session(engine) as session:
        member = Member(slug=slug, name=slug.title(), kind=kind)
        session.add(member)
        session.flush()
        session.add(Profile(member_id=member.id, **profile))
        session.commit()
        return member.id


def matches_of(engine, member_id: int) -> list[Match]:
    with Session(engine) as session:
        return list(session.exec(select(Match).where(Match.member_id == member_id).order_by(Match.score.desc())).all())


def pid(ids: dict[str, int], prefix: str) -> int:
    return next(programme_id for title, programme_id in ids.items() if title.startswith(prefix))


def title_of(ids: dict[str, int], programme_id: int) -> str:
    return next(title for title, pid in ids.items() if pid == programme_id)


MOBILITY = dict(interests="Radverkehr, Radwege und nachhaltige Mobilität, Mobilitätsstationen, ÖPNV", min_score=0)


def test_mobility_profile_gets_the_nrw_mobility_programme_first_and_nothing_ineligible(engine):
    ids = seed_programmes(engine)
    member_id = add_member(engine, "schermbeck", **MOBILITY)
    report = match_members(engine, today=TODAY)
    found = matches_of(engine, member_id)
    titles = [title_of(ids, m.programme_id) for m in found]
    assert titles[0].startswith("NeueWege.IN.NRW")
    never = (
        "Ergänzende Nahverkehrsangebote",
        "Agrar- und Ernährungswirtschaft",
        "Ausfallbürgschaften",
        "Beteiligungskapital",
        "Förderung von Forschungsverb",
        "E-Sport",
        "Förderung von Maßnahmen zur Anpas",
    )
    assert not [t for t in titles if t.startswith(never)]
    assert report.per_member == {"schermbeck": len(found)}
    assert report.excluded["schermbeck"]["anderes Bundesland"] >= 3
    assert report.excluded["schermbeck"]["nicht für Kommunen"] >= 2
    top = found[0]
    assert top.state == MatchState.proposed and 0 < top.score <= 100
    assert top.explanation.region == "Fördergebiet: Nordrhein-Westfalen"
    assert top.explanation.eligibility.startswith("Antragsberechtigt: Kommune, Öffentliche Einrichtung")
    assert "mobilität" in " ".join(top.explanation.terms).casefold()


def test_exclusion_removes_the_programme_and_counts_it(engine):
    ids = seed_programmes(engine)
    member_id = add_member(engine, "selm", exclude=["Logistik"], **MOBILITY)
    report = match_members(engine, today=TODAY)
    assert pid(ids, "NeueWege.IN.NRW") not in {m.programme_id for m in matches_of(engine, member_id)}
    assert report.excluded["selm"]["ausgeschlossener Begriff"] == 1


def as_call(engine, programme_id: int) -> None:
    """Store the programme as a one-off call (a competition), whose passed windows close it."""
    with Session(engine) as session:
        programme = session.get(Programme, programme_id)
        programme.kind = "call"
        session.add(programme)
        session.commit()


def test_a_call_whose_windows_passed_never_appears_but_a_standing_programme_stays(engine):
    ids = seed_programmes(engine)
    member_id = add_member(engine, "schermbeck", **MOBILITY)
    neue_wege = pid(ids, "NeueWege.IN.NRW")
    match_members(engine, today=date(2025, 6, 1))
    assert neue_wege in {m.programme_id for m in matches_of(engine, member_id)}  # "Frist unklar", not closed
    as_call(engine, neue_wege)
    report = match_members(engine, today=date(2025, 6, 1))
    assert neue_wege not in {m.programme_id for m in matches_of(engine, member_id)}
    assert report.excluded["schermbeck"]["geschlossen"] >= 1


def test_rerun_keeps_decisions_and_drops_proposals_that_no_longer_pass(engine):
    seed_programmes(engine)
    member_id = add_member(engine, "schermbeck", **MOBILITY)
    match_members(engine, today=TODAY)
    first = matches_of(engine, member_id)
    assert len(first) >= 2
    with Session(engine) as session:
        approved = session.get(Match, first[1].id)
        approved.state, approved.decided_at = MatchState.approved, utcnow()
        session.add(approved)
        session.commit()
    as_call(engine, first[0].programme_id)
    report = match_members(engine, today=date(2025, 6, 1))  # the call NeueWege's deadlines have passed
    after = {m.programme_id: m for m in matches_of(engine, member_id)}
    assert after[first[1].programme_id].state == MatchState.approved
    assert first[0].programme_id not in after
    assert report.per_member["schermbeck"] == len(after)


def test_unknown_member_is_named_and_nothing_changes(engine):
    seed_programmes(engine)
    add_member(engine, "schermbeck", **MOBILITY)
    try:
        match_members(engine, member_slugs=["gibt-es-nicht"], today=TODAY)
    except ValueError as exc:
        assert "gibt-es-nicht" in str(exc)
    else:
        raise AssertionError("unknown slug accepted")
    with Session(engine) as session:
        assert session.exec(select(Match)).all() == []


BUILDINGS = dict(interests="Energieeffizienz und Sanierung kommunaler Gebäude, Klimaschutz", min_score=1)


def test_rejecting_a_topic_sinks_its_programmes_for_that_member_only(engine):
    ids = seed_programmes(engine)
    learner = add_member(engine, "herne", kind="kreisfreie_stadt", **BUILDINGS)
    other = add_member(engine, "bottrop", kind="kreisfreie_stadt", **BUILDINGS)
    match_members(engine, today=TODAY)
    kredit = pid(ids, "Bundesförderung für effiziente Gebäude (BEG) für Kommunen")
    nwg = pid(ids, "Bundesförderung für effiziente Gebäude ? Nichtwohngebäude")
    before = {m.programme_id: m.score for m in matches_of(engine, learner)}
    before_other = {m.programme_id: m.score for m in matches_of(engine, other)}
    assert nwg in before and kredit in before
    with Session(engine) as session:
        match = session.exec(select(Match).where(Match.member_id == learner, Match.programme_id == kredit)).one()
        match.state, match.reason, match.decided_at = MatchState.rejected, "topic", utcnow() - timedelta(days=1)
        session.add(match)
        for _ in range(2):
            session.add(Feedback(member_id=learner, programme_id=nwg, fits=False, channel="mail"))
        session.commit()
    match_members(engine, today=TODAY)
    after = {m.programme_id: m for m in matches_of(engine, learner)}
    after_other = {m.programme_id: m.score for m in matches_of(engine, other)}
    assert after[kredit].state == MatchState.rejected
    assert after[nwg].score < before[nwg] - 5
    assert after[nwg].explanation.components["learned"] < 0
    assert after_other == before_other
    with Session(engine) as session:
        learned = session.exec(select(Profile).where(Profile.member_id == learner)).one().learned
    assert learned["negative"] == 3


def test_linked_records_of_one_programme_are_proposed_once_unless_staff_unlinked_them(engine):
    ids = seed_programmes(engine)
    member_id = add_member(engine, "herne", kind="kreisfreie_stadt", **BUILDINGS)
    kredit = pid(ids, "Bundesförderung für effiziente Gebäude (BEG) für Kommunen")
    nwg = pid(ids, "Bundesförderung für effiziente Gebäude ? Nichtwohngebäude")
    with Session(engine) as session:
        session.add(ProgrammeLink(programme_id=kredit, other_id=nwg, method="rule", reason="test"))
        session.commit()
    match_members(engine, today=TODAY)
    proposed = {m.programme_id for m in matches_of(engine, member_id)}
    assert len(proposed & {kredit, nwg}) == 1
    with Session(engine) as session:
        session.add(
            ProgrammeLink(programme_id=nwg, other_id=kredit, method="staff", linked=False, reason="verschieden")
        )
        session.commit()
    match_members(engine, today=TODAY)
    assert {kredit, nwg} <= {m.programme_id for m in matches_of(engine, member_id)}


def test_explain_names_the_filter_that_stops_a_programme(engine):
    ids = seed_programmes(engine)
    add_member(engine, "schermbeck", **MOBILITY)
    bayern = pid(ids, "Ergänzende Nahverkehrsangebote")
    verdict = explain_programme(engine, "schermbeck", bayern, today=TODAY)
    assert verdict.reason == "anderes Bundesland"
    assert verdict.explanation.region == "Fördergebiet: Bayern"
    good = explain_programme(engine, "schermbeck", pid(ids, "NeueWege.IN.NRW"), today=TODAY)
    assert good.reason is None and good.score > 0


# -- the CLI on the same data -------------------------------------------------------------------


def cli(*args: str):
    from typer.testing import CliRunner

    from foerderradar.cli import app

    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def seeded_settings(settings_env) -> dict[str, int]:
    from store.db import create_all, make_engine

    engine = make_engine(settings_env.database_url)
    create_all(engine)
    ids = seed_programmes(engine)
    add_member(engine, "schermbeck", **MOBILITY)
    add_member(engine, "herne", kind="kreisfreie_stadt", **BUILDINGS)
    engine.dispose()
    return ids


def test_cli_match_then_matches_json_lists_ranked_explained_matches(settings_env):
    ids = seeded_settings(settings_env)
    result = cli("match", "--stichtag", "2024-01-01")
    assert result.exit_code == 0, result.output
    assert "Schermbeck (schermbeck):" in result.output and "anderes Bundesland" in result.output
    listed = cli("matches", "--member", "schermbeck", "--json")
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.stdout)
    assert items[0]["programme_id"] == pid(ids, "NeueWege.IN.NRW")
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    for item in items:
        assert {"programme_id", "source", "source_key", "url", "title", "score", "explanation"} <= set(item)
        assert set(item["explanation"]) == EXPLANATION_KEYS
    assert items[0]["source"] == "foerderdatenbank" and items[0]["url"].startswith("https://www.foerderdatenbank.de/")


def test_cli_match_for_one_member_leaves_the_others_alone(settings_env):
    seeded_settings(settings_env)
    assert cli("match", "--member", "herne", "--stichtag", "2024-01-01").exit_code == 0
    assert json.loads(cli("matches", "--member", "herne", "--json").stdout)
    assert json.loads(cli("matches", "--member", "schermbeck", "--json").stdout) == []


def test_cli_errors_name_the_bad_input(settings_env):
    seeded_settings(settings_env)
    unknown = cli("match", "--member", "gibt-es-nicht")
    assert unknown.exit_code == 2 and "gibt-es-nicht" in unknown.output
    bad_day = cli("match", "--stichtag", "31.12.2024")
    assert bad_day.exit_code == 2 and "31.12.2024" in bad_day.output  # bad input, like every --stichtag
    missing = cli("matches", "--member", "nirgendwo")
    assert missing.exit_code == 2 and "nirgendwo" in missing.output
    no_programme = cli("match", "explain", "--member", "schermbeck", "--programme", "9999")
    assert no_programme.exit_code == 2 and "9999" in no_programme.output


def test_cli_explain_shows_the_lines_people_read(settings_env):
    ids = seeded_settings(settings_env)
    shown = cli(
        "match",
        "explain",
        "--member",
        "schermbeck",
        "--programme",
        str(pid(ids, "NeueWege.IN.NRW")),
        "--stichtag",
        "2024-01-01",
    )
    assert shown.exit_code == 0, shown.output
    assert "wird vorgeschlagen" in shown.output
    assert "Fördergebiet: Nordrhein-Westfalen" in shown.output
    assert "Antragstellung: Frist am 30.04.2024 (noch 120 Tage)" in shown.output
    stopped = cli(
        "match",
        "explain",
        "--member",
        "schermbeck",
        "--programme",
        str(pid(ids, "Agrar- und Ernährungswirtschaft")),
        "--stichtag",
        "2024-01-01",
    )
    assert "ausgeschlossen: nicht für Kommunen" in stopped.output


def test_cli_explain_names_the_english_words_of_an_eu_call_only_for_an_english_call(settings_env):
    """A German profile meets the English EU call through the glossary: ``match explain`` says which words of
    the call answered which interest; a German programme has no such line."""
    ids = seeded_settings(settings_env)
    call = pid(ids, "Testing and demonstrating transformative solutions to protect")
    shown = cli("match", "explain", "-m", "herne", "-p", str(call), "--stichtag", "2024-01-01")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    english = [line for line in lines if line.startswith("Im englischen Aufruf: ")]
    assert len(english) == 1 and "Klimaschutz → climate" in english[0], shown.output
    assert any(line.startswith("Passt zu Ihren Interessen: ") and "(im englischen Aufruf: " in line for line in lines)
    loan = pid(ids, "Bundesförderung für effiziente Gebäude (BEG)")
    german = cli("match", "explain", "-m", "herne", "-p", str(loan), "--stichtag", "2024-01-01")
    assert german.exit_code == 0, german.output
    assert "Interessen: " in german.output and "englischen Aufruf" not in german.output


def test_cli_explain_names_the_words_of_a_german_programme_that_answered_an_everyday_word(settings_env):
    """A town asks for solar panels on its town hall; the BEG NWG record says "Erneuerbare Energien" and
    "Nichtwohngebäude" instead. ``match explain`` says which of its words answered the member's phrase; an
    English call has no such line."""
    from store.db import make_engine

    ids = seeded_settings(settings_env)
    engine = make_engine(settings_env.database_url)
    add_member(engine, "alpen", interests="Solaranlagen auf dem Dach von Rathaus und Bauhof", min_score=0)
    engine.dispose()
    nwg = pid(ids, "Bundesförderung für effiziente Gebäude ? Nichtwohngebäude")
    shown = cli("match", "explain", "-m", "alpen", "-p", str(nwg), "--stichtag", "2024-01-01")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    related = [line for line in lines if line.startswith("Im Programmtext: ")]
    assert related == [
        "Im Programmtext: Solaranlagen auf dem Dach von Rathaus → Erneuerbare Energien, Nichtwohngebäude, "
        "Öffentliche Gebäude"
    ], shown.output
    assert "Passt zu Ihren Interessen: Solaranlagen auf dem Dach von Rathaus (im Programmtext: " in shown.output
    call = pid(ids, "Testing and demonstrating transformative solutions to protect")
    english = cli("match", "explain", "-m", "alpen", "-p", str(call), "--stichtag", "2024-01-01")
    assert english.exit_code == 0, english.output
    assert "Im Programmtext: " not in english.output and "(im Programmtext: " not in english.output


def test_cli_tables_speak_german_and_show_the_restored_titles(settings_env):
    ids = seeded_settings(settings_env)
    assert cli("match", "--stichtag", "2024-01-01").exit_code == 0
    table = cli("matches", "--member", "herne")
    assert table.exit_code == 0, table.output
    assert "vorgeschlagen" in table.output and "Förderdatenbank des Bundes" in table.output
    assert "proposed" not in table.output and "foerderdatenbank" not in table.output
    assert "Bundesförderung für effiziente Gebäude – Nichtwohngebäude" in table.output
    shown = cli("match", "explain", "-m", "schermbeck", "-p", str(pid(ids, "NeueWege")), "--stichtag", "2024-01-01")
    assert "NeueWege.IN.NRW – Innovative Mobilität und Logistik" in shown.output


def test_cli_explain_says_when_profile_and_programme_share_nothing(settings_env):
    """A mobility profile and a building loan: no shared word, keyword or topic, so the loan is never
    proposed however few programmes there are, and ``match explain`` says that rather than a score."""
    ids = seeded_settings(settings_env)
    loan = pid(ids, "Bundesförderung für effiziente Gebäude (BEG)")
    shown = cli("match", "explain", "-m", "schermbeck", "-p", str(loan), "--stichtag", "2024-01-01")
    assert shown.exit_code == 0, shown.output
    assert "Passung: 0 – nicht vorgeschlagen: Ihr Profil und das Programm haben nichts gemeinsam" in shown.output
    assert "Interessen: –" in shown.output

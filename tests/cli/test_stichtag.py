"""``--stichtag``: the commands of the weekly cycle replay another day; a bad date stops them early."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from foerderradar.cli import app
from store.db import init_database, make_engine
from store.models import CrawlRun, DigestSend, Member, Profile, Recipient

runner = CliRunner()
COMMANDS = (
    ["crawl", "foerderdatenbank"],
    ["match"],
    ["digest", "preview", "--member", "bottrop"],
    ["digest", "send"],
    ["digest", "urgent"],
    ["run-weekly", "--no-crawl"],
)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("bad", ["05.01.2027", "2027-02-30", "2027-1-5", "morgen", ""])
def test_a_bad_stichtag_is_named_in_german_and_exits_2(command, bad, settings_env, database_url):
    init_database(database_url)
    result = runner.invoke(app, [*command, "--stichtag", bad])
    assert result.exit_code == 2, result.output
    assert f"--stichtag {bad!r} ist kein gültiges Datum im Format JJJJ-MM-TT" in result.output
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert session.exec(select(CrawlRun)).all() == []  # nothing ran
    engine.dispose()


def test_preview_and_send_use_the_week_of_the_stichtag(settings_env, database_url, tmp_path):
    init_database(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        member = Member(slug="bottrop", name="Stadt Bottrop", kind="kreisfreie_stadt", send_nothing_new=True)
        session.add(member)
        session.flush()
        session.add(Profile(member_id=member.id, interests="Radverkehr"))
        session.add(Recipient(member_id=member.id, email="a@bottrop.example"))
        session.commit()
    engine.dispose()

    out = tmp_path / "vorschau.txt"
    preview = runner.invoke(
        app, ["digest", "preview", "--member", "bottrop", "--out", str(out), "--stichtag", "2027-01-12"]
    )
    assert preview.exit_code == 0, preview.output
    assert "Betreff: Förderradar KW 2: diese Woche nichts Neues für Stadt Bottrop" in preview.output
    assert out.read_text(encoding="utf-8").startswith("Förderradar Ruhr · KW 2/2027")
    sent = runner.invoke(app, ["digest", "send", "--stichtag", "2027-01-12"])
    assert sent.exit_code == 0 and "Versendet: 1" in sent.output
    again = runner.invoke(app, ["digest", "send", "--period", "2027-W02"])  # the week the stichtag chose
    assert again.exit_code == 0 and "Versendet: 0; schon früher versendet: 1" in again.output


def test_run_weekly_replays_the_week_of_the_stichtag(settings_env, database_url):
    init_database(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        member = Member(slug="herne", name="Stadt Herne", kind="kreisfreie_stadt", send_nothing_new=True)
        session.add(member)
        session.flush()
        session.add(Profile(member_id=member.id, interests="Radverkehr"))
        session.add(Recipient(member_id=member.id, email="a@herne.example"))
        session.commit()

    result = runner.invoke(app, ["run-weekly", "--no-crawl", "--stichtag", "2027-03-02"])

    assert result.exit_code == 0, result.output
    assert "Versendet: 1" in result.output
    with Session(engine) as session:
        assert [send.period for send in session.exec(select(DigestSend)).all()] == ["2027-W09"]
    engine.dispose()

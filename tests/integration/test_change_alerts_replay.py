"""Five weeks of change alerts replayed with ``--stichtag`` on the real export format.

The saved Förderdatenbank export documents are zipped, changed per week as the source would change
them, and served on loopback; ``foerderradar crawl --stichtag`` reads them in a child process (as the
scheduler does), ``foerderradar digest send|urgent --stichtag`` mails into the Maildir outbox. What
is checked is what the clerks of three towns find in their mailboxes:

- Bottrop received all three programmes in week 1 and hears of every change: a deadline set where
  there was none ("Frist neu gesetzt", not "verlängert"), an extension, a deadline brought forward
  to before its next digest together with money exhausted (one "Dringend" alert at once, exactly
  once), and a closing found two days before its digest (leading that digest, not sent at once).
- Herten had the programme approved but not yet released: it hears nothing of the harmless changes
  but gets the urgent alert, with the programme itself.
- Gladbeck only had a proposal nobody approved: it hears nothing at all.
"""

from __future__ import annotations

import email
import mailbox
import os
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from crawler.spiders.foerderdatenbank.export_writer import ExportWriter
from foerderradar.cli import app
from foerderradar.demo_server import SnapshotServer
from store.curation import approve, release_member_digest, replace_proposals
from store.db import init_database, make_engine
from store.explanation import Explanation
from store.models import Match, Member, Profile, Programme, ProgrammeRevision, Recipient

EXPORT_XML = Path(__file__).resolve().parents[1] / "fixtures" / "foerderdatenbank" / "export_xml"
PROGRAMMES = "BMWI/FDB/Content/DE/Foerderprogramm/Bund/"
EINSTIEGSGELD = PROGRAMMES + "BMAS/einstiegsgeld.xml"
EINGLIEDERUNG = PROGRAMMES + "BA/eingliederungszuschuss-bund.xml"
FILM = PROGRAMMES + "BKM/deutsch-franzoesische-kooperationen-film-ffa.xml"
EMPTY_DIV = '&lt;![CDATA[&lt;div xmlns:xlink="http://www.w3.org/1999/xlink"&gt;&lt;/div&gt;'
runner = CliRunner()


def export(**paragraphs: dict[str, str]) -> bytes:
    """The saved export with paragraphs written into empty properties: {document: {property: text}}."""
    writer = ExportWriter()
    writer.add_tree(EXPORT_XML)
    for entry, properties in paragraphs.items():
        data = (EXPORT_XML / entry).read_text(encoding="utf-8")
        for prop, text in properties.items():
            empty = f'name="{prop}" type="RichText">\n        <text>{EMPTY_DIV}'
            assert empty in data, (entry, prop)
            filled = empty.replace("&lt;/div&gt;", f"&lt;p&gt;{text}&lt;/p&gt;&lt;/div&gt;")
            data = data.replace(empty, filled)
        writer.add_raw(entry, data.encode("utf-8"))
    return writer.to_zip()


def deadline(text: str) -> dict[str, str]:
    return {"gsb:procInfluence": text}


def crawl(day: str, body: bytes) -> None:
    """``foerderradar crawl foerderdatenbank --stichtag`` as the scheduler runs it: a child process."""
    env = dict(os.environ, FOERDERRADAR_CRAWL_DOWNLOAD_DELAY="0", FOERDERRADAR_CRAWL_AUTOTHROTTLE="false")
    with SnapshotServer() as server:
        server.add_static("GET", "/FDB/WS/export", body, "application/zip")
        done = subprocess.run(
            [sys.executable, "-c", "from foerderradar.cli import app; app()", "crawl", "foerderdatenbank"]
            + ["--url", server.url("/FDB/WS/export"), "--stichtag", day],
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
        )
    assert done.returncode == 0, done.stdout + done.stderr


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


class Outbox:
    """The Maildir the mails go to; ``new()`` returns the mails delivered since the last call."""

    def __init__(self, path: Path):
        self.path, self.seen = path, set()

    def new(self) -> list[dict[str, str]]:
        box = mailbox.Maildir(self.path, create=False) if self.path.exists() else {}
        fresh = []
        for key in sorted(set(box.keys()) - self.seen):
            self.seen.add(key)
            message = email.message_from_bytes(box.get_bytes(key), policy=policy.default)
            text = message.get_body(preferencelist=("plain",)).get_content()
            fresh.append({"to": str(message["To"]), "subject": str(message["Subject"]), "text": text})
        return sorted(fresh, key=lambda mail: mail["to"])


@pytest.fixture
def town(settings_env, database_url):
    init_database(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def add_members(engine) -> dict[str, int]:
    ids = {}
    with Session(engine) as session:
        for slug, name in (("bottrop", "Stadt Bottrop"), ("herten", "Stadt Herten"), ("gladbeck", "Stadt Gladbeck")):
            member = Member(slug=slug, name=name, kind="kreisfreie_stadt", digest_frequency="weekly")
            session.add(member)
            session.flush()
            session.add(Profile(member_id=member.id, interests="Beschäftigung Arbeitsmarkt"))
            session.add(Recipient(member_id=member.id, email=f"foerderung@{slug}.example"))
            ids[slug] = member.id
        session.commit()
    return ids


def curate(engine, members: dict[str, int], period: str) -> None:
    """What the matcher and the curators did in week 1, through the same store functions."""
    with Session(engine) as session:
        programmes = {p.extra["slug"]: p.id for p in session.exec(select(Programme)).all()}
        why = Explanation(summary="Passt zu Ihren Interessen: Beschäftigung")
        wanted = {
            "bottrop": list(programmes.values()),
            "herten": [programmes["einstiegsgeld"]],
            "gladbeck": [programmes["einstiegsgeld"]],
        }
        for slug, pids in wanted.items():
            replace_proposals(session, members[slug], {pid: (60.0, why) for pid in pids})
        for slug in ("bottrop", "herten"):
            for match in session.exec(select(Match).where(Match.member_id == members[slug])).all():
                approve(session, match, actor="kuratorin@rvr.example")
        release_member_digest(session, members["bottrop"], period=period, actor="kuratorin@rvr.example")
        session.commit()


def change_types(engine) -> list[tuple[str, list[str]]]:
    with Session(engine) as session:
        rows = session.exec(select(ProgrammeRevision, Programme).join(Programme)).all()
        return [(p.extra["slug"], r.change_types) for r, p in sorted(rows, key=lambda row: row[0].id)]


def test_five_weeks_of_changes_reach_the_right_clerks_once_and_in_time(town, settings_env):
    members = add_members(town)
    outbox = Outbox(settings_env.maildir_path)

    # Week 1 (KW 1/2027): the export as saved; Bottrop's curator approves and releases all three.
    crawl("2027-01-03", export())
    cli("match", "--stichtag", "2027-01-03")
    curate(town, members, "2027-W01")
    assert "Versendet: 1" in cli("digest", "send", "--stichtag", "2027-01-05")
    [first] = outbox.new()
    assert first["to"] == "foerderung@bottrop.example"
    assert first["subject"] == "Förderradar KW 1: 3 neue Förderangebote für Stadt Bottrop"
    assert "in dieser Nachricht finden Sie 3 neue Förderangebote." in first["text"]
    assert "Einstiegsgeld" in first["text"] and "ÄNDERUNGEN" not in first["text"]
    assert "Diese Woche geprüft: Förderdatenbank des Bundes." in first["text"]

    # Week 2: Einstiegsgeld, which had no deadline, gets one.
    crawl("2027-01-10", export(**{EINSTIEGSGELD: deadline("Anträge können bis zum 30.04.2027 gestellt werden.")}))
    assert change_types(town)[-1] == ("einstiegsgeld", ["deadline_set"])
    assert "Versendet: 1" in cli("digest", "send", "--stichtag", "2027-01-12")
    [second] = outbox.new()  # Herten approved it but never received it: the new deadline is no news to it
    assert second["to"] == "foerderung@bottrop.example"
    assert second["subject"] == "Förderradar KW 2: 1 Änderung für Stadt Bottrop"
    assert (
        "in dieser Nachricht finden Sie 1 Änderung bei einem Programm, das wir für Sie ausgewählt haben."
        in (second["text"])
    )
    assert "- Frist neu gesetzt: Einstiegsgeld – keine Frist → 30.04.2027" in second["text"]
    assert "verlängert" not in second["text"] and "DRINGEND" not in second["text"]

    # Week 3: the deadline is extended.
    crawl("2027-01-17", export(**{EINSTIEGSGELD: deadline("Anträge können bis zum 31.05.2027 gestellt werden.")}))
    assert "Versendet: 1" in cli("digest", "send", "--stichtag", "2027-01-19")
    [third] = outbox.new()
    assert "- Frist verlängert: Einstiegsgeld – 30.04.2027 → 31.05.2027" in third["text"]

    # Week 4, Wednesday: a crawl finds the deadline brought forward to Monday, before next Tuesday's
    # digest, and the Eingliederungszuschuss's money exhausted.
    week4 = {
        EINSTIEGSGELD: deadline("Anträge können bis zum 25.01.2027 gestellt werden."),
        EINGLIEDERUNG: {"gsb:header": "Die Fördermittel für 2027 sind bereits ausgeschöpft."},
    }
    crawl("2027-01-20", export(**week4))
    assert sorted(change_types(town)[-2:]) == [
        ("eingliederungszuschuss-bund", ["budget_exhausted"]),
        ("einstiegsgeld", ["deadline_brought_forward"]),
    ]
    output = cli("digest", "urgent", "--stichtag", "2027-01-20")
    assert "Versendet: 2" in output, output
    bottrop, herten = outbox.new()
    assert bottrop["to"] == "foerderung@bottrop.example" and herten["to"] == "foerderung@herten.example"
    assert bottrop["subject"] == "Dringend: Frist vorgezogen – Einstiegsgeld und 1 weitere Änderung (Stadt Bottrop)"
    assert bottrop["text"].startswith("Förderradar Ruhr · Eilmeldung vom 20.01.2027")
    assert "kann nicht bis zum nächsten Digest warten" not in bottrop["text"]  # two changes: plural
    assert "Änderungen bei Förderprogrammen, die wir für Sie ausgewählt haben, können nicht" in bottrop["text"]
    assert "- Frist vorgezogen: Einstiegsgeld – 31.05.2027 → 25.01.2027" in bottrop["text"]
    assert "- Mittel ausgeschöpft: Finanzielle Unterstützungsmöglichkeiten bei Neueinstellungen" in bottrop["text"]
    assert "Die Fördermittel für 2027 sind bereits ausgeschöpft." in bottrop["text"]
    # Herten never received Einstiegsgeld: the alert brings the programme itself with the new deadline.
    assert herten["subject"] == "Dringend: Frist vorgezogen – Einstiegsgeld (Stadt Herten)"
    assert "- Frist vorgezogen: Einstiegsgeld – 31.05.2027 → 25.01.2027" in herten["text"]
    assert "NEUE FÖRDERANGEBOTE FÜR SIE" in herten["text"] and "Frist am 25.01.2027 (noch 5 Tage)" in herten["text"]
    assert "ausgeschöpft" not in herten["text"]
    # Exactly once: again the same day, and the next day.
    assert "Versendet: 0" in cli("digest", "urgent", "--stichtag", "2027-01-20")
    assert "Versendet: 0" in cli("digest", "urgent", "--stichtag", "2027-01-21")
    assert outbox.new() == []

    # Week 5, Sunday: the film programme closes. Bottrop's digest comes on Tuesday, two days on:
    # no alert on Monday, the closing leads Tuesday's digest; what the alert told is not told again.
    crawl("2027-01-24", export(**week4, **{FILM: {"gsb:header": "Antragstellung nicht mehr möglich."}}))
    assert change_types(town)[-1] == ("deutsch-franzoesische-kooperationen-film-ffa", ["closed"])
    assert "Versendet: 0" in cli("digest", "urgent", "--stichtag", "2027-01-25")
    assert "Versendet: 1" in cli("digest", "send", "--stichtag", "2027-01-26")
    [fifth] = outbox.new()
    assert fifth["subject"] == "Förderradar KW 4: 1 Änderung für Stadt Bottrop"
    text = fifth["text"]
    assert "Bitte sehen Sie sich zuerst die dringende Änderung an." in text
    assert text.index("DRINGEND: BITTE JETZT PRÜFEN") < text.index("- Antragstellung nicht mehr möglich: ")
    assert "vorgezogen" not in text and "ausgeschöpft" not in text
    assert "Versendet: 0" in cli("digest", "send", "--stichtag", "2027-01-26")

"""`foerderradar demo` end to end, in a subprocess (the Twisted reactor runs once per process)."""

from __future__ import annotations

import email
import json
import mailbox
import os
import re
import socket
import subprocess
import sys
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlmodel import Session, select

from store.db import make_engine
from store.models import Match, Programme


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "foerderradar", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


@pytest.fixture
def demo_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOERDERRADAR_")}
    env |= {
        "FOERDERRADAR_DATA_DIR": str(tmp_path / "data"),
        "FOERDERRADAR_DATABASE_URL": database_url,
        "FOERDERRADAR_SECRET_KEY": "demo-test-secret",
    }
    return env


REAL_HOSTS = {"foerderdatenbank": "www.foerderdatenbank.de", "eu_sedia": "ec.europa.eu", "nrwbank": "www.nrwbank.de"}
# The marks the hand-made test pages carry (tests/fixtures/reconstructed/): the page comment and the
# synthetic catalogue's ids. Real texts may well say "synthetisch", so only these marks count.
MADE_UP = re.compile(r"RECONSTRUCTED|[Rr]econstructed test page|synthetic-\d+")
ITEM_LINK = re.compile(r'<h3[^>]*><a href="([^"]+)"')


def mailed_items(outbox: mailbox.Maildir) -> list[str]:
    """The links of the items (not reminders or changes) of every mail in the outbox."""
    links = []
    for message in outbox:
        html = next(part for part in message.walk() if part.get_content_type() == "text/html")
        links += ITEM_LINK.findall(html.get_payload(decode=True).decode("utf-8"))
    return [link.replace("&amp;", "&") for link in links]


def test_demo_fills_the_outbox_once_per_week(demo_env, tmp_path, database_url):
    result = run_cli("demo", "--json", env=demo_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["programmes_per_source"]["foerderdatenbank"] == 53
    assert set(summary["programmes_per_source"]) == {"foerderdatenbank", "eu_sedia", "nrwbank"}
    assert all(run["status"] == "success" for run in summary["runs"])
    sources = {source["key"]: source for source in summary["sources"]}
    assert sources["nrwbank"]["line"].startswith("NRW.BANK Förderprodukte: 1 gespeicherte Seite")
    for key in ("nrw_mhkbd", "brms", "efre_nrw", "nki_kommunalrichtlinie", "bmftr"):
        assert not sources[key]["crawled"] and "erst im Live-Betrieb" in sources[key]["line"]
        assert key not in {run["source"] for run in summary["runs"]}
    with_matches = summary["matches_per_member"]
    assert with_matches and "schermbeck" in with_matches
    assert len(with_matches) + len(summary["members_without_matches"]) == 58
    assert summary["proposed_left"] > 0, "the review page has proposals to curate after the demo"
    # Member facts: every member has them; the IKI (projects abroad) reaches nobody; own shares are read.
    fit = summary["member_fit"]
    assert fit["members_with_facts"] == 58
    assert fit["excluded_by_member_filters"]["Vorhaben im Ausland"] == 58
    assert fit["matches_with_own_share"] > 0
    diversity = summary["digest_diversity"]
    assert diversity["members_with_digest"] == len(with_matches)
    assert 2 <= diversity["distinct_digests"] <= diversity["members_with_digest"]
    assert 0 <= diversity["same_digest_other_kind"] <= diversity["members_with_digest"]
    assert diversity["usable_programmes"] > 0
    # every open programme a town can use is proposed to somebody, or named as unreached
    assert diversity["usable_proposed"] + len(diversity["unreached"]) == diversity["usable_programmes"]
    outbox = mailbox.Maildir(tmp_path / "data" / "outbox", create=False)
    recipients = sorted(parseaddr(str(message["To"]))[1] for message in outbox)
    assert summary["digests_sent"] == len(recipients) == len(with_matches)
    assert recipients == sorted(f"{slug}@example.org" for slug in with_matches)
    one = next(iter(outbox))
    assert one.get_content_type() == "multipart/alternative"
    # the demo's curator approves only proposals that say why they fit
    texts = [next(p for p in m.walk() if p.get_content_type() == "text/plain").get_payload(decode=True) for m in outbox]
    assert not [t for t in texts if "Schwache Übereinstimmung".encode() in t]
    assert "Förderradar" in str(email.header.make_header(email.header.decode_header(one["Subject"])))

    # Every item a member reads comes from a real record under its real public address.
    links = mailed_items(outbox)
    engine = make_engine(database_url)
    with Session(engine) as session:
        mailed = [session.exec(select(Programme).where(Programme.url == link)).one() for link in links]
        eu_proposed = session.exec(select(Match).join(Programme).where(Programme.source_key == "eu_sedia")).all()
    engine.dispose()
    assert mailed
    for programme in mailed:
        assert urlsplit(programme.url).scheme == "https", programme.url
        assert urlsplit(programme.url).hostname == REAL_HOSTS[programme.source_key], programme.url
        record = json.dumps(
            [
                programme.title,
                programme.teaser_text,
                programme.description_text,
                programme.raw,
                programme.extra,
                programme.attribution,
            ],
            ensure_ascii=False,
        )
        assert not MADE_UP.search(record), programme.url
    # EU calls reach the towns: the urban-mobility open call is proposed to members and mailed to some.
    assert eu_proposed and any(programme.source_key == "eu_sedia" for programme in mailed)

    again = run_cli("demo", "--json", env=demo_env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["digests_sent"] == 0
    assert len(list(mailbox.Maildir(tmp_path / "data" / "outbox", create=False))) == len(recipients)

    human = run_cli("demo", env=demo_env, cwd=tmp_path)
    assert "Treffer je Mitglied" in human.stdout and "Förderdatenbank des Bundes: Auszug" in human.stdout
    assert "BMFTR – Förderbekanntmachungen: keine echte Seite gespeichert, erst im Live-Betrieb" in human.stdout


class Collector(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[email.message.Message] = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def test_demo_over_smtp_delivers_once_and_digest_send_delivers_none(demo_env, tmp_path):
    handler = Collector()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = demo_env | {
            "FOERDERRADAR_MAIL_BACKEND": "smtp",
            "FOERDERRADAR_SMTP_HOST": "127.0.0.1",
            "FOERDERRADAR_SMTP_PORT": str(port),
        }
        result = run_cli("demo", "--json", env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        delivered = sorted(parseaddr(str(m["To"]))[1] for m in handler.messages)
        assert delivered == sorted(f"{slug}@example.org" for slug in summary["matches_per_member"])
        assert len({m["Message-ID"] for m in handler.messages}) == len(delivered)
        send = run_cli("digest", "send", env=env, cwd=tmp_path)
        assert send.returncode == 0, send.stderr
        assert len(handler.messages) == len(delivered)
    finally:
        controller.stop()

"""Fault-injection benchmark: does any fault lose or duplicate a mail or a programme?

Each scenario runs on a fresh database (SQLite file by default; set ``BENCH_DATABASE_URL`` to a
PostgreSQL URL to run on PostgreSQL, one schema per scenario) against real parts: an aiosmtpd
server on loopback that answers 451 or 550, drops the connection or stalls after DATA; a sender
killed with ``os._exit`` between delivery and mark; two senders at once; two ingests of one source
at once; a crawl that fails half-way; keys and values longer than their columns. Follow-up runs are
made as the scheduler would make them (waiting times counted as passed) until nothing is left.

Prints per scenario: mails expected / delivered / duplicated (and resends carrying the same
Message-ID, at most one allowed after a kill) and programmes expected / present / falsely removed.
Asserts nothing.

    python bench/bench_faults.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import os
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text, update
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailer.config import MailConfig  # noqa: E402
from mailer.send import send_period  # noqa: E402
from mailer.transports import SMTPTransport  # noqa: E402
from store.db import create_all, make_engine  # noqa: E402
from store.ingest import Ingest  # noqa: E402
from store.models import DigestSend, Match, Member, Profile, Programme, Recipient, Source  # noqa: E402
from store.types import utcnow  # noqa: E402

TODAY = dt.date(2026, 11, 24)
PERIOD = "2026-W48"
MEMBERS, RECIPIENTS_PER_MEMBER = 40, 5
PROGRAMMES = 1200
MAX_FOLLOW_UPS = 8


# ---------------------------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------------------------


class Database:
    """A fresh, empty database per scenario (a SQLite file or a PostgreSQL schema)."""

    def __init__(self, folder: Path):
        self.base = os.environ.get("BENCH_DATABASE_URL", "")
        self.folder = folder
        self.schemas: list[str] = []

    def fresh(self) -> str:
        if not self.base:
            return f"sqlite:///{self.folder / (uuid.uuid4().hex + '.sqlite3')}"
        schema = "bench_" + uuid.uuid4().hex[:10]
        admin = make_engine(self.base)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        self.schemas.append(schema)
        url = make_url(self.base)
        return url.set(query=dict(url.query) | {"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )

    def drop_all(self) -> None:
        if not self.schemas:
            return
        admin = make_engine(self.base)
        with admin.begin() as connection:
            for schema in self.schemas:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# ---------------------------------------------------------------------------------------------
# Mail side
# ---------------------------------------------------------------------------------------------


@dataclass
class Faults:
    greylist: set[str] = field(default_factory=set)  # 451 at RCPT
    refuse: set[str] = field(default_factory=set)  # 550 at RCPT
    drop_after: int | None = None  # drop the connection at DATA once this many mails were accepted
    stall: set[str] = field(default_factory=set)  # never answer DATA for these


class Handler:
    def __init__(self):
        self.faults = Faults()
        self.accepted: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.faults.refuse:
            return "550 5.1.1 User unknown"
        if address in self.faults.greylist:
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if set(envelope.rcpt_tos) & self.faults.stall:
            await asyncio.sleep(30)
            return "451 4.3.0 too late"
        with self.lock:
            if self.faults.drop_after is not None and len(self.accepted) >= self.faults.drop_after:
                server.transport.close()
                return "421 4.3.0 closing"
            raw = envelope.original_content or envelope.content
            msg_id = next(
                (
                    line.split(b":", 1)[1].strip().decode()
                    for line in raw.splitlines()
                    if line.lower().startswith(b"message-id:")
                ),
                "",
            )
            for address in envelope.rcpt_tos:
                self.accepted.append((address, msg_id))
        return "250 2.0.0 queued"


def message_id_of(raw: bytes) -> str:
    for line in raw.splitlines():
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode()
    return ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_world(engine) -> list[str]:
    """Members with recipients and one approved, released match each; returns every address."""
    addresses = []
    with Session(engine) as session:
        session.add(Source(key="foerderdatenbank", name="Förderdatenbank des Bundes", level="bund"))
        session.commit()
        for m in range(MEMBERS):
            member = Member(slug=f"gemeinde-{m:02d}", name=f"Gemeinde {m}", kind="kreisangehoerige_gemeinde")
            session.add(member)
            session.flush()
            session.add(Profile(member_id=member.id, interests="Radverkehr"))
            for r in range(RECIPIENTS_PER_MEMBER):
                email = f"person{r}@gemeinde{m:02d}.example"
                session.add(Recipient(member_id=member.id, email=email))
                addresses.append(email)
            programme = Programme(
                source_key="foerderdatenbank",
                natural_key=f"p-{m}",
                url=f"https://www.foerderdatenbank.de/p/{m}",
                title=f"Radwege {m}",
                funding_areas=["umwelt"],
                status="open",
                attribution="Quelle: Förderdatenbank des Bundes",
            )
            session.add(programme)
            session.flush()
            now = utcnow()
            session.add(
                Match(
                    member_id=member.id,
                    programme_id=programme.id,
                    score=50.0,
                    state="approved",
                    explanation={"summary": "Passt zu Ihren Interessen: Radverkehr"},
                    released_at=now,
                    decided_at=now,
                )
            )
        session.commit()
    return addresses


def let_waiting_time_pass(engine) -> None:
    with Session(engine) as session:
        session.execute(update(DigestSend).values(next_attempt_at=utcnow() - dt.timedelta(minutes=1)))
        session.commit()


class DieAfter(SMTPTransport):
    """Delivers, then the process dies after N accepted mails, before the send is marked."""

    def __init__(self, config, die_after: int):
        super().__init__(config)
        self.remaining = die_after

    def push(self, message, *, sender, recipient):
        super().push(message, sender=sender, recipient=recipient)
        self.remaining -= 1
        if self.remaining == 0:
            os._exit(9)


def _send_and_die(database_url: str, config: MailConfig, die_after: int) -> None:
    engine = make_engine(database_url)
    send_period(engine, config, period=PERIOD, today=TODAY, transport=DieAfter(config, die_after))


@dataclass
class MailScenario:
    name: str
    arrange: Callable[[Handler, list[str]], set[str]]  # sets faults; returns addresses that must get nothing
    first_run: Callable[[object, str, MailConfig], None] | None = None  # replaces the first ordinary run
    fault_runs: int = 1  # runs made while the faults last
    timeout: float = 10.0


def run_mail_scenario(db: Database, scenario: MailScenario) -> dict:
    database_url = db.fresh()
    engine = make_engine(database_url)
    create_all(engine)
    addresses = mail_world(engine)
    handler = Handler()
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    folder = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    config = MailConfig(
        secret_key="bench",
        maildir_path=folder / "outbox",
        bounce_maildir_path=folder / "bounces",
        backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_timeout=scenario.timeout,
        sending_timeout_minutes=30,
    )
    never = scenario.arrange(handler, addresses)
    started = time.perf_counter()
    runs = 0
    try:
        for attempt in range(scenario.fault_runs):
            if attempt == 0 and scenario.first_run is not None:
                scenario.first_run(engine, database_url, config)
            else:
                send_period(engine, config, period=PERIOD, today=TODAY)
            runs += 1
            let_waiting_time_pass(engine)
        handler.faults = Faults(refuse=handler.faults.refuse)  # the temporary faults are over
        for _ in range(MAX_FOLLOW_UPS):
            report = send_period(engine, config, period=PERIOD, today=TODAY)
            runs += 1
            if not report.waiting:
                break
            let_waiting_time_pass(engine)
    finally:
        controller.stop()
        engine.dispose()
    per_address = Counter(address for address, _ in handler.accepted)
    expected = [a for a in addresses if a not in never]
    same_id_resends = sum(
        count - 1 for count in Counter(handler.accepted).values() if count > 1
    )  # same recipient, same Message-ID
    return {
        "name": scenario.name,
        "mails_expected": len(expected),
        "mails_delivered": sum(1 for a in expected if per_address[a] >= 1),
        "mails_duplicated": sum(max(0, n - 1) for n in per_address.values()),
        "same_id_resends": same_id_resends,
        "wrongly_sent": sum(per_address[a] for a in never),
        "runs": runs,
        "seconds": time.perf_counter() - started,
    }


def _greylist_first_members(handler: Handler, addresses: list[str]) -> set[str]:
    handler.faults.greylist = {a for a in addresses if "gemeinde00" in a or "gemeinde01" in a}
    return set()


def _refuse_one(handler: Handler, addresses: list[str]) -> set[str]:
    handler.faults.refuse = {addresses[7]}
    handler.faults.greylist = {a for a in addresses if "gemeinde03" in a}
    return {addresses[7]}


def _drop_after_40(handler: Handler, addresses: list[str]) -> set[str]:
    handler.faults.drop_after = 40
    return set()


def _stall_two(handler: Handler, addresses: list[str]) -> set[str]:
    handler.faults.stall = {addresses[0], addresses[100]}
    return set()


def _nothing(handler: Handler, addresses: list[str]) -> set[str]:
    return set()


def _killed_after_30(engine, database_url: str, config: MailConfig) -> None:
    child = multiprocessing.get_context("fork").Process(target=_send_and_die, args=(database_url, config, 30))
    child.start()
    child.join(120)  # its claim is taken over at once by the next run: the process is gone


def _two_senders(engine, database_url: str, config: MailConfig) -> None:
    barrier = threading.Barrier(2)

    def one():
        barrier.wait()
        send_period(make_engine(database_url), config, period=PERIOD, today=TODAY)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)


MAIL_SCENARIOS = [
    MailScenario("451 for two members (3 runs)", _greylist_first_members, fault_runs=3),
    MailScenario("550 for one, 451 for one member", _refuse_one),
    MailScenario("connection dropped after 40 mails", _drop_after_40),
    MailScenario("stall after DATA for two", _stall_two, timeout=1.0),
    MailScenario("sender killed after 30 mails", _nothing, first_run=_killed_after_30),
    MailScenario("two senders at once", _nothing, first_run=_two_senders),
]


# ---------------------------------------------------------------------------------------------
# Programme side
# ---------------------------------------------------------------------------------------------


def _item(n: int, **fields) -> dict:
    return {
        "natural_key": f"/FDB/Content/DE/Foerderprogramm/Bund/BMWK/programm-{n}",
        "title": f"Förderprogramm {n}",
        "url": f"https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/Bund/BMWK/programm-{n}.html",
        "description_text": "Förderung kommunaler Klimaschutzmaßnahmen",
        "regions": ["_bundesweit"],
    } | fields


def _ingest(engine, items, *, complete=True, fail_at: int | None = None):
    ingest = Ingest(engine, "foerderdatenbank", source_name="Förderdatenbank des Bundes", today=TODAY)
    for position, item in enumerate(items):
        if fail_at is not None and position == fail_at:
            return ingest.fail("Verbindung abgebrochen (Benchmark)")
        ingest.add(item)
    return ingest.finish(complete=complete)


def _programme_counts(engine, expected_keys: set[str]) -> tuple[int, int]:
    with Session(engine) as session:
        rows = session.exec(select(Programme.natural_key, Programme.removed_at)).all()
    present = {key for key, removed in rows if removed is None}
    falsely_removed = sum(1 for key, removed in rows if removed is not None and key in expected_keys)
    return len(present & expected_keys), falsely_removed


def scenario_two_ingests(engine) -> tuple[int, set[str]]:
    items = [_item(n) for n in range(PROGRAMMES)]
    errors = []

    def one(part):
        try:
            _ingest(engine, part)
        except Exception as exc:  # noqa: BLE001 - counted: a lost batch shows as missing programmes
            errors.append(exc)

    halves = [items[: PROGRAMMES * 2 // 3], items[PROGRAMMES // 3 :]]  # overlapping thirds
    threads = [threading.Thread(target=one, args=(half,)) for half in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return len(items), {item["natural_key"] for item in items}


def scenario_failed_half_way(engine) -> tuple[int, set[str]]:
    items = [_item(n) for n in range(PROGRAMMES)]
    _ingest(engine, items)
    _ingest(engine, items, fail_at=PROGRAMMES // 2)  # must remove nothing
    return len(items), {item["natural_key"] for item in items}


def scenario_long_keys_and_values(engine) -> tuple[int, set[str]]:
    from store.ingest import normalise_item

    long_key = _item(0, natural_key="/FDB/Content/DE/Foerderprogramm/" + "sehr-langer-name-" * 40)
    too_long_url = _item(1, url="https://www.foerderdatenbank.de/" + "x" * 2100)  # reported and skipped
    items = [long_key, too_long_url, *(_item(n) for n in range(2, PROGRAMMES))]
    _ingest(engine, items)
    _ingest(engine, items)  # the shortened key is the same: nothing new, nothing removed
    kept = [item for item in items if item is not too_long_url]
    return len(kept), {normalise_item(item)["natural_key"] for item in kept}


PROGRAMME_SCENARIOS = [
    ("two ingests of one source at once", scenario_two_ingests),
    ("crawl failed half-way after a full one", scenario_failed_half_way),
    ("600-char key, 2100-char URL (skipped)", scenario_long_keys_and_values),
]


def run_programme_scenario(db: Database, name: str, body) -> dict:
    engine = make_engine(db.fresh())
    create_all(engine)
    started = time.perf_counter()
    expected, keys = body(engine)
    present, falsely_removed = _programme_counts(engine, keys)
    engine.dispose()
    return {
        "name": name,
        "programmes_expected": expected,
        "programmes_present": present,
        "falsely_removed": falsely_removed,
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-faults-db-"))
    db = Database(folder)
    backend = "PostgreSQL" if db.base else "SQLite"
    print(
        f"Fault injection on {backend}: {MEMBERS} members x {RECIPIENTS_PER_MEMBER} recipients, {PROGRAMMES} programmes"
    )
    try:
        print(
            f"\n{'mail scenario':38} {'expected':>8} {'delivered':>9} {'duplicated':>10} "
            f"{'same-ID':>7} {'runs':>4} {'s':>6}"
        )
        for scenario in MAIL_SCENARIOS:
            row = run_mail_scenario(db, scenario)
            print(
                f"{row['name']:38} {row['mails_expected']:>8} {row['mails_delivered']:>9} "
                f"{row['mails_duplicated']:>10} {row['same_id_resends']:>7} {row['runs']:>4} {row['seconds']:>6.1f}"
                + (f"  (to refused: {row['wrongly_sent']})" if row["wrongly_sent"] else "")
            )
        print(f"\n{'programme scenario':38} {'expected':>8} {'present':>9} {'falsely removed':>15} {'s':>6}")
        for name, body in PROGRAMME_SCENARIOS:
            row = run_programme_scenario(db, name, body)
            print(
                f"{row['name']:38} {row['programmes_expected']:>8} {row['programmes_present']:>9} "
                f"{row['falsely_removed']:>15} {row['seconds']:>6.1f}"
            )
    finally:
        db.drop_all()


if __name__ == "__main__":
    main()

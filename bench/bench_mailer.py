"""Mailer benchmark: render 1,000 digests of 20 items; send 1,000 mails to a local SMTP server.

Targets (issue 6): rendering <= 5 s, sending <= 30 s, with one reused SMTP connection. CPU
time is printed next to wall time because the shared 2-core machine is often busy. The send
figure is measured end to end through ``send_period`` (prepare, claim, render, deliver, mark on
a SQLite file), which is what a Tuesday run costs. Prints figures; asserts nothing.

    python bench/bench_mailer.py
"""

from __future__ import annotations

import datetime as dt
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailer.assemble import DigestContent, RecipientInfo, SourceHealth  # noqa: E402
from mailer.config import MailConfig  # noqa: E402
from mailer.items import Contact, DigestItem  # noqa: E402
from mailer.render import render_digest  # noqa: E402
from mailer.send import send_period  # noqa: E402
from store.db import create_all, make_engine  # noqa: E402
from store.models import Match, Member, Profile, Programme, Recipient, Source  # noqa: E402
from store.types import utcnow  # noqa: E402

TODAY = dt.date(2026, 11, 24)
PERIOD = "2026-W48"
TEASER = (
    "Gefördert werden Investitionen in die kommunale Radverkehrsinfrastruktur, Radabstellanlagen "
    "und Maßnahmen zur Verknüpfung mit dem öffentlichen Nahverkehr. "
) * 3


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def content(n: int) -> DigestContent:
    items = [
        DigestItem(
            programme_id=n * 100 + i,
            match_id=n * 100 + i,
            title=f"Förderprogramm {i} für Kommune {n}",
            url=f"https://www.foerderdatenbank.de/p/{n}/{i}",
            funder="Bundesministerium für Verkehr",
            level="Bund",
            funding_types=["Zuschuss"],
            funding_rate="bis zu 75 %",
            deadline_label=f"Frist am {TODAY + dt.timedelta(days=10 + i):%d.%m.%Y} (noch {10 + i} Tage)",
            why="Passt zu Ihren Interessen: Radverkehr, Klimaschutz",
            description=TEASER[:320],
            applicants="Kommune, Öffentliche Einrichtung",
            contact=Contact("Projektträger Jülich (PtJ)", "+49 2461 61-2626", "ptj@ptj.de", web="https://www.ptj.de/"),
            attribution="Förderdatenbank des Bundes, CC BY-ND 4.0",
        )
        for i in range(20)
    ]
    return DigestContent(
        member_id=n,
        member_slug=f"kommune-{n}",
        member_name=f"Kommune {n}",
        period=PERIOD,
        today=TODAY,
        recipient=RecipientInfo(n, f"a{n}@kommune.example", "Frau Müller"),
        items=items,
        reminders=[],
        changes=[],
        more_items=0,
        health=SourceHealth(["Förderdatenbank des Bundes"], []),
        attributions=["Förderdatenbank des Bundes, CC BY-ND 4.0"],
    )


def bench_render(config: MailConfig, count: int = 1000) -> None:
    contents = [content(n) for n in range(count)]
    start, cpu = time.perf_counter(), time.process_time()
    sizes = [len(render_digest(c, config).html) for c in contents]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"render: {count} digests x 20 items in {seconds:.2f} s wall, {cpu:.2f} s CPU ({count / seconds:.0f}/s), "
        f"HTML {min(sizes) // 1024}-{max(sizes) // 1024} KB, peak RSS {peak_rss_mb():.0f} MB (target <= 5 s)"
    )


SERVER = """
import signal, sys, threading
from aiosmtpd.controller import Controller

class Counter:
    messages = 0
    connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        Counter.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        Counter.messages += 1
        return "250 OK"

controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
stop.wait()
controller.stop()
print(Counter.messages, Counter.connections, flush=True)
"""


def smtp_server_process(port: int) -> subprocess.Popen:
    """The SMTP server runs in a process of its own, as a real relay would (no shared GIL)."""
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True)
    assert server.stdout.readline().strip() == "ready"
    return server


def seed(engine, members: int, per_member: int) -> None:
    with Session(engine) as session:
        session.add(Source(key="foerderdatenbank", name="Förderdatenbank des Bundes", level="bund"))
        session.flush()
        programmes = [
            Programme(
                source_key="foerderdatenbank",
                natural_key=f"p{i}",
                title=f"Programm {i}",
                teaser_text=TEASER,
                url=f"https://www.foerderdatenbank.de/p/{i}",
                next_deadline=TODAY + dt.timedelta(days=30),
            )
            for i in range(20)
        ]
        session.add_all(programmes)
        session.flush()
        for m in range(members):
            member = Member(slug=f"kommune-{m}", name=f"Kommune {m}", kind="kreisangehoerige_gemeinde")
            session.add(member)
            session.flush()
            session.add(Profile(member_id=member.id))
            session.add_all(
                [
                    Recipient(member_id=member.id, email=f"r{r}@kommune{m}.example", name="Frau Müller")
                    for r in range(per_member)
                ]
            )
            session.add_all(
                [
                    Match(
                        member_id=member.id,
                        programme_id=p.id,
                        score=50,
                        state="approved",
                        released_at=utcnow(),
                        explanation={"summary": "Passt: Radverkehr"},
                    )
                    for p in programmes
                ]
            )
        session.commit()


def bench_send(config: MailConfig, database_url: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = smtp_server_process(port)
    try:
        engine = make_engine(database_url)
        create_all(engine)
        seed(engine, members=50, per_member=20)
        config.backend, config.smtp_host, config.smtp_port = "smtp", "127.0.0.1", port
        start, cpu = time.perf_counter(), time.process_time()
        report = send_period(engine, config, period=PERIOD, today=TODAY)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        engine.dispose()
    finally:
        server.send_signal(signal.SIGTERM)
        messages, connections = server.communicate(timeout=30)[0].split()
    print(
        f"send: {report.sent} mails (20 items each) via send_period in {seconds:.2f} s wall, {cpu:.2f} s CPU "
        f"({report.sent / seconds:.0f}/s), server got {messages} over {connections} SMTP connection(s), "
        f"peak RSS {peak_rss_mb():.0f} MB (target <= 30 s)"
    )


def main() -> None:
    """``python bench/bench_mailer.py [DATABASE_URL]`` — an empty PostgreSQL database, or a temp SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        config = MailConfig(secret_key="bench", maildir_path=Path(tmp) / "outbox")
        bench_render(config)
        database_url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        print(f"database: {database_url.partition(':')[0]}")
        bench_send(config, database_url)


if __name__ == "__main__":
    main()

"""Mailer benchmark: render 1,000 digests of 20 items; send 1,000 mails to a local SMTP server.

Targets (issue 6): rendering <= 5 s, sending <= 30 s, with one reused SMTP connection. The send
figure is measured end to end through ``send_period`` (prepare, claim, render, deliver, mark on
a SQLite file), which is what a Tuesday run costs. Prints figures; asserts nothing.

    python bench/bench_mailer.py
"""

from __future__ import annotations

import datetime as dt
import resource
import socket
import sys
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailer.assemble import DigestContent, DigestItem, RecipientInfo, SourceHealth  # noqa: E402
from mailer.config import MailConfig  # noqa: E402
from mailer.render import render_digest  # noqa: E402
from mailer.send import send_period  # noqa: E402
from store.db import create_all, make_engine  # noqa: E402
from store.models import Match, Member, Profile, Programme, Recipient, Source  # noqa: E402
from store.types import utcnow  # noqa: E402

TODAY = dt.date(2026, 11, 24)
PERIOD = "2026-W48"
TEASER = ("Gefördert werden Investitionen in die kommunale Radverkehrsinfrastruktur, Radabstellanlagen "
          "und Maßnahmen zur Verknüpfung mit dem öffentlichen Nahverkehr. ") * 3


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def content(n: int) -> DigestContent:
    items = [DigestItem(programme_id=n * 100 + i, match_id=n * 100 + i, title=f"Förderprogramm {i} für Kommune {n}",
                        url=f"https://www.foerderdatenbank.de/p/{n}/{i}", funder="Bundesministerium für Verkehr",
                        level="Bund", funding_types=["Zuschuss"], funding_rate="bis zu 75 %",
                        deadline=TODAY + dt.timedelta(days=10 + i), days_left=10 + i, deadline_note="",
                        why="Passt zu Ihren Interessen: Radverkehr, Klimaschutz", teaser=TEASER[:320],
                        attribution="Förderdatenbank des Bundes, CC BY-ND 4.0") for i in range(20)]
    return DigestContent(member_id=n, member_slug=f"kommune-{n}", member_name=f"Kommune {n}", period=PERIOD,
                         today=TODAY, recipient=RecipientInfo(n, f"a{n}@kommune.example", "Frau Müller"),
                         items=items, reminders=[], changes=[], more_items=0,
                         health=SourceHealth(["Förderdatenbank des Bundes"], []),
                         attributions=["Förderdatenbank des Bundes, CC BY-ND 4.0"])


def bench_render(config: MailConfig, count: int = 1000) -> None:
    contents = [content(n) for n in range(count)]
    start = time.perf_counter()
    sizes = [len(render_digest(c, config).html) for c in contents]
    seconds = time.perf_counter() - start
    print(f"render: {count} digests x 20 items in {seconds:.2f} s ({count / seconds:.0f}/s), "
          f"HTML {min(sizes) // 1024}-{max(sizes) // 1024} KB, peak RSS {peak_rss_mb():.0f} MB (target <= 5 s)")


class Counter:
    def __init__(self):
        self.messages = 0
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


def seed(engine, members: int, per_member: int) -> None:
    with Session(engine) as session:
        session.add(Source(key="foerderdatenbank", name="Förderdatenbank des Bundes", level="bund"))
        session.flush()
        programmes = [Programme(source_key="foerderdatenbank", natural_key=f"p{i}", title=f"Programm {i}",
                                teaser_text=TEASER, url=f"https://www.foerderdatenbank.de/p/{i}",
                                next_deadline=TODAY + dt.timedelta(days=30)) for i in range(20)]
        session.add_all(programmes)
        session.flush()
        for m in range(members):
            member = Member(slug=f"kommune-{m}", name=f"Kommune {m}", kind="kreisangehoerige_gemeinde")
            session.add(member)
            session.flush()
            session.add(Profile(member_id=member.id))
            session.add_all([Recipient(member_id=member.id, email=f"r{r}@kommune{m}.example", name="Frau Müller")
                             for r in range(per_member)])
            session.add_all([Match(member_id=member.id, programme_id=p.id, score=50, state="approved",
                                   released_at=utcnow(), explanation={"summary": "Passt: Radverkehr"})
                             for p in programmes])
        session.commit()


def bench_send(config: MailConfig, workdir: Path) -> None:
    handler = Counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        engine = make_engine(f"sqlite:///{workdir / 'bench.sqlite3'}")
        create_all(engine)
        seed(engine, members=50, per_member=20)
        config.backend, config.smtp_host, config.smtp_port = "smtp", "127.0.0.1", port
        start = time.perf_counter()
        report = send_period(engine, config, period=PERIOD, today=TODAY)
        seconds = time.perf_counter() - start
        print(f"send: {report.sent} mails (20 items each) via send_period in {seconds:.2f} s "
              f"({report.sent / seconds:.0f}/s), SMTP connections: {handler.connections}, "
              f"server got {handler.messages}, peak RSS {peak_rss_mb():.0f} MB (target <= 30 s)")
        engine.dispose()
    finally:
        controller.stop()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = MailConfig(secret_key="bench", maildir_path=Path(tmp) / "outbox")
        bench_render(config)
        bench_send(config, Path(tmp))


if __name__ == "__main__":
    main()

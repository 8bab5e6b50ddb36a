"""Fixtures for the mailer tests: a small but real data set, mail config, and a real SMTP server.

The SMTP server is aiosmtpd on loopback with STARTTLS (a self-signed certificate made at test
time with ``cryptography``) and AUTH; it records every accepted message and can be told to refuse
recipients or to drop the connection after N messages (fault injection).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from sqlmodel import Session

from mailer.config import MailConfig
from store.models import Match, Member, Profile, Programme, Recipient, Source
from store.types import utcnow

TODAY = dt.date(2026, 11, 24)  # a Tuesday, ISO week 2026-W48
PERIOD = "2026-W48"
SMTP_USER, SMTP_PASSWORD = "digest", "geheim-ä"


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


class World:
    """Creates members, recipients, programmes and matches with sensible defaults."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        with Session(engine) as session:
            session.add(Source(key="foerderdatenbank", name="Förderdatenbank des Bundes", level="bund"))
            session.add(Source(key="eu_sedia", name="EU Funding & Tenders Portal", level="eu"))
            session.commit()

    def member(
        self,
        slug: str,
        name: str | None = None,
        *,
        recipients=(),
        frequency: str = "weekly",
        send_nothing_new: bool = False,
        auto_approve_score: float | None = None,
        bezirksregierung: str = "",
    ) -> int:
        with Session(self.engine) as session:
            member = Member(
                slug=slug,
                name=name or slug.title(),
                kind="kreisangehoerige_gemeinde",
                bezirksregierung=bezirksregierung,
                digest_frequency=frequency,
                send_nothing_new=send_nothing_new,
                auto_approve_score=auto_approve_score,
            )
            session.add(member)
            session.flush()
            session.add(Profile(member_id=member.id, interests="Radverkehr"))
            for spec in recipients:
                address, name_, topics = (spec + ("", []))[:3] if isinstance(spec, tuple) else (spec, "", [])
                session.add(Recipient(member_id=member.id, email=address, name=name_, topics=list(topics)))
            session.commit()
            return member.id

    def programme(self, title: str, *, deadline: dt.date | None = None, areas=("umwelt",), **fields) -> int:
        with Session(self.engine) as session:
            self.count += 1
            key = f"programme-{self.count}"
            programme = Programme(
                source_key=fields.pop("source_key", "foerderdatenbank"),
                natural_key=fields.pop("natural_key", key),
                url=fields.pop("url", f"https://www.foerderdatenbank.de/p/{self.count}"),
                title=title,
                next_deadline=deadline,
                funding_areas=list(areas),
                funder=fields.pop("funder", "Bundesministerium für Verkehr"),
                level=fields.pop("level", "bund"),
                status="open",
                attribution=fields.pop("attribution", "Quelle: Förderdatenbank des Bundes, BMWE, CC BY-ND 4.0"),
                **fields,
            )
            session.add(programme)
            session.commit()
            return programme.id

    def match(
        self,
        member_id: int,
        programme_id: int,
        *,
        score: float = 50.0,
        state: str = "approved",
        released: bool = True,
        sent_at: dt.datetime | None = None,
        summary: str = "Passt zu Ihren Interessen: Radverkehr",
        explanation: dict | None = None,
    ) -> int:
        now = utcnow()
        with Session(self.engine) as session:
            match = Match(
                member_id=member_id,
                programme_id=programme_id,
                score=score,
                state=state,
                explanation=explanation or {"summary": summary},
                released_at=now if released else None,
                decided_at=now,
                sent_at=sent_at,
            )
            session.add(match)
            session.commit()
            return match.id


@pytest.fixture
def world(engine) -> World:
    return World(engine)


@pytest.fixture
def mail_config(tmp_path: Path) -> MailConfig:
    return MailConfig(
        secret_key="test-secret",
        maildir_path=tmp_path / "outbox",
        bounce_maildir_path=tmp_path / "bounces",
        public_base_url="https://foerderradar.example.org",
    )


# ---------------------------------------------------------------------------------------------
# SMTP server
# ---------------------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage
    raw: bytes  # the DATA exactly as it came over the wire


@dataclass
class Behaviour:
    refuse: set[str] = field(default_factory=set)  # RCPT TO these addresses gets 550
    drop_after: int | None = None  # accept this many messages in total, then drop the connection
    greylist: set[str] = field(default_factory=set)  # RCPT TO these addresses gets 451 (try again later)
    stall: set[str] = field(default_factory=set)  # after DATA for these addresses the server never answers


class RecordingHandler:
    def __init__(self):
        self.received: list[Received] = []
        self.behaviour = Behaviour()
        self.lock = threading.Lock()
        self.rcpt_attempts: list[str] = []  # every RCPT TO, accepted or not

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_attempts.append(address)
        if address in self.behaviour.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address in self.behaviour.greylist:
            return f"451 4.7.1 <{address}>: Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if set(envelope.rcpt_tos) & self.behaviour.stall:
            await asyncio.sleep(30)  # the client's timeout ends the wait; nothing was accepted
            return "451 4.3.0 too late"
        with self.lock:
            if self.behaviour.drop_after is not None and len(self.received) >= self.behaviour.drop_after:
                server.transport.close()  # the connection drops mid-batch
                return "421 4.3.0 closing"
            raw = envelope.original_content or envelope.content
            message = email.message_from_bytes(raw, policy=policy.default)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, raw))
        return "250 2.0.0 queued"

    def message_ids_for(self, address: str) -> list[str]:
        return [r.message["Message-ID"] for r in self.received if address in r.rcpt_tos]


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok)


class TLSController(Controller):
    def __init__(self, handler, tls_context, **kwargs):
        self.tls_context = tls_context
        super().__init__(handler, **kwargs)

    def factory(self):
        return SMTP(
            self.handler,
            tls_context=self.tls_context,
            require_starttls=True,
            auth_require_tls=True,
            authenticator=_authenticator,
            auth_required=True,
            hostname="localhost",
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(tmp_path: Path):
    """A real STARTTLS+AUTH SMTP server on loopback; yields (handler, cafile, port)."""
    cert_file, key_file = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    handler = RecordingHandler()
    port = _free_port()
    controller = TLSController(handler, context, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, str(cert_file), port
    finally:
        controller.stop()


@pytest.fixture
def smtp_config(mail_config: MailConfig, smtp_server) -> MailConfig:
    _, cafile, port = smtp_server
    mail_config.backend = "smtp"
    mail_config.smtp_host = "127.0.0.1"
    mail_config.smtp_port = port
    mail_config.smtp_starttls = True
    mail_config.smtp_user = SMTP_USER
    mail_config.smtp_password = SMTP_PASSWORD
    mail_config.smtp_cafile = cafile
    mail_config.smtp_timeout = 10
    return mail_config


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def period() -> str:
    return PERIOD


@pytest.fixture
def world_on():
    """``World`` for an engine the test made itself (e.g. a database built by the migrations)."""
    return World


@pytest.fixture
def smtp_kit():
    """The building blocks of ``smtp_server`` for tests that need a differently configured server."""
    from types import SimpleNamespace

    return SimpleNamespace(
        RecordingHandler=RecordingHandler,
        authenticator=_authenticator,
        free_port=_free_port,
        self_signed=_self_signed,
        user=SMTP_USER,
        password=SMTP_PASSWORD,
    )

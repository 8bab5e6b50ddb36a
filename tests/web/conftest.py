"""Fixtures of the web tests: an app on the test database with two members, programmes, matches,
a curator and an admin, and TestClients logged in as each of them.

The clients talk HTTPS to ``testserver`` (the session cookie is ``Secure``) and send our own
``Origin``, as a browser on our pages does; the CSRF tests take that away.
"""

from __future__ import annotations

import mailbox
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from store.models import Match, MatchState, Member, Profile, Programme, Recipient, Source, StaffUser
from web.app import create_app
from web.auth import hash_password
from web.tokens import make_magic_token

BASE = "https://testserver"
PASSWORD = "ein-langes-testpasswort"
HOSTILE_HTML = (
    '<p onclick="steal()">Gefördert werden Radwege.<script>alert("x")</script>'
    '<a href="javascript:alert(1)">Antrag</a><img src=x onerror="alert(2)">'
    '<a href="https://www.foerderdatenbank.de/radwege">Richtlinie</a></p>'
)
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class World:
    member_a: Member
    member_b: Member
    recipient_a: Recipient
    recipient_b: Recipient
    recipient_a2: Recipient
    programmes: dict[str, Programme]
    matches: dict[str, Match]
    curator: StaffUser
    admin: StaffUser


def _programme(source: str, key: str, title: str, **fields) -> Programme:
    return Programme(
        source_key=source,
        natural_key=key,
        url=f"https://www.foerderdatenbank.de/{key}",
        title=title,
        level=fields.pop("level", "bund"),
        funder=fields.pop("funder", "BMV"),
        eligible_applicants=["kommune"],
        regions=["_bundesweit"],
        status="open",
        **fields,
    )


@pytest.fixture(scope="session")
def password_hash() -> str:
    """argon2 is slow on purpose; the staff of every test world share one hash of ``PASSWORD``."""
    return hash_password(PASSWORD)


@pytest.fixture
def world(engine, password_hash) -> World:
    today = date.today()
    with Session(engine, expire_on_commit=False) as session:
        session.add_all(
            [
                Source(key="foerderdatenbank", name="Förderdatenbank des Bundes", level="bund"),
                Source(key="eu_sedia", name="EU Funding & Tenders", level="eu"),
            ]
        )
        session.flush()
        programmes = {
            "radwege": _programme(
                "foerderdatenbank",
                "radwege",
                "Kommunale Radwege stärken",
                funding_areas=["mobilitaet"],
                funding_types=["zuschuss"],
                teaser_text="Zuschüsse für Radwege in Kommunen.",
                description_text="Gefördert werden Radwege.",
                raw={"description_text": HOSTILE_HTML},
                next_deadline=today + timedelta(days=20),
                deadlines=[(today + timedelta(days=20)).isoformat()],
                links=[{"title": "Böser Link", "url": "javascript:alert(3)"}],
            ),
            "waerme": _programme(
                "foerderdatenbank",
                "waerme",
                "Kommunale Wärmeplanung",
                funding_areas=["energieeffizienz_erneuerbare_energien"],
                funding_types=["zuschuss"],
                teaser_text="Wärmeplanung für Städte und Gemeinden.",
                rolling=True,
            ),
            "eu_call": _programme(
                "eu_sedia",
                "LIFE-2026-CLIMA",
                "LIFE Klimaanpassung in Städten",
                level="eu",
                funder="Europäische Kommission",
                funding_areas=["umwelt_naturschutz"],
                kind="call",
                next_deadline=today + timedelta(days=40),
                deadlines=[(today + timedelta(days=40)).isoformat()],
            ),
            "sport": _programme(
                "foerderdatenbank",
                "sportstaetten",
                "Sanierung kommunaler Sportstätten",
                funding_areas=["kultur_medien_sport"],
                funding_types=["zuschuss"],
            ),
        }
        session.add_all(programmes.values())
        member_a = Member(
            slug="schermbeck",
            name="Gemeinde Schermbeck",
            kind="kreisangehoerige_gemeinde",
            kreis="Kreis Wesel",
            feed_token="a" * 43,
        )
        member_b = Member(
            slug="selm", name="Stadt Selm", kind="kreisangehoerige_gemeinde", kreis="Kreis Unna", feed_token="b" * 43
        )
        session.add_all([member_a, member_b])
        session.flush()
        session.add_all(
            [
                Profile(
                    member_id=member_a.id,
                    interests="Radverkehr und Klimaschutz",
                    keywords=["Radweg"],
                    topics=["mobilitaet"],
                ),
                Profile(member_id=member_b.id, interests="Sportstätten sanieren", keywords=["Sporthalle"]),
            ]
        )
        recipient_a = Recipient(member_id=member_a.id, email="kaemmerei@schermbeck.de", name="Kämmerei")
        recipient_b = Recipient(member_id=member_b.id, email="bauamt@selm.de", name="Bauamt")
        recipient_a2 = Recipient(member_id=member_a.id, email="klima@schermbeck.de", topics=["umwelt_naturschutz"])
        session.add_all([recipient_a, recipient_b, recipient_a2])
        session.flush()
        explanation = {
            "summary": "Passt zu Ihren Interessen: Radverkehr",
            "terms": ["radweg"],
            "interests": ["Radverkehr"],
            "eligibility": "Antragsberechtigt: Kommune",
            "region": "Fördergebiet: bundesweit",
            "components": {"word": 30.0},
        }
        matches = {
            "a_radwege": Match(
                member_id=member_a.id, programme_id=programmes["radwege"].id, score=81.0, explanation=explanation
            ),
            "a_waerme": Match(
                member_id=member_a.id, programme_id=programmes["waerme"].id, score=44.0, explanation=explanation
            ),
            "a_eu": Match(
                member_id=member_a.id,
                programme_id=programmes["eu_call"].id,
                score=62.0,
                explanation=explanation,
                state=MatchState.approved,
            ),
            "b_sport": Match(
                member_id=member_b.id, programme_id=programmes["sport"].id, score=70.0, explanation=explanation
            ),
            "b_eu": Match(
                member_id=member_b.id,
                programme_id=programmes["eu_call"].id,
                score=55.0,
                explanation=explanation,
                state=MatchState.approved,
            ),
        }
        session.add_all(matches.values())
        curator = StaffUser(email="kurator@rvr.ruhr", password_hash=password_hash, role="curator", name="Kim Kurator")
        admin = StaffUser(email="admin@rvr.ruhr", password_hash=password_hash, role="admin", name="Alex Admin")
        session.add_all([curator, admin])
        session.commit()
    return World(member_a, member_b, recipient_a, recipient_b, recipient_a2, programmes, matches, curator, admin)


@pytest.fixture
def app(settings_env, world):
    settings_env.data_dir.mkdir(parents=True, exist_ok=True)  # as after `foerderradar init`; holds the outbox
    application = create_app(settings_env)
    yield application
    application.state.engine.dispose()


def csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "page carries no CSRF token"
    return found.group(1)


class Browser(TestClient):
    """A TestClient that remembers the CSRF token of the last page it saw, like a browser tab."""

    csrf = ""

    def page(self, url: str, **kwargs):
        response = self.get(url, **kwargs)
        found = CSRF_FIELD.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def submit(self, url: str, data: dict | None = None, **kwargs):
        return self.post(url, data={"csrf_token": self.csrf, **(data or {})}, follow_redirects=False, **kwargs)


def _browser(app, address: str = "testclient") -> Browser:
    client = Browser(app, base_url=BASE, client=(address, 50000))
    client.headers["origin"] = BASE
    return client


@pytest.fixture
def browser_at():
    """A fresh browser of an app coming from the given client address (rate limits are per address)."""
    return lambda app, address: _browser(app, address)


@pytest.fixture
def new_browser(app):
    """Fresh, independent browsers (e.g. two tabs racing for one magic link)."""
    return lambda: _browser(app)


@pytest.fixture
def anonymous(app) -> Browser:
    with _browser(app) as client:
        client.page("/staff/login")
        yield client


def staff_login(client: Browser, email: str) -> None:
    client.page("/staff/login")
    response = client.submit("/staff/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.text
    client.page("/staff/queue")


def member_login(client: Browser, app, recipient: Recipient) -> None:
    token = make_magic_token(app.state.settings.signing_key(), recipient_id=recipient.id, member_id=recipient.member_id)
    client.page(f"/member/login/{token}")
    response = client.submit(f"/member/login/{token}")
    assert response.status_code == 303, response.text
    client.page("/member/")


@pytest.fixture
def curator(app, world) -> Browser:
    with _browser(app) as client:
        staff_login(client, world.curator.email)
        yield client


@pytest.fixture
def admin(app, world) -> Browser:
    with _browser(app) as client:
        staff_login(client, world.admin.email)
        yield client


@pytest.fixture
def member_a(app, world) -> Browser:
    with _browser(app) as client:
        member_login(client, app, world.recipient_a)
        yield client


@pytest.fixture
def member_b(app, world) -> Browser:
    with _browser(app) as client:
        member_login(client, app, world.recipient_b)
        yield client


@pytest.fixture
def outbox(settings_env):
    """The messages the app wrote to the Maildir outbox, newest last."""

    def read() -> list:
        box = mailbox.Maildir(settings_env.maildir_path, create=True)
        return sorted(box, key=lambda m: m.get_date() or 0)

    return read

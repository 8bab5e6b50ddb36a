"""Browser tests: the app under uvicorn in a thread on 127.0.0.1, driven by Debian's chromium.

The data is built through the real parts: programmes are stored, profiles applied with
``profiles.io``, and the proposed matches come from the matcher (``matcher.api.match_members``).
Screenshots go to ``test-artifacts/e2e/`` (gitignored) for people to look at after a run.
"""

from __future__ import annotations

import mailbox
import socket
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import uvicorn
from sqlmodel import Session

from matcher.api import match_members
from profiles.io import apply_profiles
from profiles.schema import ProfileDoc
from store.models import CrawlArchive, CrawlResponse, CrawlRun, Programme, Source, SourceFingerprint
from web.app import create_app
from web.auth import add_staff

EXPORT_URL = "https://www.foerderdatenbank.de/FDB/WS/export"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
STAFF_EMAIL, STAFF_PASSWORD = "kuratorin@rvr.ruhr", "e2e-passwort-lang-genug"

PROGRAMMES = [
    (
        "radverkehr",
        "Förderung kommunaler Radverkehrsinfrastruktur",
        "mobilitaet",
        "Zuschüsse für Radwege, Fahrradstraßen und Abstellanlagen in Städten und Gemeinden. Gefördert werden "
        "interkommunale Kooperationsvorhaben. Die Zuwendung beträgt bis zu 90 Prozent der zuwendungsfähigen "
        "Ausgaben. Die Radwege müssen im ländlichen Raum liegen.",
        25,
    ),
    (
        "klimaanpassung",
        "Klimaanpassung in sozialen Einrichtungen",
        "umwelt_naturschutz",
        "Förderung von Maßnahmen zur Klimaanpassung, Hitzeschutz und Begrünung kommunaler Gebäude.",
        50,
    ),
    (
        "sportstaetten",
        "Sanierung kommunaler Sportstätten",
        "kultur_medien_sport",
        "Zuschüsse für die Sanierung von Sporthallen, Sportplätzen und Schwimmbädern der Kommunen.",
        80,
    ),
    (
        "waermeplanung",
        "Kommunale Wärmeplanung",
        "energieeffizienz_erneuerbare_energien",
        "Förderung der kommunalen Wärmeplanung und Energieberatung für Kommunen.",
        None,
    ),
    (
        "digitalschule",
        "Digitale Ausstattung kommunaler Schulen",
        "digitalisierung",
        "Zuschüsse für WLAN, Endgeräte und digitale Lernumgebungen in Schulen kommunaler Träger.",
        120,
    ),
]


@dataclass
class Site:
    url: str
    app: object
    engine: object
    outbox: Path

    def login_staff(self, page) -> None:
        page.goto("/staff/login")
        page.get_by_label("E-Mail-Adresse").fill(STAFF_EMAIL)
        page.get_by_label("Passwort").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url("**/staff/queue")

    def mails(self, at_least: int = 0, timeout: float = 10.0) -> list:
        """The outbox, oldest first. Waits until it holds ``at_least`` mails: a login link is mailed by a
        background task after the page has answered, so it may arrive a moment after the notice."""
        deadline = time.monotonic() + timeout
        while True:
            found = sorted(mailbox.Maildir(self.outbox, create=True), key=lambda m: m.get_date() or 0)
            if len(found) >= at_least or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def _seed(engine) -> None:
    today = date.today()
    with Session(engine) as session:
        session.add(
            Source(
                key="foerderdatenbank",
                name="Förderdatenbank des Bundes",
                level="bund",
                attribution="Förderdatenbank des Bundes, CC BY-ND 4.0",
            )
        )
        session.flush()
        for key, title, area, teaser, days in PROGRAMMES:
            session.add(
                Programme(
                    source_key="foerderdatenbank",
                    natural_key=key,
                    url=f"https://www.foerderdatenbank.de/{key}",
                    title=title,
                    teaser_text=teaser,
                    description_text=teaser,
                    level="bund",
                    funder="Bund",
                    funding_areas=[area],
                    funding_types=["zuschuss"],
                    regions=["_bundesweit"],
                    eligible_applicants=["kommune"],
                    status="open",
                    rolling=days is None,
                    next_deadline=today + timedelta(days=days) if days else None,
                    deadlines=[(today + timedelta(days=days)).isoformat()] if days else [],
                    attribution="Förderdatenbank des Bundes, CC BY-ND 4.0",
                )
            )
        apply_profiles(
            session,
            [
                ProfileDoc(
                    slug="schermbeck",
                    name="Gemeinde Schermbeck",
                    kind="kreisangehoerige_gemeinde",
                    kreis="Kreis Wesel",
                    interests="Radwege, Radverkehr und Klimaanpassung",
                    min_score=1,
                    keywords=["Radweg", "Klimaanpassung"],
                    recipients=[{"email": "kaemmerei@schermbeck.example"}],
                ),
                ProfileDoc(
                    slug="selm",
                    name="Stadt Selm",
                    kind="kreisangehoerige_gemeinde",
                    kreis="Kreis Unna",
                    interests="Sanierung von Sportstätten und Schulen",
                    min_score=1,
                    keywords=["Sporthalle", "Schule"],
                    recipients=[{"email": "bauamt@selm.example"}],
                ),
            ],
        )
        run = CrawlRun(source_key="foerderdatenbank", status="success", seen=len(PROGRAMMES))
        session.add(run)
        session.flush()
        session.add(CrawlArchive(crawl_run_id=run.id, source_key="foerderdatenbank", spider_url=EXPORT_URL))
        session.add(
            CrawlResponse(
                crawl_run_id=run.id,
                seq=1,
                method="GET",
                url=EXPORT_URL,
                status=200,
                headers={"Content-Type": ["application/zip"]},
                body_sha256="0" * 64,
                body_bytes=609845,
            )
        )
        session.add(
            SourceFingerprint(
                crawl_run_id=run.id,
                source_key="foerderdatenbank",
                groups={"Programmdokument": {"units": len(PROGRAMMES), "keys": {"gsb:title": len(PROGRAMMES)}}},
            )
        )
        add_staff(session, STAFF_EMAIL, STAFF_PASSWORD, role="curator", name="Kira Kuratorin")
        session.commit()
    match_members(engine, today=today)


@pytest.fixture
def site(settings_env, engine):
    """The app on a free loopback port, with seeded data; stopped after the test."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings = settings_env.model_copy(update={"cookie_secure": False, "public_base_url": url})
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _seed(engine)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield Site(url=url, app=app, engine=engine, outbox=settings.maildir_path)
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()
    app.state.engine.dispose()


def _in_browser(site: Site, scenario, **context_options) -> None:
    """Run ``scenario(page)`` with its own chromium in a worker thread.

    Playwright's sync API runs an asyncio loop of its own; pytest-twisted runs the asyncio
    reactor in the test thread, and the two cannot share a thread. The worker owns Playwright
    from start to end and hands any failure back to the test.
    """
    from playwright.sync_api import sync_playwright

    failure: list[BaseException] = []

    def work() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(
                        base_url=site.url, locale="de-DE", viewport={"width": 1280, "height": 900}, **context_options
                    )
                    page = context.new_page()
                    page.set_default_timeout(15000)
                    scenario(page)
                finally:
                    browser.close()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            failure.append(exc)

    thread = threading.Thread(target=work, name="playwright")
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "browser scenario did not finish within 300 s"
    if failure:
        raise failure[0]


@pytest.fixture
def browse(site):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} fehlt: Debian-Paket chromium installieren (siehe .ci/run)")
    return lambda scenario, **context_options: _in_browser(site, scenario, **context_options)


@pytest.fixture
def shot(request):
    """Save a full-page screenshot named after the test and the step."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe():
    return serious_violations


def serious_violations(page) -> list[str]:
    """axe-core (vendored from npm) on the current page: violations of impact serious or critical.

    axe is evaluated through the DevTools protocol, not added as a ``<script>``: the page's own CSP
    stays active (it would block an injected script) and is part of what is checked.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]

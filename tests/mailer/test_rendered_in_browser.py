"""The rendered digest in a real browser (Debian chromium): phone and desktop widths, dark mode.

Screenshots go to test-artifacts/mailer/ for a person to look at; the assertions check what a
reader would notice: no horizontal scrolling, every item and both feedback links visible.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlmodel import Session, select

from mailer.assemble import assemble_digest
from mailer.render import render_digest
from store.models import Member, Recipient

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "mailer"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def digest_html(engine, world, mail_config, today, period, tmp_path) -> Path:
    member = world.member(
        "ennepe-ruhr-kreis", "Ennepe-Ruhr-Kreis", recipients=[("amt@en-kreis.example", "Frau Özdemir")]
    )
    lang = (
        "Gefördert werden investive Maßnahmen zur Verbesserung der kommunalen Radverkehrsinfrastruktur, "
        "insbesondere Radschnellverbindungen-und-Fahrradparkhäuser-an-Verknüpfungspunkten "
    ) * 4
    for n in range(20):
        world.match(
            member,
            world.programme(
                f"Programm {n}: Sonderprogramm „Stadt und Land“ Radverkehrsinfrastruktur"
                "förderungsrichtlinienumsetzungsverordnung",
                teaser_text=lang,
                funding_rate="bis zu 75 %",
                funding_types=["zuschuss"],
                deadline=today + dt.timedelta(days=5 + n),
                url="https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/"
                "Bund/BMV/sonderprogramm-stadt-land-sehr-lange-adresse.html",
            ),
            summary="Passt zu Ihren Interessen: Radverkehr, Klimaschutz, Mobilität im ländlichen Raum",
            score=90 - n,
        )
    with Session(engine) as session:
        m = session.exec(select(Member)).one()
        r = session.exec(select(Recipient)).one()
        content = assemble_digest(session, m, period, today=today, recipient=r, config=mail_config)
    path = tmp_path / "digest.html"
    path.write_text(render_digest(content, mail_config).html, encoding="utf-8")
    return path


def _in_browser(html: Path, width: int, scheme: str) -> dict:
    """Open the mail in chromium and measure it.

    Runs in a thread of its own: pytest-twisted keeps an asyncio loop running in the main
    thread, and Playwright's sync API refuses to run inside a running loop.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(html.as_uri())
            page.screenshot(path=str(ARTIFACTS / f"digest-{width}px-{scheme}.png"), full_page=True)
            return {
                "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
                "items": page.get_by_role("heading", level=3).count(),
                "fits_links": page.get_by_role("link", name="✓ passt", exact=True).count(),
                "greeting": page.get_by_text("Guten Tag Frau Özdemir,").count(),
                "external": [url for url in requests if not url.startswith("file:")],
                "card_background": page.evaluate(
                    "getComputedStyle(document.querySelector('.fr-card')).backgroundColor"
                ),
            }
        finally:
            browser.close()


@pytest.mark.e2e
@pytest.mark.parametrize(("width", "scheme"), [(600, "light"), (375, "light"), (375, "dark")])
def test_digest_fits_the_screen_without_horizontal_scrolling(digest_html, width, scheme):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make install-test does)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=1) as pool:
        seen = pool.submit(_in_browser, digest_html, width, scheme).result(timeout=120)

    assert seen["scroll_width"] <= width, f"horizontal scrolling: {seen['scroll_width']}px in a {width}px window"
    assert seen["items"] == 20 and seen["fits_links"] == 20 and seen["greeting"] == 1
    assert seen["external"] == []  # no external images or web fonts
    expected = "rgb(29, 34, 38)" if scheme == "dark" else "rgb(255, 255, 255)"
    assert seen["card_background"] == expected

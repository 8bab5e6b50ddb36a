"""The HTML spider in-process against saved real pages: partial walks never remove, bot pages fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest_twisted
from scrapy.crawler import CrawlerRunner
from sqlmodel import Session, select

from crawler.runner import crawler_settings
from crawler.spiders.foerderdatenbank.html_spider import FdbHtmlSpider
from foerderradar.demo_server import SnapshotServer
from store.models import Programme

HTML = Path(__file__).resolve().parents[1] / "fixtures" / "foerderdatenbank" / "html"
SEARCH = "/SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html"
CAPTCHA = b"<html><head><title>Radware Captcha Page</title></head><body></body></html>"
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 0, "LOG_LEVEL": "ERROR"}


def serve_saved_pages(server: SnapshotServer) -> None:
    """Every saved page under its canonical path; the search path answers with the saved page 1."""
    for page in HTML.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        match = re.search(r'<link rel="canonical"\s+href="https://www\.foerderdatenbank\.de(/[^"?]+)', text)
        if match:
            server.add_static("GET", match.group(1), page.read_bytes(), "text/html; charset=UTF-8")
    server.add_static("GET", SEARCH, (HTML / "overview.html").read_bytes(), "text/html; charset=UTF-8")


async def crawl(database_url: str, server: SnapshotServer, **kwargs):
    runner = CrawlerRunner(crawler_settings(database_url, FAST))
    crawler = runner.create_crawler(FdbHtmlSpider)
    await runner.crawl(crawler, base_url=server.url("/"), today="2026-11-26", **kwargs)
    return crawler.spider, crawler.spider.crawl_run


@pytest_twisted.ensureDeferred
async def test_partial_walk_stores_programmes_but_is_never_complete(engine, database_url):
    with SnapshotServer() as server:
        serve_saved_pages(server)
        spider, run = await crawl(database_url, server)
        requested = {request.path for request in server.requests}
    # page 1 repeats as "page 2" (the saved page is all we have): the loop guard stops the walk
    assert any("Seitenschleife" in alarm for alarm in run.alarms)
    assert run.status == "incomplete" and not run.complete and run.removed == 0
    assert all(
        not path.startswith("/FDB/") or path.startswith("/FDB/Content/DE/Foerderprogramm/") for path in requested
    )
    with Session(engine) as session:
        stored = session.exec(select(Programme)).all()
    assert [p.natural_key for p in stored] == [
        "/FDB/Content/DE/Foerderprogramm/Land/Thueringen/beteiligungen-thueringen-mbg-express"
    ]
    assert stored[0].url.startswith("https://www.foerderdatenbank.de/")  # public URL, not the test server
    assert run.seen == 1 and spider.crawl_stats["fdb_html/pages"] == 2  # page 1, then the repeat


@pytest_twisted.ensureDeferred
async def test_bot_page_on_search_fails_the_run(engine, database_url):
    with SnapshotServer() as server:
        server.add_static("GET", SEARCH, CAPTCHA, "text/html")
        _spider, run = await crawl(database_url, server)
    assert run.status == "failed" and "Bot-Schutz" in run.error


@pytest_twisted.ensureDeferred
async def test_walk_to_the_last_page_with_every_detail_read_is_complete(engine, database_url):
    overview = (HTML / "overview.html").read_text(encoding="utf-8")
    last_page = re.sub(r'<a[^>]*class="forward button"[^>]*>.*?</a>', "", overview, flags=re.DOTALL)
    last_page = last_page.replace('<span id="hits--count">2395</span>', '<span id="hits--count">10</span>')
    assert last_page != overview and 'class="forward button"' not in last_page
    mbg = (HTML / "detail_multi_desc.html").read_bytes()
    with SnapshotServer() as server:
        server.add_static("GET", SEARCH, last_page.encode("utf-8"), "text/html; charset=UTF-8")
        for path in re.findall(r'href="(FDB/Content/DE/Foerderprogramm/[^"]+\.html)"', overview):
            server.add_static("GET", "/" + path, mbg, "text/html; charset=UTF-8")  # every card answers
        _spider, run = await crawl(database_url, server)
    assert (run.status, run.complete) == ("success", True)


def test_a_filtered_search_is_a_partial_run_that_removes_nothing():
    """Only the full search can show that a programme is gone; a filtered walk sees a part."""
    assert FdbHtmlSpider().crawl_partial is False
    filtered = FdbHtmlSpider(search="SiteGlobals/FDB/Forms/Suche/Expertensuche_Formular.html?filter=zuschuss")
    assert filtered.crawl_partial is True

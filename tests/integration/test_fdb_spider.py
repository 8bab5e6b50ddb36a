"""The export spider in-process against a loopback server: ingest, bot page, re-crawl, robots, retries."""

from __future__ import annotations

from pathlib import Path

import pytest_twisted
from scrapy.crawler import CrawlerRunner
from sqlmodel import Session, select

from crawler.runner import crawler_settings
from crawler.spiders.foerderdatenbank.export_spider import FdbExportSpider
from crawler.spiders.foerderdatenbank.export_writer import ExportWriter
from foerderradar.demo_server import SnapshotResponse, SnapshotServer
from store.models import CrawlRun, Programme, ProgrammeRevision

EXPORT_XML = Path(__file__).resolve().parents[1] / "fixtures" / "foerderdatenbank" / "export_xml"
EXPORT_PATH = "/FDB/WS/export"
CAPTCHA = b"<html><head><title>Radware Captcha Page</title></head><body>Bitte bestaetigen</body></html>"
EINSTIEGSGELD = "BMWI/FDB/Content/DE/Foerderprogramm/Bund/BMAS/einstiegsgeld.xml"
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 2, "LOG_LEVEL": "ERROR"}


def export_zip(*, new_title: str = "") -> bytes:
    writer = ExportWriter()
    writer.add_tree(EXPORT_XML)
    if new_title:
        data = (EXPORT_XML / EINSTIEGSGELD).read_bytes()
        old = b"&lt;p&gt;Einstiegsgeld&lt;/p&gt;&lt;/div&gt;"
        assert old in data
        writer.add_raw(EINSTIEGSGELD, data.replace(old, f"&lt;p&gt;{new_title}&lt;/p&gt;&lt;/div&gt;".encode()))
    return writer.to_zip()


def serve(server: SnapshotServer, body: bytes) -> None:
    content_type = "application/zip" if body.startswith(b"PK") else "text/html"
    server.add_static("GET", EXPORT_PATH, body, content_type)


async def crawl(database_url: str, server: SnapshotServer, **overrides) -> CrawlRun:
    runner = CrawlerRunner(crawler_settings(database_url, FAST | overrides))
    crawler = runner.create_crawler(FdbExportSpider)
    await runner.crawl(crawler, export_url=server.url(EXPORT_PATH), today="2026-11-26")
    return crawler.spider.crawl_run


def programmes(engine) -> list[Programme]:
    with Session(engine) as session:
        return session.exec(select(Programme).order_by(Programme.natural_key)).all()


@pytest_twisted.ensureDeferred
async def test_export_is_ingested_with_resolved_documents(engine, database_url):
    with SnapshotServer() as server:
        serve(server, export_zip())
        run = await crawl(database_url, server)
    assert (run.status, run.seen, run.new, run.complete) == ("success", 3, 3, True)
    assert run.stats["fdb/stripped_control_bytes"] == 1
    stored = {p.extra["slug"]: p for p in programmes(engine)}
    film = stored["deutsch-franzoesische-kooperationen-film-ffa"]
    assert film.url == (
        "https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/Bund/BKM/"
        "deutsch-franzoesische-kooperationen-film-ffa.html"
    )
    assert film.regions == ["_bundesweit"] and film.funding_types == ["buergschaft", "darlehen"]
    assert film.funder == "Der Beauftragte der Bundesregierung für Kultur und Medien (BKM)"
    assert film.contact["city"] == "Berlin" and film.contact["email"] == "info@ffa.de"
    assert {
        "title": "FFA ? Informationen zur Förderung",
        "url": "https://www.ffa.de/deutsch-franzoesische-koproduktionsfonds.html",
    } in film.links
    assert "Filmförderungsgesetz ? FFG" in film.legal_text and "<h5>Rechtsgrundlage</h5>" in film.raw["bodyText"]
    assert film.attribution.startswith("Quelle: Förderdatenbank des Bundes, BMWE, CC BY-ND 4.0")
    assert film.attribution.endswith(film.url)


@pytest_twisted.ensureDeferred
async def test_bot_page_fails_loudly_and_changes_nothing(engine, database_url):
    with SnapshotServer() as server:
        serve(server, export_zip())
        await crawl(database_url, server)
        before = [(p.natural_key, p.content_hash, p.removed_at) for p in programmes(engine)]
        serve(server, CAPTCHA)
        run = await crawl(database_url, server)
    assert run.status == "failed" and run.removed == 0 and run.seen == 0
    assert "Bot-Schutz" in run.error and "Radware Captcha Page" in run.error
    assert [(p.natural_key, p.content_hash, p.removed_at) for p in programmes(engine)] == before


@pytest_twisted.ensureDeferred
async def test_unchanged_recrawl_writes_no_revision_and_one_change_writes_one(engine, database_url):
    with SnapshotServer() as server:
        serve(server, export_zip())
        await crawl(database_url, server)
        again = await crawl(database_url, server)
        assert (again.unchanged, again.changed, again.new) == (3, 0, 0)
        with Session(engine) as session:
            assert session.exec(select(ProgrammeRevision)).all() == []
        serve(server, export_zip(new_title="Einstiegsgeld für Gründende"))
        changed = await crawl(database_url, server)
    assert (changed.changed, changed.unchanged) == (1, 2)
    with Session(engine) as session:
        revisions = session.exec(select(ProgrammeRevision)).all()
    assert len(revisions) == 1 and revisions[0].changed_fields == ["title"]
    assert revisions[0].new_values == {"title": "Einstiegsgeld für Gründende"}


@pytest_twisted.ensureDeferred
async def test_robots_txt_is_obeyed(engine, database_url):
    with SnapshotServer() as server:
        serve(server, export_zip())
        server.add_static("GET", "/robots.txt", b"User-agent: *\nDisallow: /FDB/WS/\n", "text/plain")
        run = await crawl(database_url, server, ROBOTSTXT_OBEY=True)
        paths = [request.path for request in server.requests]
    assert run.status == "failed" and "robots.txt" in run.error
    assert "/robots.txt" in paths and EXPORT_PATH not in paths
    assert programmes(engine) == []


@pytest_twisted.ensureDeferred
async def test_retries_on_503_then_succeeds(engine, database_url):
    body = export_zip()
    calls = []

    def flaky(_request):
        calls.append(1)
        if len(calls) <= 2:
            return SnapshotResponse(b"busy", "text/plain", 503)
        return SnapshotResponse(body, "application/zip")

    with SnapshotServer() as server:
        server.add_route("GET", EXPORT_PATH, flaky)
        run = await crawl(database_url, server)
    assert len(calls) == 3
    assert (run.status, run.new) == ("success", 3)


@pytest_twisted.ensureDeferred
async def test_http_error_after_retries_fails_the_run(engine, database_url):
    with SnapshotServer() as server:
        server.add_static("GET", EXPORT_PATH, b"down", "text/plain", status=503)
        run = await crawl(database_url, server)
    assert run.status == "failed" and "HTTP 503" in run.error

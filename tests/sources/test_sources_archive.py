"""The response archive: every crawl keeps what it received; a captured run replays to the same items."""

from __future__ import annotations

import gzip
import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest_twisted
from sqlmodel import Session, select
from typer.testing import CliRunner

from crawler.archive import BlobStore, prune, run_archive, run_responses
from crawler.capture import write_capture
from crawler.spiders.eu_sedia.spider import SediaSpider
from crawler.spiders.nrw.mhkbd import MhkbdSpider
from crawler.spiders.nrw.nrwbank import NrwBankSpider
from foerderradar.demo_server import SnapshotResponse, SnapshotServer
from foerderradar.demo_sources import sedia_pages_from_rows
from store.models import CrawlArchive, CrawlResponse, CrawlRun, Source
from store.types import utcnow

TODAY = "2026-11-26"
RECONSTRUCTED = Path(__file__).resolve().parents[1] / "fixtures" / "reconstructed"


def archiving(directory: Path) -> dict:
    return {"FOERDERRADAR_ARCHIVE_DIR": str(directory)}


@pytest_twisted.ensureDeferred
async def test_every_response_is_kept_with_method_url_status_headers_and_time(
    crawl, engine, serve_sedia, bulk_rows, tmp_path
):
    rows = bulk_rows(3)
    url = serve_sedia(rows)
    run = await crawl(SediaSpider, overrides=archiving(tmp_path), search_url=url, today=TODAY)
    with Session(engine) as session:
        archive = run_archive(session, run.id)
        responses = run_responses(session, run.id)
    assert archive.spider_url == url and archive.source_key == "eu_sedia"
    assert [(r.seq, r.method, urlsplit(r.url).path, r.status) for r in responses] == [
        (1, "GET", "/robots.txt", 200),
        (2, "POST", "/search-api/prod/rest/facet", 404),  # the failed label lookup is kept too
        (3, "POST", "/search-api/prod/rest/search", 200),
    ]
    search = responses[-1]
    assert search.headers["Content-Type"] == ["application/json"] and search.fetched_at.tzinfo is not None
    assert "pageNumber=1" in search.url
    assert BlobStore(tmp_path).get(search.body_sha256) == sedia_pages_from_rows(rows)[1]
    stored = BlobStore(tmp_path).path(search.body_sha256)
    assert gzip.decompress(stored.read_bytes()) == sedia_pages_from_rows(rows)[1]


@pytest_twisted.ensureDeferred
async def test_a_captured_run_replays_through_the_spider_to_the_same_items(
    server, crawl, engine, serve_snapshot, stored, tmp_path
):
    base = serve_snapshot("nrw_mhkbd")
    # What live sites do: the list page moved (301, absolute Location) and comes gzip-compressed;
    # one programme page fails once (503) before it answers.
    listing = (RECONSTRUCTED / "nrw_mhkbd" / "foerderangebote.html").read_bytes()
    moved = server.url("/nrw_mhkbd/service/foerderangebote/")
    server.add_route(
        "GET",
        "/nrw_mhkbd/service/foerderangebote",
        lambda _r: SnapshotResponse(b"", "text/html", 301, {"Location": moved}),
    )
    server.add_route(
        "GET",
        "/nrw_mhkbd/service/foerderangebote/",
        lambda _r: SnapshotResponse(
            gzip.compress(listing), "text/html; charset=utf-8", 200, {"Content-Encoding": "gzip"}
        ),
    )
    page = (RECONSTRUCTED / "nrw_mhkbd" / "heimat-scheck.html").read_bytes()
    answers = iter([SnapshotResponse(b"busy", "text/plain", 503)])
    server.add_route(
        "GET", "/nrw_mhkbd/foerderprogramme/heimat-scheck", lambda _r: next(answers, SnapshotResponse(page))
    )

    first = await crawl(MhkbdSpider, overrides=archiving(tmp_path / "archive"), base_url=base, today=TODAY)
    assert first.status == "success"
    before = {key: programme.content_hash for key, programme in stored("nrw_mhkbd").items()}
    with Session(engine) as session:
        capture = write_capture(session, BlobStore(tmp_path / "archive"), first.id, tmp_path / "capture")
    manifest = json.loads((tmp_path / "capture" / "routes.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in manifest["responses"] if r["path"].endswith("heimat-scheck")] == [503, 200]
    redirect = next(r for r in manifest["responses"] if r["status"] == 301)
    assert redirect["headers"]["Location"] == ["/nrw_mhkbd/service/foerderangebote/"]  # a path on any server
    listed = next(r for r in capture.responses if r.path.endswith("foerderangebote/"))
    assert (tmp_path / "capture" / listed.file).read_bytes() == listing and "Content-Encoding" not in listed.headers

    with SnapshotServer() as replay:
        again = await crawl(MhkbdSpider, base_url=replay.add_capture(tmp_path / "capture"), today=TODAY)
        missed = [r.path for r in replay.requests if (r.method, r.path) not in replay.routes]
    assert (again.status, again.seen, again.unchanged, again.new, again.changed) == (
        "success",
        first.seen,
        first.seen,
        0,
        0,
    )
    assert {key: programme.content_hash for key, programme in stored("nrw_mhkbd").items()} == before
    assert missed == []


@pytest_twisted.ensureDeferred
async def test_show_lists_what_a_run_received_and_capture_writes_it_as_fixtures(
    crawl, serve_snapshot, settings_env, tmp_path
):
    from foerderradar.cli import app

    run = await crawl(NrwBankSpider, overrides=archiving(settings_env.archive_dir), base_url=serve_snapshot("nrwbank"))
    runner = CliRunner()
    shown = runner.invoke(app, ["sources", "show", "nrwbank", "--run", str(run.id)], env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    assert "handleSolrSelect" in shown.output and "foerderprodukte/15086/index.html" in shown.output
    assert "Struktur Produktseite (1)" in shown.output
    as_json = json.loads(runner.invoke(app, ["sources", "show", "nrwbank", "--json"]).output)
    assert as_json["run"] == run.id and [r["status"] for r in as_json["responses"]] == [200, 200, 200]
    target = tmp_path / "fixture"
    written = runner.invoke(app, ["sources", "capture", "nrwbank", "--run", str(run.id), "--to", str(target)])
    assert written.exit_code == 0, written.output
    assert "3 Antworten von Lauf" in written.output and (target / "routes.json").is_file()
    again = runner.invoke(app, ["sources", "capture", "nrwbank", "--run", str(run.id), "--to", str(target)])
    assert again.exit_code == 1 and "nicht leer" in again.output
    other = runner.invoke(app, ["sources", "show", "brms", "--run", str(run.id)])
    assert other.exit_code == 2 and f"Lauf {run.id} ist kein Lauf der Quelle brms" in other.output


def test_old_and_oversized_archives_go_but_each_sources_newest_stays(engine, tmp_path):
    blobs = BlobStore(tmp_path)
    now = utcnow()

    def archived(source: str, weeks_ago: int, body: bytes) -> int:
        with Session(engine) as session:
            if session.get(Source, source) is None:
                session.add(Source(key=source, name=source))
                session.flush()
            run = CrawlRun(source_key=source, status="success")
            session.add(run)
            session.flush()
            session.add(
                CrawlArchive(crawl_run_id=run.id, source_key=source, created_at=now - timedelta(weeks=weeks_ago))
            )
            sha256, size = blobs.put(body)
            session.add(
                CrawlResponse(
                    crawl_run_id=run.id, seq=1, method="GET", url="u", status=200, body_sha256=sha256, stored_bytes=size
                )
            )
            session.commit()
            old = (now - timedelta(days=1)).timestamp()
            os.utime(blobs.path(sha256), (old, old))
            return run.id

    ancient = archived("brms", 10, os.urandom(2000))
    shared = os.urandom(2000)
    recent_a = archived("brms", 3, shared)
    recent_b = archived("brms", 2, shared)
    newest = archived("brms", 1, os.urandom(2000))
    lonely = archived("bmftr", 20, os.urandom(2000))  # the only archive of its source
    assert len(list(tmp_path.glob("??/*.gz"))) == 4  # the page both recent runs received is stored once
    with Session(engine) as session:
        report = prune(session, blobs, weeks=8, max_bytes=2 * 2100, now=now)
        kept = set(session.exec(select(CrawlArchive.crawl_run_id)).all())
        responses = set(session.exec(select(CrawlResponse.crawl_run_id)).all())
    # ancient: too old; recent_a and recent_b: over the size cap (dropping only one of them frees nothing)
    assert kept == responses == {newest, lonely} and {ancient, recent_a, recent_b}.isdisjoint(kept)
    assert (report.runs, report.blobs) == (3, 2) and len(list(tmp_path.glob("??/*.gz"))) == 2

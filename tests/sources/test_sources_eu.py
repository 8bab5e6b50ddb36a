"""The SEDIA spider against a loopback SEDIA endpoint that insists on the real wire format."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest_twisted
from sqlmodel import Session, select

from crawler.spiders.eu_sedia.spider import SediaSpider
from foerderradar.demo_server import SnapshotResponse
from foerderradar.demo_sources import SEDIA_SEARCH_PATH, json_parts, sedia_handler, sedia_pages_from_rows
from store.models import Programme

EU = Path(__file__).resolve().parents[1] / "fixtures" / "eu-funding-tenders"
TODAY = "2026-11-26"


def saved_rows(name: str) -> list[dict]:
    return json.loads((EU / name).read_text(encoding="utf-8"))["results"]


def programmes(engine) -> dict[str, Programme]:
    with Session(engine) as session:
        return {p.natural_key: p for p in session.exec(select(Programme)).all()}


@pytest_twisted.ensureDeferred
async def test_saved_page_becomes_six_deduplicated_calls_with_status_from_dates(crawl, engine, serve_sedia):
    url = serve_sedia(saved_rows("aarhusai_portal_search_page.json"))
    run = await crawl(SediaSpider, search_url=url, today=TODAY)
    assert (run.status, run.seen, run.new) == ("success", 6, 6)
    stored = programmes(engine)
    assert "HORIZON-INFRA-2024-EOSC-01-03" not in stored  # archive copy, stale "forthcoming"
    soil = stored["HORIZON-MISS-2027-05-SOIL-01-two-stage"]
    assert (soil.status, soil.next_deadline.isoformat(), soil.deadlines) == (
        "forthcoming",
        "2027-04-08",
        ["2027-04-08", "2027-09-14"],
    )
    assert stored["HORIZON-CL3-2026-02-CS-ECCC-01"].status == "closed"  # stale "open" status
    governance = stored["HORIZON-CL6-2026-04-GOVERNANCE-01"]
    assert governance.budget_eur == 60_000_000 and governance.status == "open"
    assert governance.url.endswith("/topic-details/HORIZON-CL6-2026-04-GOVERNANCE-01")
    assert soil.funder == "Europäische Kommission – Horizon Europe (HORIZON)"
    assert "<p" not in soil.description_text and "Mission Soil" in soil.description_text
    assert soil.raw["descriptionByte"].startswith('<p class="topicdescriptionkind">')


@pytest_twisted.ensureDeferred
async def test_request_is_multipart_with_json_parts_and_the_requested_filters(server, crawl, serve_sedia):
    url = serve_sedia(saved_rows("fundhunt_sedia_search.json"))
    await crawl(SediaSpider, search_url=url, today=TODAY)
    searches = [r for r in server.requests if r.path == SEDIA_SEARCH_PATH]
    parts = json_parts(searches[0].headers["content-type"], searches[0].body)
    must = {next(iter(c["terms"])): next(iter(c["terms"].values())) for c in parts["query"]["bool"]["must"]}
    assert must == {
        "type": ["1", "2", "8"],
        "status": ["31094501", "31094502"],
        "programmePeriod": ["2021 - 2027"],
        "DATASOURCE": ["SEDIA"],
    }
    assert parts["sort"] == {"field": "identifier", "order": "ASC"}
    assert searches[0].query["pageSize"] == ["100"]


@pytest_twisted.ensureDeferred
async def test_wrong_encoding_is_rejected_so_the_run_fails_and_keeps_stored_calls(server, crawl, engine, serve_sedia):
    url = serve_sedia(saved_rows("fundhunt_sedia_search.json"))
    await crawl(SediaSpider, search_url=url, today=TODAY)
    original = sedia_handler(sedia_pages_from_rows(saved_rows("fundhunt_sedia_search.json")))

    def urlencoded_only(request):  # an endpoint fed a form post would answer like this
        request.headers["content-type"] = "application/x-www-form-urlencoded"
        return original(request)

    server.add_route("POST", SEDIA_SEARCH_PATH, urlencoded_only)
    run = await crawl(SediaSpider, search_url=url, today=TODAY)
    assert (run.status, run.seen, run.removed) == ("failed", 0, 0)
    assert "SEDIA-Seite 1 nicht geladen: HTTP 500" in run.alarms
    assert all(p.removed_at is None for p in programmes(engine).values())


@pytest_twisted.ensureDeferred
async def test_cascade_calls_are_keyed_by_reference_with_next_cut_off(crawl, engine, serve_sedia):
    url = serve_sedia(saved_rows("fundhunt_sedia_cascade.json"))
    run = await crawl(SediaSpider, search_url=url, today=TODAY)
    assert run.seen == 4  # two calls share one identifier and URL but are distinct
    stored = programmes(engine)
    metu = stored["cascade:11143COMPETITIVE_CALL"]
    assert metu.title == "METU Internships Offer"
    assert metu.url.endswith("competitive-calls-cs/46214053") and metu.budget_eur == 30_500
    assert (metu.next_deadline.isoformat(), metu.last_deadline.isoformat()) == ("2027-01-03", "2028-09-02")
    umx = stored["cascade:11264COMPETITIVE_CALL"]  # status "open", cut-offs all past
    assert (umx.status, umx.closed, umx.extra["status_raw"]) == ("closed", True, "31094502")


@pytest_twisted.ensureDeferred
async def test_pages_are_walked_and_duplicates_across_pages_collapse(server, crawl, serve_sedia, bulk_rows):
    rows = bulk_rows(230)
    rows[150] = json.loads(json.dumps(rows[20]))  # a replica re-serves a row on a later page
    url = serve_sedia(rows)
    run = await crawl(SediaSpider, search_url=url, today=TODAY)
    pages = sorted(int(r.query["pageNumber"][0]) for r in server.requests if r.path == SEDIA_SEARCH_PATH)
    assert pages == [1, 2, 3]
    assert (run.status, run.seen) == ("success", 229)


@pytest_twisted.ensureDeferred
async def test_page_cap_makes_the_run_incomplete_and_removes_nothing(crawl, engine, serve_sedia, bulk_rows):
    url = serve_sedia(bulk_rows(230))
    first = await crawl(SediaSpider, search_url=url, today=TODAY)
    capped = await crawl(SediaSpider, search_url=url, today=TODAY, max_pages=1)
    assert first.status == "success"
    assert (capped.status, capped.removed, capped.seen) == ("incomplete", 0, 100)
    assert any("Seitenlimit" in alarm for alarm in capped.alarms)
    assert sum(p.removed_at is None for p in programmes(engine).values()) == 230


@pytest_twisted.ensureDeferred
async def test_unexpected_type_means_the_filter_was_ignored_and_fails_the_run(crawl, serve_sedia):
    rows = saved_rows("fundhunt_sedia_search.json")
    rows[1]["metadata"]["type"] = ["0"]  # a tender: the query cannot have been applied
    run = await crawl(SediaSpider, search_url=serve_sedia(rows), today=TODAY)
    assert run.status == "failed" and "Suchfilter" in run.error


@pytest_twisted.ensureDeferred
async def test_changed_envelope_shape_fails_with_the_missing_keys(server, crawl):
    server.add_static("POST", SEDIA_SEARCH_PATH, b'{"hits": []}', "application/json")
    run = await crawl(SediaSpider, search_url=server.url(SEDIA_SEARCH_PATH), today=TODAY)
    assert run.status == "failed" and "totalResults" in run.error and "results" in run.error


@pytest_twisted.ensureDeferred
async def test_server_errors_are_retried_then_succeed(server, crawl):
    handler = sedia_handler(sedia_pages_from_rows(saved_rows("fundhunt_sedia_search.json")))
    calls = []

    def flaky(request):
        calls.append(request)
        return SnapshotResponse(b"busy", "text/plain", 503) if len(calls) < 3 else handler(request)

    server.add_route("POST", SEDIA_SEARCH_PATH, flaky)
    run = await crawl(SediaSpider, search_url=server.url(SEDIA_SEARCH_PATH), today=TODAY)
    assert (run.status, run.seen, len(calls)) == ("success", 4, 3)


@pytest_twisted.ensureDeferred
async def test_timeouts_after_retries_fail_the_run_and_say_which_page(server, crawl):
    def slow(request):
        time.sleep(1.5)
        return SnapshotResponse(b"{}", "application/json")

    server.add_route("POST", SEDIA_SEARCH_PATH, slow)
    run = await crawl(
        SediaSpider, {"DOWNLOAD_TIMEOUT": 0.5, "RETRY_TIMES": 1}, search_url=server.url(SEDIA_SEARCH_PATH), today=TODAY
    )
    assert run.status == "failed" and run.seen == 0
    assert any("nicht geladen" in alarm for alarm in run.alarms)


@pytest_twisted.ensureDeferred
async def test_facet_labels_name_the_programme(server, crawl, engine, serve_sedia):
    facets = {
        "facets": [{"name": "frameworkProgramme", "values": [{"rawValue": "43108390", "value": "Horizon Europe"}]}]
    }
    server.add_static("POST", "/search-api/prod/rest/facet", json.dumps(facets).encode(), "application/json")
    await crawl(SediaSpider, search_url=serve_sedia(saved_rows("fundhunt_sedia_search.json")), today=TODAY)
    assert {p.funder for p in programmes(engine).values()} == {"Europäische Kommission – Horizon Europe"}


@pytest_twisted.ensureDeferred
async def test_a_page_failing_mid_walk_keeps_what_was_read_and_removes_nothing(server, crawl, engine, bulk_rows):
    rows = bulk_rows(230)
    handler = sedia_handler(sedia_pages_from_rows(rows))
    await crawl(SediaSpider, search_url=serve_route(server, handler), today=TODAY)

    def page_two_down(request):
        if request.query.get("pageNumber") == ["2"]:
            return SnapshotResponse(b"Bad Gateway", "text/plain", 502)
        return handler(request)

    run = await crawl(SediaSpider, search_url=serve_route(server, page_two_down), today=TODAY)
    assert (run.status, run.seen, run.removed) == ("incomplete", 100, 0)
    assert "SEDIA-Seite 2 nicht geladen: HTTP 502" in run.alarms
    assert all(p.removed_at is None for p in programmes(engine).values())


def serve_route(server, handler) -> str:
    server.add_route("POST", SEDIA_SEARCH_PATH, handler)
    return server.url(SEDIA_SEARCH_PATH)

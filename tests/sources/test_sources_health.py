"""Source health: nothing, half, a changed shape or empty key fields raise alarms; nothing is removed."""

from __future__ import annotations

import json

import pytest_twisted
from sqlmodel import Session, select
from typer.testing import CliRunner

from crawler.health import FieldCoverage, source_health
from crawler.spiders.eu_sedia.spider import SediaSpider
from foerderradar.demo_sources import SEDIA_SEARCH_PATH
from store.models import Programme

TODAY = "2026-11-26"


def removed(engine) -> int:
    with Session(engine) as session:
        return sum(p.removed_at is not None for p in session.exec(select(Programme)).all())


@pytest_twisted.ensureDeferred
async def test_source_returning_nothing_fails_and_keeps_everything(crawl, engine, serve_sedia, bulk_rows):
    await crawl(SediaSpider, search_url=serve_sedia(bulk_rows(10)), today=TODAY)
    run = await crawl(SediaSpider, search_url=serve_sedia([]), today=TODAY)
    assert run.status == "failed" and "0 Programme gelesen" in run.alarms and removed(engine) == 0


@pytest_twisted.ensureDeferred
async def test_source_returning_half_is_alarmed_and_removes_nothing(crawl, engine, serve_sedia, bulk_rows):
    await crawl(SediaSpider, search_url=serve_sedia(bulk_rows(10)), today=TODAY)
    run = await crawl(SediaSpider, search_url=serve_sedia(bulk_rows(5)), today=TODAY)
    assert run.status == "incomplete" and any("Rückgang um 50 %" in a for a in run.alarms)
    assert removed(engine) == 0


@pytest_twisted.ensureDeferred
async def test_rows_of_a_changed_shape_raise_an_alarm(crawl, engine, serve_sedia, bulk_rows):
    await crawl(SediaSpider, search_url=serve_sedia(bulk_rows(10)), today=TODAY)
    rows = bulk_rows(10)
    for row in rows[:3]:
        row["fields"] = row.pop("metadata")  # the API renamed a key
    run = await crawl(SediaSpider, search_url=serve_sedia(rows), today=TODAY)
    assert run.status == "incomplete" and removed(engine) == 0
    assert any("Unerwartete Struktur" in a and "metadata" in a for a in run.alarms)


@pytest_twisted.ensureDeferred
async def test_calls_without_deadlines_raise_a_coverage_alarm(crawl, serve_sedia, bulk_rows):
    rows = bulk_rows(10)
    for row in rows[:4]:
        row["metadata"].pop("deadlineDate")
    run = await crawl(SediaSpider, search_url=serve_sedia(rows), today=TODAY)
    assert run.status == "incomplete"
    assert "40 % der Aufrufe ohne Frist (4 von 10)" in run.alarms


def test_field_coverage_counts_missing_titles_links_and_deadlines():
    coverage = FieldCoverage()
    for item in [
        {"title": "A", "url": "u", "kind": "programme"},
        {"title": "", "url": "u"},
        {"title": "C", "url": "", "kind": "call", "rolling": True},
        {"title": "D", "url": "u", "kind": "call"},
    ]:
        coverage.observe(item)
    assert coverage.alarms() == [
        "25 % der Einträge ohne Titel (1 von 4)",
        "25 % der Einträge ohne Link (1 von 4)",
        "50 % der Aufrufe ohne Frist (1 von 2)",
    ]


@pytest_twisted.ensureDeferred
async def test_sources_command_shows_a_broken_source_with_its_reason(
    server, crawl, engine, serve_sedia, bulk_rows, settings_env
):
    from foerderradar.cli import app

    await crawl(SediaSpider, search_url=serve_sedia(bulk_rows(4)), today=TODAY)
    server.add_static("POST", SEDIA_SEARCH_PATH, b'{"hits": []}', "application/json")
    await crawl(SediaSpider, search_url=server.url(SEDIA_SEARCH_PATH), today=TODAY)
    with Session(engine) as session:
        health = {entry.key: entry for entry in source_health(session)}
    assert health["eu_sedia"].broken and "totalResults" in health["eu_sedia"].reason
    assert health["eu_sedia"].last_success_at is not None and health["eu_sedia"].active_programmes == 4
    assert health["nrwbank"].status == "never" and not health["nrwbank"].broken  # not read yet is no fault
    result = CliRunner().invoke(app, ["sources", "--json"])
    assert result.exit_code == 0, result.output
    listed = {entry["key"]: entry for entry in json.loads(result.output)}
    assert (
        listed["eu_sedia"]["status"] == "failed" and "es fehlen totalResults, results" in listed["eu_sedia"]["reason"]
    )
    table = CliRunner().invoke(app, ["sources"], env={"COLUMNS": "200"})
    assert "fehlgeschlagen" in table.output and "Unerwartete Struktur" in table.output

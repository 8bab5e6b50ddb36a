"""The bundled demo snapshots: only real records, each crawled through its real spider."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest_twisted

from crawler.registry import find_source, primary_sources
from crawler.spiders.foerderdatenbank.export_parser import parse_export
from foerderradar.demo import LIVE_ONLY, sources_in_demo
from foerderradar.demo_sources import DEMO_DATA, add_routes, demo_sedia_rows, snapshots


def test_demo_rows_keep_texts_and_move_dates_with_the_calendar():
    captured = demo_sedia_rows(date(2026, 9, 1))
    later = demo_sedia_rows(date(2027, 9, 1))
    assert [r["metadata"].get("title") for r in captured] == [r["metadata"].get("title") for r in later]
    first = next(r for r in captured if r["metadata"].get("deadlineDate"))
    moved = later[captured.index(first)]
    assert int(moved["metadata"]["deadlineDate"][0][:4]) == int(first["metadata"]["deadlineDate"][0][:4]) + 1


def test_every_programme_of_the_export_snapshot_is_a_listed_real_record():
    zipped = parse_export((DEMO_DATA / "foerderdatenbank-export.zip").read_bytes(), today=date(2026, 11, 26))
    records = json.loads((DEMO_DATA / "foerderdatenbank-export.records.json").read_text(encoding="utf-8"))
    assert sorted(item["url"] for item in zipped.items) == [record["url"] for record in records]
    for record in records:
        assert record["url"].startswith("https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/")
        assert "CC BY-ND 4.0" in record["licence"] and record["origin"]


def test_every_bundled_file_is_listed_with_its_origin_and_licence():
    held = snapshots()
    assert set(held) == {"foerderdatenbank", "eu_sedia", "nrwbank"}
    listed = {name for snapshot in held.values() for name in snapshot.files}
    data_files = {
        p.relative_to(Path(str(DEMO_DATA))).as_posix()
        for p in Path(str(DEMO_DATA)).rglob("*")
        if p.suffix in (".zip", ".html", ".json")
        and p.name not in ("routes.json", "snapshots.json")
        and not p.name.endswith(".records.json")
    }
    assert data_files == listed
    for snapshot in held.values():
        assert snapshot.source_url.startswith("https://") and snapshot.licence and snapshot.origin


def test_sources_without_a_real_snapshot_are_named_as_live_only():
    lines = {source.key: source for source in sources_in_demo({"nrwbank": 1})}
    assert list(lines) == [entry.key for entry in primary_sources()]
    assert lines["nrwbank"].line == (
        "NRW.BANK Förderprodukte: 1 gespeicherte Seite (Produkt 15086), weitere Produkte erst im Live-Betrieb"
        " – 1 gespeichert"
    )
    for key in ("nrw_mhkbd", "brms", "efre_nrw", "nki_kommunalrichtlinie", "bmftr"):
        assert not lines[key].crawled and lines[key].holds == LIVE_ONLY


@pytest_twisted.ensureDeferred
async def test_every_real_snapshot_ingests_successfully(server, crawl, stored):
    arguments = add_routes(server, today=date(2026, 11, 26))
    assert set(arguments) == {"foerderdatenbank", "eu_sedia", "nrwbank"}
    for key, kwargs in arguments.items():
        run = await crawl(find_source(key).spider_cls(), **kwargs)
        assert (key, run.status) == (key, "success") and run.seen > 0
    assert set(stored("nrwbank")) == {"15086"}
    catalogue = [r for r in server.requests if "handleSolrSelect" in r.path]
    assert catalogue == []  # no real catalogue exists: the one saved page is read directly

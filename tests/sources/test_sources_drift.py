"""Drift you can see: a changed structure against the last good run raises an alarm naming what changed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest_twisted
from sqlmodel import Session

from crawler.drift import Fingerprint, drift_alarms, fingerprint_of
from crawler.health import source_health
from crawler.spiders.eu_sedia.spider import SediaSpider
from crawler.spiders.nrw.mhkbd import MhkbdSpider

TODAY = "2026-11-26"
HEIMAT = Path(__file__).resolve().parents[1] / "fixtures" / "reconstructed" / "nrw_mhkbd" / "heimat-scheck.html"
ALARM = (
    "Strukturänderung bei Programmseite: „Wer kann beantragen?“ auf 1 von 2 gefunden "
    "(letzter guter Lauf {run}: 2 von 2)"
)


@pytest_twisted.ensureDeferred
async def test_one_renamed_heading_raises_an_alarm_naming_it_until_the_page_matches_again(
    server, crawl, engine, serve_snapshot, stored, caplog
):
    url = serve_snapshot("nrw_mhkbd")
    good = await crawl(MhkbdSpider, base_url=url, today=TODAY)
    assert good.status == "success"
    renamed = HEIMAT.read_text(encoding="utf-8").replace("Wer kann beantragen?", "Wer darf beantragen?")
    server.add_static("GET", "/nrw_mhkbd/foerderprogramme/heimat-scheck", renamed.encode(), "text/html")
    with caplog.at_level(logging.WARNING, logger="crawler.drift"):
        drifted = await crawl(MhkbdSpider, base_url=url, today=TODAY)
    assert ALARM.format(run=good.id) in drifted.alarms
    assert drifted.status == "incomplete" and drifted.removed == 0
    assert any(ALARM.format(run=good.id) in record.getMessage() for record in caplog.records)
    with Session(engine) as session:
        health = {entry.key: entry for entry in source_health(session)}
        seen = fingerprint_of(session, drifted.id)
    assert health["nrw_mhkbd"].broken and "„Wer kann beantragen?“ auf 1 von 2" in health["nrw_mhkbd"].reason
    assert seen["Programmseite"] == {
        "units": 2,
        "keys": {
            "Ab und bis wann kann beantragt werden?": 2,
            "Bei wem kann beantragt werden und welche Ansprechpersonen sind zuständig?": 2,
            "Seitentitel": 2,
            "Was kann beantragt werden?": 2,
            "Wer kann beantragen?": 1,
        },
    }
    assert all(programme.removed_at is None for programme in stored("nrw_mhkbd").values())

    again = await crawl(MhkbdSpider, base_url=url, today=TODAY)  # still renamed: still compared with the good run
    assert ALARM.format(run=good.id) in again.alarms
    server.add_static("GET", "/nrw_mhkbd/foerderprogramme/heimat-scheck", HEIMAT.read_bytes(), "text/html")
    repaired = await crawl(MhkbdSpider, base_url=url, today=TODAY)
    assert (repaired.status, repaired.alarms) == ("success", [])


@pytest_twisted.ensureDeferred
async def test_a_renamed_api_key_is_named(crawl, serve_sedia, bulk_rows):
    first = await crawl(SediaSpider, search_url=serve_sedia(bulk_rows(10)), today=TODAY)
    rows = bulk_rows(10)
    for row in rows:
        row["metadata"]["deadlineDates"] = row["metadata"].pop("deadlineDate")
    run = await crawl(SediaSpider, search_url=serve_sedia(rows), today=TODAY)
    assert (
        f"Strukturänderung bei SEDIA-Zeile Typ 1: „deadlineDate“ auf 0 von 10 gefunden "
        f"(letzter guter Lauf {first.id}: 10 von 10)"
    ) in run.alarms


def fingerprint(units: int, **keys: int) -> dict:
    counted = Fingerprint()
    for number in range(units):
        counted.unit("Seite", [key for key, count in keys.items() if number < count])
    return counted.as_dict()


def test_only_keys_most_units_had_are_watched_and_a_small_dip_is_no_alarm():
    before = fingerprint(100, always=100, often=80, rare=40)
    assert drift_alarms(before, fingerprint(100, always=100, often=62, rare=0), 1) == []
    assert drift_alarms(before, fingerprint(100, always=74, often=80, rare=40), 1) == [
        "Strukturänderung bei Seite: „always“ auf 74 von 100 gefunden (letzter guter Lauf 1: 100 von 100)"
    ]
    assert drift_alarms(before, fingerprint(200, always=200, often=118, rare=80), 1) == [
        "Strukturänderung bei Seite: „often“ auf 118 von 200 gefunden (letzter guter Lauf 1: 80 von 100)"
    ]
    assert drift_alarms(before, {}, 1) == []  # nothing read: the run's other alarms say so

"""The bundled demo snapshots: every source of this room crawls them through its real spider."""

from __future__ import annotations

from datetime import date

import pytest_twisted
from sqlmodel import Session, func, select

from crawler.linking import link_programmes
from crawler.registry import find_source
from foerderradar.demo_sources import add_routes, demo_sedia_rows
from store.models import Programme, ProgrammeLink


def test_demo_rows_keep_texts_and_move_dates_with_the_calendar():
    captured = demo_sedia_rows(date(2026, 9, 1))
    later = demo_sedia_rows(date(2027, 9, 1))
    assert [r["metadata"].get("title") for r in captured] == [r["metadata"].get("title") for r in later]
    first = next(r for r in captured if r["metadata"].get("deadlineDate"))
    moved = later[captured.index(first)]
    assert int(moved["metadata"]["deadlineDate"][0][:4]) == int(first["metadata"]["deadlineDate"][0][:4]) + 1


@pytest_twisted.ensureDeferred
async def test_every_snapshot_source_ingests_successfully_and_records_link(server, crawl, engine):
    urls = add_routes(server, today=date(2026, 11, 26))
    assert set(urls) == {"eu_sedia", "nrwbank", "nrw_mhkbd", "brms", "efre_nrw", "nki_kommunalrichtlinie", "bmftr"}
    for key, url in urls.items():
        entry = find_source(key)
        run = await crawl(entry.spider_cls(), **{entry.url_argument: url})
        assert (key, run.status) == (key, "success") and run.seen > 0
    with Session(engine) as session:
        open_eu = session.exec(
            select(func.count())
            .select_from(Programme)
            .where(Programme.source_key == "eu_sedia", Programme.status == "open")
        ).one()
    assert open_eu >= 5  # shifted dates: the captured open calls are open in the demo too
    assert link_programmes(engine) >= 1  # Städtebauförderung at MHKBD and at BR Münster
    with Session(engine) as session:
        assert session.exec(select(ProgrammeLink)).first().method == "rule"

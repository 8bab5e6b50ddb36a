"""A crawl whose process died shows as "abgebrochen" (a fault) on the source-health page."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from core.liveness import process_holder
from crawler.source_lease import release_sources, take_sources
from store.models import CrawlRun
from store.types import utcnow


def test_a_run_left_running_by_a_dead_crawl_is_shown_aborted(curator, engine):
    with Session(engine) as session:
        session.add(CrawlRun(source_key="eu_sedia", started_at=utcnow() - timedelta(hours=3), seen=120))
        session.commit()
    holder = process_holder(unique=True)

    aborted = take_sources(engine, ["eu_sedia"], holder)  # what the next crawl of the source does first
    release_sources(engine, ["eu_sedia"], holder)

    assert len(aborted) == 1
    html = curator.page("/staff/sources").text
    assert "abgebrochen" in html and "Störung" in html
    assert "der Prozess dieses Laufs endete, bevor er fertig war" in html

"""Federal-call spiders against the loopback server: NKI windows and BMFTR Bekanntmachungen."""

from __future__ import annotations

import pytest_twisted

from crawler.spiders.federal_calls.bmftr import BmftrSpider
from crawler.spiders.federal_calls.nki import NkiSpider

TODAY = "2026-11-26"


@pytest_twisted.ensureDeferred
async def test_each_kommunalrichtlinie_window_is_a_call(server, crawl, serve_snapshot, stored):
    run = await crawl(NkiSpider, base_url=serve_snapshot("nki_kommunalrichtlinie"), today=TODAY)
    assert (run.status, run.seen) == ("success", 3)
    items = stored("nki_kommunalrichtlinie")
    key = "de/foerderung-der-nki/foerderprogramme/kommunalrichtlinie"
    strategic = items[f"{key}#strategische-foerderschwerpunkte-4-1"]
    assert (strategic.kind, strategic.opens_on.isoformat(), strategic.next_deadline.isoformat()) == (
        "call",
        "2024-11-01",
        "2027-12-31",
    )
    assert strategic.level == "bund" and strategic.regions == ["_bundesweit"]
    assert items[key].eligible_applicants == ["kommune"]


@pytest_twisted.ensureDeferred
async def test_bmftr_stichtag_from_the_procedure_section_not_the_gazette_date(server, crawl, serve_snapshot, stored):
    run = await crawl(BmftrSpider, base_url=serve_snapshot("bmftr"), today=TODAY)
    assert run.status == "success"
    details = [r for r in server.requests if "SharedDocs" in r.path]
    assert details and all(r.query.get("view") == ["renderNewsletterHtml"] for r in details)
    (call,) = stored("bmftr").values()
    assert call.deadlines == ["2027-03-31"] and call.status == "open" and call.kind == "call"
    assert "kommune" in call.eligible_applicants and call.extra["published_on"] == "2026-01-16"
    assert call.funding_types == ["zuschuss"]

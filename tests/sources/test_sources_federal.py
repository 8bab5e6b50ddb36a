"""Federal-call spiders against the loopback server: NKI windows and BMFTR Bekanntmachungen."""

from __future__ import annotations

import json

import pytest_twisted
from sqlmodel import Session, select

from crawler.spiders.federal_calls.bmftr import BmftrSpider
from crawler.spiders.federal_calls.nki import NkiSpider
from foerderradar.demo_sources import DEMO_DATA
from store.models import Programme

TODAY = "2026-11-26"


def serve_folder(server, key: str) -> str:
    for path, name in json.loads((DEMO_DATA / key / "routes.json").read_text(encoding="utf-8")).items():
        server.add_static("GET", path, (DEMO_DATA / key / name).read_bytes(), "text/html; charset=utf-8")
    return server.url(f"/{key}/")


def stored(engine, source_key: str) -> dict[str, Programme]:
    with Session(engine) as session:
        return {p.natural_key: p for p in session.exec(select(Programme).where(Programme.source_key == source_key)).all()}


@pytest_twisted.ensureDeferred
async def test_each_kommunalrichtlinie_window_is_a_call(server, crawl, engine):
    run = await crawl(NkiSpider, base_url=serve_folder(server, "nki_kommunalrichtlinie"), today=TODAY)
    assert (run.status, run.seen) == ("success", 3)
    items = stored(engine, "nki_kommunalrichtlinie")
    key = "de/foerderung-der-nki/foerderprogramme/kommunalrichtlinie"
    strategic = items[f"{key}#strategische-foerderschwerpunkte-4-1"]
    assert (strategic.kind, strategic.opens_on.isoformat(), strategic.next_deadline.isoformat()) == (
        "call", "2024-11-01", "2027-12-31")
    assert strategic.level == "bund" and strategic.regions == ["_bundesweit"]
    assert items[key].eligible_applicants == ["kommune"]


@pytest_twisted.ensureDeferred
async def test_bmftr_stichtag_from_the_procedure_section_not_the_gazette_date(server, crawl, engine):
    run = await crawl(BmftrSpider, base_url=serve_folder(server, "bmftr"), today=TODAY)
    assert run.status == "success"
    details = [r for r in server.requests if "SharedDocs" in r.path]
    assert details and all(r.query.get("view") == ["renderNewsletterHtml"] for r in details)
    (call,) = stored(engine, "bmftr").values()
    assert call.deadlines == ["2027-03-31"] and call.status == "open" and call.kind == "call"
    assert "kommune" in call.eligible_applicants and call.extra["published_on"] == "2026-01-16"
    assert call.funding_types == ["zuschuss"]

"""NRW spiders in-process against the loopback server serving the real NRW.BANK page and the reconstructed pages."""

from __future__ import annotations

from pathlib import Path

import pytest_twisted

from crawler.spiders.nrw.brms import BrmsSpider
from crawler.spiders.nrw.efre import EfreSpider
from crawler.spiders.nrw.mhkbd import MhkbdSpider
from crawler.spiders.nrw.nrwbank import NrwBankSpider
from foerderradar.demo_sources import DEMO_DATA

TODAY = "2026-11-26"
RECONSTRUCTED = Path(__file__).resolve().parents[1] / "fixtures" / "reconstructed"


@pytest_twisted.ensureDeferred
async def test_nrwbank_catalogue_then_product_page(server, crawl, serve_snapshot, stored):
    run = await crawl(NrwBankSpider, base_url=serve_snapshot("nrwbank"))
    assert (run.status, run.seen) == ("success", 1)
    product = stored("nrwbank")["15086"]
    assert product.title == "Gründungszuschuss" and product.level == "bund"
    assert product.url.startswith("https://www.nrwbank.de/")  # readers get the live page, not the snapshot
    solr = next(r for r in server.requests if r.path.endswith("handleSolrSelect"))
    assert solr.query["wt"] == ["json"] and "type:localProduct" in solr.query["fq"][0]


@pytest_twisted.ensureDeferred
async def test_missing_product_page_is_an_alarm_and_removes_nothing(server, crawl, serve_snapshot, stored):
    url = serve_snapshot("nrwbank")
    await crawl(NrwBankSpider, base_url=url)
    server.add_static("GET", "/nrwbank/de/foerderung/foerderprodukte/15086/index.html", b"gone", "text/plain", 404)
    run = await crawl(NrwBankSpider, base_url=url)
    assert run.status != "success" and run.removed == 0
    assert any("15086" in alarm and "HTTP 404" in alarm for alarm in run.alarms)
    assert stored("nrwbank")["15086"].removed_at is None


@pytest_twisted.ensureDeferred
async def test_catalogue_of_another_shape_fails_with_the_reason(server, crawl):
    server.add_static("GET", "/nrwbank/handleSolrSelect", b'{"error": "bad request"}', "application/json")
    run = await crawl(NrwBankSpider, base_url=server.url("/nrwbank/"))
    assert run.status == "failed" and "responseHeader" in run.error


@pytest_twisted.ensureDeferred
async def test_mhkbd_headings_fill_fields_and_the_yearly_date_becomes_a_calendar_entry(
    server, crawl, serve_snapshot, stored
):
    run = await crawl(MhkbdSpider, base_url=serve_snapshot("nrw_mhkbd"), today=TODAY)
    assert (run.status, run.seen) == ("success", 4)  # 2 programmes, their 2 yearly calendar entries
    items = stored("nrw_mhkbd")
    heimat = items["foerderprogramme/heimat-scheck"]
    assert heimat.eligible_applicants == ["kommune", "verband_vereinigung"]
    assert (heimat.next_deadline.isoformat(), heimat.rolling, heimat.status) == ("2027-10-23", True, "open")
    assert heimat.yearly_deadlines == ["10-23"]  # "im laufenden Jahr nur bis 23.10.": every year
    assert heimat.url == "https://www.mhkbd.nrw/foerderprogramme/heimat-scheck"
    assert "Dezernat 35" in heimat.contact["text"]
    calendar = items["foerderprogramme/staedtebaufoerderung#jaehrlich"]
    assert (calendar.kind, calendar.next_deadline.isoformat()) == ("calendar", "2027-09-30")


@pytest_twisted.ensureDeferred
async def test_brms_field_labels_in_a_definition_list(server, crawl, serve_snapshot, stored):
    await crawl(BrmsSpider, base_url=serve_snapshot("brms"), today=TODAY)
    programme = stored("brms")["de/foerderung/foerderprogramme_a-z/35_staedtebaufoerderung/index.html"]
    assert programme.title == "Städtebauförderung"
    assert programme.funding_rate == "Zuschüsse von 40 bis 80 % der förderfähigen Kosten."
    assert programme.legal_text.startswith("Städtebauförderrichtlinie NRW 2023")
    assert programme.next_deadline.isoformat() == "2027-09-30" and programme.funding_types == ["zuschuss"]


@pytest_twisted.ensureDeferred
async def test_efre_aufruf_is_a_call_with_its_stichtag_and_the_richtlinie_a_rolling_programme(
    server, crawl, serve_snapshot, stored
):
    await crawl(EfreSpider, base_url=serve_snapshot("efre_nrw"), today=TODAY)
    items = stored("efre_nrw")
    regio = items["einfach-machen/foerderung-finden/regionrw-transformation"]
    assert (regio.kind, regio.last_deadline.isoformat(), regio.status) == ("call", "2023-01-31", "closed")
    assert regio.extra["jtf_area"] == ["Bottrop", "Dorsten", "Gladbeck", "Marl"]
    assert regio.links[0]["url"].endswith("regio-nrw-transformation-aufruf.pdf")
    green = items["einfach-machen/foerderung-finden/gruene-infrastruktur"]
    assert (green.kind, green.rolling) == ("programme", True)


@pytest_twisted.ensureDeferred
async def test_list_page_without_programme_links_fails_as_a_changed_site(server, crawl, serve_snapshot, stored):
    url = serve_snapshot("nrw_mhkbd")
    await crawl(MhkbdSpider, base_url=url, today=TODAY)
    server.add_static("GET", "/nrw_mhkbd/service/foerderangebote", b"<main><h1>Neu</h1></main>", "text/html")
    run = await crawl(MhkbdSpider, base_url=url, today=TODAY)
    assert run.status == "failed" and "keine Links" in run.error
    assert all(p.removed_at is None for p in stored("nrw_mhkbd").values())


def test_reconstructed_fixture_folders_say_so_and_the_demo_holds_none_of_them():
    for key in ("nrw_mhkbd", "brms", "efre_nrw", "nki_kommunalrichtlinie", "bmftr"):
        folder = RECONSTRUCTED / key
        assert "Reconstructed" in (folder / "README.md").read_text(encoding="utf-8")
        assert all(
            page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>\n<!-- RECONSTRUCTED")
            for page in folder.glob("*.html")
        )
        assert not (DEMO_DATA / key).is_dir()
    demo_files = [p.name for p in Path(str(DEMO_DATA)).rglob("*") if p.is_file()]
    assert not [name for name in demo_files if "synthetic" in name or "RECONSTRUCTED" in name]


@pytest_twisted.ensureDeferred
async def test_unreachable_list_page_fails_the_run_with_the_status(server, crawl):
    run = await crawl(BrmsSpider, base_url=server.url("/brms/"), today=TODAY)
    assert run.status == "failed" and "foerderprogramme_a-z/index.html nicht geladen: HTTP 404" in run.error


@pytest_twisted.ensureDeferred
async def test_named_products_are_read_without_the_catalogue_as_a_partial_run(server, crawl, serve_snapshot, stored):
    url = serve_snapshot("nrwbank")
    await crawl(NrwBankSpider, base_url=url)
    before = len(server.requests)
    run = await crawl(NrwBankSpider, base_url=url, product_ids="15086")
    assert (run.status, run.seen, run.complete, run.removed) == ("success", 1, False, 0)
    assert not any("handleSolrSelect" in r.path for r in server.requests[before:])
    assert stored("nrwbank")["15086"].removed_at is None

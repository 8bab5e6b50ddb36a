"""A curator in chromium: login → filter → approve (keyboard) / reject → digest preview → release."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from store.models import AuditLog, Match, Member, Programme


def _match(site, slug: str, title_start: str) -> Match:
    with Session(site.engine) as session:
        return session.exec(
            select(Match)
            .join(Member, Member.id == Match.member_id)
            .join(Programme, Programme.id == Match.programme_id)
            .where(Member.slug == slug, Programme.title.startswith(title_start))
        ).one()


@pytest.mark.e2e
def test_curator_reviews_previews_and_releases(browse, site, shot):
    def scenario(page):
        site.login_staff(page)
        expect(page.get_by_role("heading", name="Gemeinde Schermbeck")).to_be_visible()
        shot(page, "1-queue")

        page.get_by_label("Förderbereich").select_option("mobilitaet")
        page.get_by_role("button", name="Filtern").click()
        rows = page.locator(".queue-row")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Förderung kommunaler Radverkehrsinfrastruktur")
        shot(page, "2-filtered")

        page.keyboard.press("j")  # select the first match, then approve it with "a"
        page.keyboard.press("a")
        expect(page.locator(".queue-row.decided")).to_contain_text("wurde freigegeben")

        page.goto("/staff/queue?q=Klimaanpassung")
        row = page.locator(".queue-row", has_text="Gemeinde Schermbeck").first
        row.get_by_label("Grund").select_option(label="Eigenanteil zu hoch")
        row.get_by_label("Notiz").fill("Eigenanteil 50 %")
        row.get_by_role("button", name="Ablehnen").click()
        expect(page.locator(".queue-row.decided")).to_contain_text("abgelehnt (Eigenanteil zu hoch)")
        shot(page, "3-decided")

        page.goto("/staff/digests")
        page.locator("tr", has_text="Gemeinde Schermbeck").get_by_role("link", name="Vorschau").click()
        expect(page.locator("#digest-subject")).not_to_be_empty()
        desktop = page.frame_locator("iframe.mail-desktop")
        expect(desktop.get_by_text("Förderung kommunaler Radverkehrsinfrastruktur").first).to_be_visible()
        expect(
            page.frame_locator("iframe.mail-mobile").get_by_text("Förderung kommunaler Radverkehrsinfrastruktur").first
        ).to_be_attached()
        page.wait_for_load_state("load")  # both frames with their styles
        shot(page, "4-preview")

        page.get_by_role("button", name="Digest zum Versand freigeben").click()
        expect(page.get_by_role("status")).to_contain_text("Digest für Gemeinde Schermbeck freigegeben (1 Treffer)")
        shot(page, "5-released")

    browse(scenario)
    approved = _match(site, "schermbeck", "Förderung kommunaler Radverkehr")
    rejected = _match(site, "schermbeck", "Klimaanpassung")
    assert approved.state == "approved" and approved.released_at is not None
    assert (rejected.state, rejected.reason, rejected.note) == ("rejected", "own_share", "Eigenanteil 50 %")
    with Session(site.engine) as session:
        actions = {e.action for e in session.exec(select(AuditLog)) if e.actor == "kuratorin@rvr.ruhr"}
    assert {"match.approve", "match.reject", "digest.release"} <= actions


@pytest.mark.e2e
def test_a_decision_that_fails_shows_its_reason_in_place(browse, site):
    def scenario(page):
        site.login_staff(page)
        row = page.locator(".queue-row").first
        with Session(site.engine) as session:  # someone else decides this match meanwhile
            match = session.get(Match, int(row.get_attribute("data-match")))
            match.state = "rejected"
            session.add(match)
            session.commit()
        row.get_by_role("button", name="Freigeben").click()
        expect(page.get_by_role("alert")).to_contain_text("bereits entschieden")

    browse(scenario)

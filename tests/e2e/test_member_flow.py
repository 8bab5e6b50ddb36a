"""A member in chromium: magic link from the outbox → edit profile → live preview (htmx) → save."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from store.models import Member, Profile

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/member/login/\S+)")


@pytest.mark.e2e
def test_member_logs_in_by_magic_link_edits_previews_and_saves(browse, site, shot):
    def scenario(page):
        page.goto("/member/login")
        page.get_by_label("E-Mail-Adresse").fill("bauamt@selm.example")
        page.get_by_role("button", name="Anmeldelink anfordern").click()
        expect(page.get_by_role("status")).to_contain_text("Wenn die Adresse bei uns")
        [mail] = site.mails(at_least=1)
        link = LINK.search(mail.get_payload(decode=True).decode("utf-8")).group(1)

        page.goto(link)
        page.get_by_role("button", name="Jetzt anmelden").click()
        page.wait_for_url("**/member/")
        expect(page.get_by_role("heading", name="Profil von Stadt Selm")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("Schermbeck")  # only its own data
        shot(page, "1-profile")

        page.get_by_label("Wofür suchen Sie Fördermittel?").fill("Wärmeplanung und Energieberatung für die Stadt")
        preview = page.locator("#preview")
        # the typed interest's programme appears as one that would be proposed (the profile's keywords
        # "Sporthalle" and "Schule" still bring the sports facilities too)
        expect(preview.locator("li.above", has_text="Kommunale Wärmeplanung")).to_be_visible(timeout=20000)
        page.get_by_role("group", name="Förderbereiche", exact=True).get_by_label(
            "Energieeffizienz & Erneuerbare Energien"
        ).check()
        page.get_by_label("alle zwei Wochen").check()
        shot(page, "2-live-preview")

        page.get_by_role("button", name="Profil speichern").click()
        expect(page.get_by_role("status").first).to_contain_text("Ihre Änderungen sind gespeichert")
        expect(page.get_by_label("Wofür suchen Sie Fördermittel?")).to_have_value(
            "Wärmeplanung und Energieberatung für die Stadt"
        )
        shot(page, "3-saved")

    browse(scenario)
    with Session(site.engine) as session:
        member = session.exec(select(Member).where(Member.slug == "selm")).one()
        profile = session.exec(select(Profile).where(Profile.member_id == member.id)).one()
        other = session.exec(
            select(Profile).join(Member, Member.id == Profile.member_id).where(Member.slug == "schermbeck")
        ).one()
    assert profile.interests == "Wärmeplanung und Energieberatung für die Stadt"
    assert profile.topics == ["energieeffizienz_erneuerbare_energien"] and member.digest_frequency == "biweekly"
    assert other.interests == "Radwege, Radverkehr und Klimaanpassung"

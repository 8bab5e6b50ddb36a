"""Programme-first review in chromium: one action rejects a programme for 53 members, the page
says so and undoes it; the member view's select-all and bulk reject; the new page at 360 px and
under axe; the digest preview after the week's send and "Jetzt senden"."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, func, select

from mailer.config import mail_config
from mailer.periods import current_period
from mailer.send import send_period
from store import curation
from store.explanation import Explanation
from store.models import Match, Member, Programme, Recipient

from .conftest import serious_violations

TITLE = "Förderung kommunaler Radverkehrsinfrastruktur"
MEMBERS = 53
ON_SCREEN = "[...document.querySelectorAll('article.card')].filter(c => c.getBoundingClientRect().bottom <= 900).length"


def _propose_to_53_members(engine) -> int:
    """Add members until the Radverkehr programme is proposed to 53 of them; returns its id."""
    with Session(engine) as session:
        programme = session.exec(select(Programme).where(Programme.title == TITLE)).one()
        have = session.exec(
            select(func.count(Match.id)).where(Match.programme_id == programme.id, Match.state == "proposed")
        ).one()
        for n in range(MEMBERS - have):
            member = Member(slug=f"gemeinde-{n:02d}", name=f"Gemeinde Nummer {n:02d}", kind="kreisangehoerige_gemeinde")
            session.add(member)
            session.flush()
            session.add(
                Match(
                    member_id=member.id,
                    programme_id=programme.id,
                    score=20 + n,
                    explanation=Explanation(summary="Passt zu Ihren Interessen: Radverkehr"),
                )
            )
        session.commit()
        return programme.id


def _proposed(engine, programme_id: int) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count(Match.id)).where(Match.programme_id == programme_id, Match.state == "proposed")
        ).one()


@pytest.mark.e2e
def test_reject_a_programme_for_53_members_in_one_action_and_undo(browse, site, shot):
    programme_id = _propose_to_53_members(site.engine)
    found: dict[str, object] = {}

    def scenario(page):
        site.login_staff(page)
        page.goto("/staff/programme")
        card = page.locator("article.card").filter(has=page.get_by_role("heading", name=TITLE))
        found["cards"] = page.locator("article.card").count()
        found["cards_on_screen"] = page.evaluate(ON_SCREEN)
        shot(page, "cards")
        card.get_by_text(f"Vorgeschlagen für {MEMBERS} Mitglieder").click()  # opens the member list
        found["listed"] = card.locator(".member-list li").count()
        card.get_by_label("Grund").select_option(label="Nicht antragsberechtigt")
        card.get_by_role("button", name=f"Für alle ablehnen ({MEMBERS})").click()
        page.get_by_role("status").wait_for()
        found["said"] = page.get_by_role("status").inner_text()
        found["after_reject"] = _proposed(site.engine, programme_id)
        shot(page, "rejected")
        page.get_by_role("button", name="Rückgängig machen").click()
        page.get_by_role("status").filter(has_text="rückgängig gemacht").wait_for()
        found["said_undo"] = page.get_by_role("status").inner_text()
        found["after_undo"] = _proposed(site.engine, programme_id)
        found["audit"] = page.goto("/staff/audit") and page.locator("main").inner_text()

    browse(scenario)
    assert found["listed"] == MEMBERS
    assert found["said"] == f"{MEMBERS} Vorschläge abgelehnt."
    assert found["after_reject"] == 0
    assert found["said_undo"] == f"{MEMBERS} Entscheidungen rückgängig gemacht."
    assert found["after_undo"] == MEMBERS
    assert f"„{TITLE}“ in einem Schritt für {MEMBERS} Mitglieder abgelehnt" in found["audit"]
    assert found["cards_on_screen"] == found["cards"] >= 4  # compact: every programme at a glance on 1280×900


@pytest.mark.e2e
def test_member_view_select_all_and_bulk_reject(browse, site, shot):
    found: dict[str, object] = {}

    def scenario(page):
        site.login_staff(page)
        open_rows = page.locator(".queue-row").count()
        page.get_by_label("Alle auf dieser Seite auswählen").check()
        found["ticked"] = page.locator(".queue-row input[name=match_ids]:checked").count()
        page.locator("#bulk-reason").select_option(label="Thema passt nicht")
        page.get_by_role("button", name="Ausgewählte ablehnen").click()
        page.get_by_role("status").filter(has_text="abgelehnt").wait_for()
        found["said"] = page.get_by_role("status").inner_text()
        found["open_rows"] = open_rows
        found["left"] = page.locator(".queue-row").count()
        shot(page, "member-view-rejected")
        page.get_by_role("button", name="Rückgängig machen").click()
        page.get_by_role("status").filter(has_text="rückgängig gemacht").wait_for()
        found["back"] = page.locator(".queue-row").count()

    browse(scenario)
    assert found["ticked"] == found["open_rows"] > 0
    assert found["said"] == f"{found['open_rows']} Vorschläge abgelehnt."
    assert found["left"] == 0 and found["back"] == found["open_rows"]


@pytest.mark.e2e
def test_programme_page_at_360_px_and_axe_clean(browse, site, shot):
    _propose_to_53_members(site.engine)
    found: dict[str, object] = {}

    def scenario(page):
        site.login_staff(page)
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto("/staff/programme")
        page.locator("article.card summary").first.click()
        found["width"] = page.evaluate("document.documentElement.scrollWidth")
        found["axe"] = serious_violations(page)
        shot(page, "phone")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/staff/programme")
        page.get_by_role("button", name="Für alle freigeben (53)").click()
        page.get_by_role("status").wait_for()
        found["axe_after"] = serious_violations(page)

    browse(scenario)
    assert found["width"] <= 360
    assert found["axe"] == [] and found["axe_after"] == []


@pytest.mark.e2e
def test_preview_after_the_weeks_send_and_send_now(browse, site, shot):
    today = date.today()
    period = current_period(today)
    config = mail_config(site.app.state.settings)
    with Session(site.engine) as session:
        member = session.exec(select(Member).where(Member.slug == "schermbeck")).one()
        first = session.exec(select(Match).where(Match.member_id == member.id).order_by(Match.id)).first()
        curation.approve(session, first, actor="kuratorin@rvr.ruhr")
        curation.release_member_digest(session, member.id, period=period, actor="kuratorin@rvr.ruhr")
        recipients = len(session.exec(select(Recipient).where(Recipient.member_id == member.id)).all())
        session.commit()
    assert send_period(site.engine, config, period=period, today=today, member_slugs=["schermbeck"]).sent == recipients
    before = len(site.mails())
    found: dict[str, object] = {}

    def scenario(page):
        site.login_staff(page)
        page.goto("/staff/queue?q=Schermbeck")
        page.locator(".queue-row button.approve").first.click()
        page.locator(".queue-row.decided").first.wait_for()
        page.goto("/staff/members/schermbeck/digest")
        found["period"] = page.locator("#digest-period").inner_text()
        found["pending"] = page.locator("#digest-pending").inner_text()
        shot(page, "preview-after-send")
        page.get_by_role("button", name="Jetzt senden").click()  # not confirmed: the browser refuses
        found["unconfirmed_url"] = page.url
        page.get_by_label("Ja, den Digest für").check()
        page.get_by_role("button", name="Jetzt senden").click()
        found["said"] = page.get_by_role("status").inner_text()
        found["next"] = page.locator("#digest-period").inner_text()

    browse(scenario)
    assert "ist bereits versandt" in found["period"] and "Diese Vorschau zeigt den nächsten Digest" in found["period"]
    assert found["pending"].startswith("1 freigegebene Treffer warten")
    assert found["unconfirmed_url"].endswith("/staff/members/schermbeck/digest")
    assert "sofort versandt" in found["said"]
    assert len(site.mails()) - before == recipients

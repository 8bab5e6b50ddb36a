"""Every page type on a 360 px phone, with the app's own CSP active: no horizontal scrolling, no
style or script the CSP refuses, and no serious axe-core finding — staff pages, member pages and
the pages behind the mail links (/m/)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from mailer.config import mail_config
from mailer.tokens import VERDICT_FITS, FeedbackClaim, make_feedback_token, make_unsubscribe_token
from store.models import Match, Member, Recipient
from web.auth import add_staff

from .conftest import serious_violations

PHONE = {"width": 360, "height": 740}
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@rvr.ruhr", "e2e-admin-passwort-lang"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/member/login/\S+)")


def _mail_links(site) -> tuple[str, str]:
    """A feedback link and an unsubscribe link of Schermbeck's recipient, as a digest carries them."""
    config = mail_config(site.app.state.settings)
    with Session(site.engine) as session:
        member = session.exec(select(Member).where(Member.slug == "schermbeck")).one()
        recipient = session.exec(select(Recipient).where(Recipient.member_id == member.id)).one()
        match = session.exec(select(Match).where(Match.member_id == member.id)).first()
        claim = FeedbackClaim(recipient.id, member.id, match.programme_id, match.id)
    feedback = f"/m/feedback/{make_feedback_token(config.secret_key, claim)}/{VERDICT_FITS}"
    return feedback, f"/m/abmelden/{make_unsubscribe_token(config.secret_key, recipient.id)}"


@pytest.mark.e2e
def test_every_page_type_fits_a_phone_under_the_csp(browse, site, shot):
    with Session(site.engine) as session:
        add_staff(session, ADMIN_EMAIL, ADMIN_PASSWORD, role="admin", name="Alex Admin")
        session.commit()
    feedback, unsubscribe = _mail_links(site)
    found: dict[str, list[str]] = {}
    checked: list[str] = []

    def scenario(page):
        refused: list[str] = []
        page.on(
            "console",
            lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
        )
        page.set_viewport_size(PHONE)

        def check(name: str, path: str | None = None) -> None:
            if path is not None:
                response = page.goto(path)
                assert "content-security-policy" in response.headers, path
            page.wait_for_load_state("load")
            problems = list(refused)
            refused.clear()
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{width} px breit")
            problems += serious_violations(page)
            shot(page, f"phone-{name}")
            checked.append(name)
            if problems:
                found[name] = problems

        check("staff-login", "/staff/login")
        check("member-login", "/member/login")
        page.goto("/staff/login")
        page.get_by_label("E-Mail-Adresse").fill(ADMIN_EMAIL)
        page.get_by_label("Passwort").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url("**/staff/queue")
        for name, path in [
            ("dashboard", "/staff/"),
            ("queue", "/staff/queue"),
            ("queue-by-programme", "/staff/queue?group=programme"),
            ("programme-cards", "/staff/programme"),
            ("digests", "/staff/digests"),
            ("digest-preview", "/staff/members/schermbeck/digest"),
            ("sources", "/staff/sources"),
            ("audit", "/staff/audit"),
            ("users", "/staff/users"),
            ("member-facts-overview", "/staff/members/"),
            ("member-facts", "/staff/members/schermbeck/facts"),
            ("api-docs", "/api/docs"),
            ("not-found", "/staff/programmes/999999"),
        ]:
            check(name, path)
        page.goto("/staff/queue")
        fit = page.locator(".queue-row .member-fit").first  # the member's own lines fit the phone too
        assert "Bitte prüfen" in fit.inner_text() and "Eigenanteil" in fit.inner_text()
        check("programme", page.locator(".queue-row a.title").first.get_attribute("href"))
        page.goto("/staff/")
        page.get_by_role("button", name="Abmelden").click()

        page.goto("/member/login")
        page.get_by_label("E-Mail-Adresse").fill("kaemmerei@schermbeck.example")
        before = len(site.mails())
        page.get_by_role("button", name="Anmeldelink anfordern").click()
        page.get_by_role("status").wait_for()
        check("member-login-sent")
        link = LINK.search(site.mails(at_least=before + 1)[-1].get_payload(decode=True).decode("utf-8")).group(1)
        check("member-confirm", link)
        page.get_by_role("button", name="Jetzt anmelden").click()
        page.wait_for_url("**/member/")
        page.get_by_role("button", name="Vorschau aktualisieren").click()
        page.locator("#preview li").first.wait_for()
        check("member-profile")

        check("mail-feedback", feedback)
        page.get_by_role("button").click()
        check("mail-feedback-done")
        check("mail-unsubscribe", unsubscribe)
        page.get_by_role("button", name="Jetzt abmelden").click()
        check("mail-unsubscribe-done")
        check("mail-invalid-link", "/m/abmelden/kein-gueltiger-link")

    browse(scenario)
    assert len(checked) == 24
    assert found == {}, "\n".join(f"{name}: {problem}" for name, problems in found.items() for problem in problems)

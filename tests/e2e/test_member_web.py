"""Members on the web, in chromium under the app's CSP: the proposal list and its verdicts, the
double opt-in reactivation of an unsubscribed address, and the staff's onboarding invitations.
Every new page is checked at 360 px (no horizontal scrolling) and with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from mailer.config import mail_config
from mailer.tokens import make_unsubscribe_token
from store.curation import approve, mark_sent
from store.models import Feedback, Match, Member, Programme, Recipient, RecipientStatus
from store.types import utcnow

from .conftest import serious_violations

PHONE = {"width": 360, "height": 740}
LOGIN_LINK = re.compile(r"(http://127\.0\.0\.1:\d+/member/login/\S+)")
REACTIVATION_LINK = re.compile(r"(http://127\.0\.0\.1:\d+/m/wieder-anmelden/\S+)")
INVITATION_LINK = re.compile(r"(http://127\.0\.0\.1:\d+/member/einladung/\S+)")


class PageCheck:
    """360 px, CSP refusals from the console, and axe-core on the current page; problems by page name."""

    def __init__(self, page, shot):
        self.page, self.shot, self.found, self.refused = page, shot, {}, []
        page.on(
            "console",
            lambda message: self.refused.append(message.text) if "Content Security Policy" in message.text else None,
        )

    def __call__(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        viewport = page.viewport_size
        page.set_viewport_size(PHONE)
        problems = list(self.refused)
        self.refused.clear()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{width} px breit")
        problems += serious_violations(page)
        self.shot(page, f"{name}-360")
        page.set_viewport_size(viewport)
        if problems:
            self.found[name] = problems

    def assert_clean(self) -> None:
        assert self.found == {}, "\n".join(f"{n}: {p}" for n, problems in self.found.items() for p in problems)


def _body(mail) -> str:
    return mail.get_payload(decode=True).decode("utf-8")


def _member(session, slug: str) -> Member:
    return session.exec(select(Member).where(Member.slug == slug)).one()


def _release(site, slug: str, title_part: str, *, sent: bool = False) -> str:
    """Approve the member's match on the programme whose title contains ``title_part``; its title."""
    with Session(site.engine) as session:
        member = _member(session, slug)
        match, programme = session.exec(
            select(Match, Programme)
            .join(Programme, Programme.id == Match.programme_id)
            .where(Match.member_id == member.id, Programme.title.contains(title_part))
        ).one()
        approve(session, match, actor="kuratorin@rvr.ruhr")
        session.flush()
        if sent:
            mark_sent(session, [match.id], when=utcnow() - timedelta(days=7))
        session.commit()
        return programme.title


def _log_in(page, site, email: str) -> None:
    page.goto("/member/login")
    page.get_by_label("E-Mail-Adresse").fill(email)
    before = len(site.mails())
    page.get_by_role("button", name="Anmeldelink anfordern").click()
    page.get_by_role("status").wait_for()
    page.goto(LOGIN_LINK.search(_body(site.mails(at_least=before + 1)[-1])).group(1))
    page.get_by_role("button", name="Jetzt anmelden").click()
    page.wait_for_url("**/member/")


@pytest.mark.e2e
def test_member_sees_its_proposals_with_reasons_and_marks_them(browse, site, shot):
    radwege = _release(site, "schermbeck", "Radverkehr")
    klima = _release(site, "schermbeck", "Klimaanpassung", sent=True)
    sport = _release(site, "selm", "Sportstätten")

    def scenario(page):
        check = PageCheck(page, shot)
        page.goto("/member/vorschlaege")  # the digest's "Ihre Vorschläge" link, not logged in yet
        page.wait_for_url("**/member/login?weiter=/member/vorschlaege")
        page.get_by_label("E-Mail-Adresse").fill("kaemmerei@schermbeck.example")
        before = len(site.mails())
        page.get_by_role("button", name="Anmeldelink anfordern").click()
        page.get_by_role("status").wait_for()
        page.goto(LOGIN_LINK.search(_body(site.mails(at_least=before + 1)[-1])).group(1))
        page.get_by_role("button", name="Jetzt anmelden").click()
        page.wait_for_url("**/member/vorschlaege")
        expect(page.get_by_role("link", name="Ihre Vorschläge")).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("heading", name="Ihre Vorschläge", level=1)).to_be_visible()
        released = page.get_by_role("region", name="Freigegeben, kommt mit dem nächsten Digest")
        expect(released.get_by_role("heading", name=radwege)).to_be_visible()
        expect(released).to_contain_text("Warum passt das?")
        expect(released).to_contain_text("Noch 25 Tage", ignore_case=True)
        already = page.get_by_role("region", name="Bereits geschickt")
        expect(already.get_by_role("heading", name=klima)).to_be_visible()
        expect(already).to_contain_text("Geschickt am")
        expect(page.locator("main")).not_to_contain_text(sport)  # another member's proposal
        check("proposals")

        card = page.locator(".proposal", has=page.get_by_role("heading", name=klima))
        card.get_by_role("button", name=re.compile(r"^passt nicht")).click()
        expect(page.get_by_role("status")).to_contain_text(f"Danke, Ihre Einschätzung zu „{klima}“ ist gespeichert.")
        card = page.locator(".proposal", has=page.get_by_role("heading", name=klima))
        expect(card).to_contain_text("Ihre Einschätzung: passt nicht")
        check("proposals-after-verdict")
        check.assert_clean()

    browse(scenario)
    with Session(site.engine) as session:
        [feedback] = session.exec(select(Feedback)).all()
        programme = session.get(Programme, feedback.programme_id)
    assert programme.title == klima and feedback.fits is False and feedback.channel == "web"


@pytest.mark.e2e
def test_unsubscribed_address_comes_back_by_double_opt_in(browse, site, shot):
    with Session(site.engine) as session:
        recipient = session.exec(select(Recipient).where(Recipient.email == "bauamt@selm.example")).one()
    token = make_unsubscribe_token(mail_config(site.app.state.settings).secret_key, recipient.id)

    def scenario(page):
        check = PageCheck(page, shot)
        page.goto(f"/m/abmelden/{token}")
        page.get_by_role("button", name="Jetzt abmelden").click()
        expect(page.get_by_role("status")).to_have_text("Sie sind abgemeldet")
        check("unsubscribed")
        page.get_by_role("button", name="Bestätigungslink zum Wiederanmelden schicken").click()
        expect(page.get_by_role("status")).to_have_text("Bitte sehen Sie in Ihr Postfach")
        check("reactivation-sent")
        [mail] = site.mails(at_least=1)
        page.goto(REACTIVATION_LINK.search(_body(mail)).group(1))
        check("reactivation-confirm")
        page.get_by_role("button", name="Jetzt wieder anmelden").click()
        expect(page.get_by_role("status")).to_have_text("Sie sind wieder angemeldet")
        check("reactivated")
        check.assert_clean()

    browse(scenario)
    with Session(site.engine) as session:
        assert session.get(Recipient, recipient.id).status == RecipientStatus.active


@pytest.mark.e2e
def test_staff_invite_members_who_never_edited_and_the_link_opens_the_profile(browse, site, shot):
    def scenario(page):
        check = PageCheck(page, shot)
        _log_in(page, site, "bauamt@selm.example")
        page.get_by_label("Wofür suchen Sie Fördermittel?").fill("Sporthallen und Schulen sanieren")
        page.get_by_role("button", name="Profil speichern").click()
        expect(page.get_by_role("status").first).to_contain_text("Ihre Änderungen sind gespeichert")
        page.get_by_role("button", name="Abmelden").click()

        site.login_staff(page)
        page.goto("/staff/")
        expect(page.locator("#profiles-edited")).to_contain_text("1 von 2 Mitgliedern haben ihr Profil")
        page.get_by_role("link", name="Mitglieder einladen, ihr Profil zu vervollständigen").click()
        check("onboarding")
        page.get_by_label("nur Mitglieder, die ihr Profil noch nie bearbeitet haben").check()
        page.get_by_role("button", name="Einladungen verschicken").click()
        expect(page.get_by_role("status")).to_contain_text("1 Einladung an 1 Mitglied verschickt.")
        check("onboarding-sent")
        page.get_by_role("button", name="Abmelden").click()

        invitations = [m for m in site.mails() if "einladung" in _body(m)]
        assert [m["To"] for m in invitations] == ["kaemmerei@schermbeck.example"]
        page.goto(INVITATION_LINK.search(_body(invitations[0])).group(1))
        check("invitation-confirm")
        page.get_by_role("button", name="Jetzt anmelden").click()
        page.wait_for_url("**/member/")
        expect(page.get_by_role("heading", name="Profil von Gemeinde Schermbeck")).to_be_visible()
        check.assert_clean()

    browse(scenario)

"""axe-core (vendored from npm) finds no serious or critical violation on the main pages."""

from __future__ import annotations

import re

import pytest

ANONYMOUS_PAGES = ["/staff/login", "/member/login"]
STAFF_PAGES = [
    "/staff/",
    "/staff/queue",
    "/staff/queue?group=programme",
    "/staff/programme",
    "/staff/digests",
    "/staff/members/schermbeck/digest",
    "/staff/sources",
    "/staff/sources/runs/1",
    "/staff/audit",
    "/api/docs",
]
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/member/login/\S+)")


@pytest.mark.e2e
def test_main_pages_have_no_serious_accessibility_violations(browse, site, shot, request):
    serious_violations = request.getfixturevalue("axe")
    found: dict[str, list[str]] = {}

    def check(page, path: str) -> None:
        page.goto(path)
        page.wait_for_load_state("load")
        problems = serious_violations(page)
        shot(page, re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:40] or "start")
        if problems:
            found[path] = problems

    def scenario(page):
        page.set_content('<html lang="de"><body><main><img src="x.png"></main></body></html>')
        assert any(v.startswith("image-alt") for v in serious_violations(page)), "axe does not run"
        for path in ANONYMOUS_PAGES:
            check(page, path)
        site.login_staff(page)
        for path in STAFF_PAGES:
            check(page, path)
        page.goto("/staff/queue")
        check(page, page.locator(".queue-row a.title").first.get_attribute("href"))  # a programme page
        page.set_viewport_size({"width": 390, "height": 844})
        check(page, "/staff/queue")
        shot(page, "queue-mobile")
        page.set_viewport_size({"width": 1280, "height": 900})

        page.goto("/member/login")
        page.get_by_label("E-Mail-Adresse").fill("kaemmerei@schermbeck.example")
        before = len(site.mails())
        page.get_by_role("button", name="Anmeldelink anfordern").click()
        page.get_by_role("status").wait_for()
        link = LINK.search(site.mails(at_least=before + 1)[-1].get_payload(decode=True).decode("utf-8")).group(1)
        check(page, link)
        page.get_by_role("button", name="Jetzt anmelden").click()
        page.wait_for_url("**/member/")
        page.get_by_role("button", name="Vorschau aktualisieren").click()
        page.locator("#preview li").first.wait_for()
        check(page, "/member/")
        shot(page, "member-profile")

    browse(scenario)
    assert found == {}, "\n".join(f"{path}: {problem}" for path, problems in found.items() for problem in problems)

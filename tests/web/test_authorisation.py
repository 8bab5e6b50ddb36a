"""The authorisation matrix: every page route for anonymous, curator, admin, member A and member B.

Each role gets a fresh world and walks all routes; the expected outcome is written next to the
route. Member routes act on the session's member only, so member B gets 404 for member A's ids.
"""

from __future__ import annotations

from datetime import date

import pytest

from mailer.periods import current_period

LOGIN_STAFF, LOGIN_MEMBER, OK, FORBIDDEN, NOT_FOUND = "login:/staff/login", "login:/member/login", "ok", 403, 404
STAFF_ONLY = {"anonymous": LOGIN_STAFF, "curator": OK, "admin": OK, "member_a": LOGIN_STAFF, "member_b": LOGIN_STAFF}
ADMIN_ONLY = {**STAFF_ONLY, "curator": FORBIDDEN}
MEMBERS = {"anonymous": LOGIN_MEMBER, "curator": LOGIN_MEMBER, "admin": LOGIN_MEMBER, "member_a": OK, "member_b": OK}
MEMBER_A_ONLY = {**MEMBERS, "member_b": NOT_FOUND}


def routes(world) -> list[tuple[str, str, dict, dict]]:
    p, m = world.programmes, world.matches
    return [
        ("GET", "/staff/", {}, STAFF_ONLY),
        ("GET", "/staff/queue", {}, STAFF_ONLY),
        ("GET", "/staff/queue?group=programme&level=bund&min_score=10&deadline=30&q=Rad", {}, STAFF_ONLY),
        ("GET", f"/staff/programmes/{p['radwege'].id}", {}, STAFF_ONLY),
        ("GET", "/staff/digests", {}, STAFF_ONLY),
        ("GET", "/staff/programme", {}, STAFF_ONLY),
        ("GET", "/staff/members/schermbeck/digest", {}, STAFF_ONLY),
        ("GET", "/staff/members/schermbeck/digest.html", {}, STAFF_ONLY),
        ("GET", "/staff/sources", {}, STAFF_ONLY),
        ("GET", "/staff/audit", {}, STAFF_ONLY),
        ("GET", "/staff/users", {}, ADMIN_ONLY),
        ("POST", f"/staff/matches/{m['a_radwege'].id}/approve", {}, STAFF_ONLY),
        ("POST", f"/staff/matches/{m['a_waerme'].id}/reject", {"reason": "topic", "note": "passt nicht"}, STAFF_ONLY),
        ("POST", "/staff/matches/bulk", {"action": "approve", "match_ids": [m["b_sport"].id]}, STAFF_ONLY),
        ("POST", f"/staff/programme/{m['b_sport'].programme_id}/decide", {"action": "approve_all"}, STAFF_ONLY),
        ("POST", "/staff/members/schermbeck/release", {}, STAFF_ONLY),
        ("POST", "/staff/digests/release-all", {}, STAFF_ONLY),
        ("POST", "/staff/members/selm/send-now", {"period": current_period(date.today()), "confirm": "ja"}, STAFF_ONLY),
        ("POST", f"/staff/users/{world.curator.id}/active", {"active": "true"}, ADMIN_ONLY),
        ("GET", "/member/", {}, MEMBERS),
        ("POST", "/member/preview", {"interests": "Radwege"}, MEMBERS),
        ("POST", "/member/profile", {"interests": "Radwege bauen", "digest_frequency": "weekly"}, MEMBERS),
        ("POST", "/member/recipients", {"email": "neu@example.org"}, MEMBERS),
        ("POST", f"/member/recipients/{world.recipient_a2.id}/delete", {}, MEMBER_A_ONLY),
        ("POST", "/member/feed-token", {}, MEMBERS),
    ]


@pytest.mark.parametrize("role", ["anonymous", "curator", "admin", "member_a", "member_b"])
def test_every_route_admits_exactly_its_roles(request, world, role):
    client = request.getfixturevalue(role)
    for method, path, data, expected in routes(world):
        outcome = expected[role]
        if method == "GET":
            response = client.get(path, follow_redirects=False)
        else:
            client.page("/member/login")  # any page: refreshes the CSRF token the client holds
            response = client.submit(path, data)
        where = f"{role} {method} {path}"
        if outcome == OK:
            assert response.status_code in (200, 303), f"{where}: {response.status_code} {response.text[:300]}"
            assert "login" not in response.headers.get("location", ""), where
        elif isinstance(outcome, str):
            assert response.status_code == 303, f"{where}: {response.status_code}"
            assert response.headers["location"] == outcome.removeprefix("login:"), where
        else:
            assert response.status_code == outcome, f"{where}: {response.status_code}"


def test_member_b_never_sees_member_a(member_b, world):
    page = member_b.page("/member/").text
    assert "Stadt Selm" in page and "bauamt@selm.de" in page
    assert "Schermbeck" not in page and "kaemmerei@schermbeck.de" not in page and "klima@schermbeck.de" not in page
    assert "a" * 43 not in page  # member A's feed token


def test_member_b_cannot_remove_member_a_recipient(member_b, member_a, world):
    member_b.page("/member/")
    assert member_b.submit(f"/member/recipients/{world.recipient_a.id}/delete").status_code == 404
    assert "kaemmerei@schermbeck.de" in member_a.page("/member/").text


def test_staff_session_is_not_a_member_session_and_vice_versa(curator, member_a):
    assert curator.get("/member/", follow_redirects=False).headers["location"] == "/member/login"
    assert member_a.get("/staff/queue", follow_redirects=False).headers["location"] == "/staff/login"


def test_htmx_request_without_login_gets_redirect_header(anonymous):
    response = anonymous.get("/staff/queue", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/staff/login"

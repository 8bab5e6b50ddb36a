"""Ids, pages and offsets beyond 64 bits or below 1 are answered 404/422, never with a server error.

Before, ``/api/programmes/18446744073709551616`` and ``/staff/audit?page=...`` ended in an
``OverflowError`` (SQLite) or a ``DataError`` (PostgreSQL) and an HTTP 500.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from store.models import StaffUser
from web.auth import issue_api_token

HUGE = str(2**64)  # one beyond what any 64-bit column or LIMIT/OFFSET takes
OUT_OF_RANGE = [HUGE, str(2**63), str(2**31), "-1", "0", "-" + HUGE]
LARGEST_ID = 2**31 - 1  # ids are INTEGER columns, 32 bits in PostgreSQL


@pytest.fixture
def api_auth(engine, world) -> dict[str, str]:
    with Session(engine) as session:
        token = issue_api_token(session, session.get(StaffUser, world.curator.id))
        session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_api_ids_and_offsets_out_of_range(anonymous, api_auth, value):
    paths = [f"/api/programmes/{value}"]
    if value not in {"0", str(2**31)}:  # offset 0 is the first page; offsets are 64-bit
        paths += [f"/api/programmes?offset={value}", f"/api/matches?offset={value}"]
    for path in paths:
        response = anonymous.get(path, headers=api_auth)
        assert response.status_code == 422, (path, response.status_code, response.text)
        assert response.json()["detail"][0]["loc"][-1] in {"programme_id", "offset"}


def test_largest_values_are_answered(anonymous, api_auth):
    assert anonymous.get(f"/api/programmes/{LARGEST_ID}", headers=api_auth).status_code == 404
    page = anonymous.get(f"/api/programmes?offset={2**63 - 1}", headers=api_auth)
    assert page.status_code == 200 and page.json()["items"] == [] and page.json()["total"] == 4


@pytest.mark.parametrize("value", [HUGE, str(2**31), "-1", "0"])
def test_staff_pages_with_ids_and_pages_out_of_range(curator, admin, value):
    for path in [f"/staff/programmes/{value}", f"/staff/sources/runs/{value}", f"/staff/audit?page={value}"]:
        response = curator.get(path)
        assert response.status_code == 422, (path, response.status_code)
        assert "Eingabe fehlt oder ist ungültig" in response.text
    assert curator.get(f"/staff/programmes/{LARGEST_ID}").status_code == 404
    assert curator.get("/staff/audit?page=1000000").status_code == 200
    queue = curator.get(f"/staff/queue?page={HUGE}")
    assert queue.status_code == 400 and "Seite" in queue.text
    for path, data in [
        (f"/staff/matches/{value}/approve", {}),
        (f"/staff/matches/{value}/reject", {"reason": "other", "note": "x"}),
        ("/staff/matches/bulk", {"action": "approve", "match_ids": [value]}),
        (f"/staff/programme/{value}/decide", {"action": "approve"}),
        (f"/staff/bulk/{value}/undo", {}),
    ]:
        assert curator.submit(path, data).status_code == 422, path
    assert admin.submit(f"/staff/users/{value}/active", {"active": "false"}).status_code == 422


def test_member_recipient_id_out_of_range(member_a):
    response = member_a.submit(f"/member/recipients/{HUGE}/delete")
    assert response.status_code == 422 and "recipient_id" in response.text
    assert member_a.submit(f"/member/recipients/{LARGEST_ID}/delete").status_code == 404


@pytest.mark.parametrize("staff_id", [HUGE, "9" * 5000, "0", "-1"])
def test_api_token_with_an_impossible_account_id_is_refused(anonymous, staff_id):
    response = anonymous.get("/api/programmes", headers={"Authorization": f"Bearer {staff_id}.geheim"})
    assert response.status_code == 401 and response.json()["detail"].startswith("Gültiges API-Token")

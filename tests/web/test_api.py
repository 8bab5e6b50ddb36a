"""The JSON API: bearer token of a staff account, OpenAPI schema, documentation page."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from store.models import StaffUser
from web.auth import issue_api_token


@pytest.fixture
def token(engine, world) -> str:
    with Session(engine) as session:
        value = issue_api_token(session, session.get(StaffUser, world.curator.id))
        session.commit()
    return value


def test_api_needs_a_valid_token(anonymous, curator, token, world):
    for path in [
        "/api/programmes",
        "/api/matches",
        "/api/members",
        "/api/members/schermbeck",
        f"/api/programmes/{world.programmes['radwege'].id}",
    ]:
        assert anonymous.get(path).status_code == 401
        assert curator.get(path).status_code == 401  # a page session is no API credential
        wrong = anonymous.get(path, headers={"Authorization": f"Bearer {token[:-2]}xx"})
        assert wrong.status_code == 401 and wrong.json()["detail"].startswith("Gültiges API-Token")
        assert anonymous.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_api_content(anonymous, token, world):
    auth = {"Authorization": f"Bearer {token}"}
    programmes = anonymous.get("/api/programmes?level=eu", headers=auth).json()
    assert programmes["total"] == 1 and programmes["items"][0]["title"] == "LIFE Klimaanpassung in Städten"
    status = programmes["items"][0]["deadline_status"]  # due in 40 days, as the pages and the mail say it
    assert status["kind"] == "deadline" and status["label"].endswith("(noch 40 Tage)")
    waerme = anonymous.get(f"/api/programmes/{world.programmes['waerme'].id}", headers=auth).json()
    assert waerme["deadline_status"] == {"kind": "rolling", "when": None, "label": "Laufend"}
    page = anonymous.get("/api/programmes?limit=2&offset=2", headers=auth).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    matches = anonymous.get("/api/matches?member=selm", headers=auth).json()
    assert {m["state"] for m in matches["items"]} == {"proposed", "approved"}
    assert all(m["member_slug"] == "selm" for m in matches["items"]) and matches["total"] == 2
    member = anonymous.get("/api/members/schermbeck", headers=auth).json()
    assert member["keywords"] == ["Radweg"] and member["topics"] == ["mobilitaet"]
    assert [m["slug"] for m in anonymous.get("/api/members", headers=auth).json()] == ["schermbeck", "selm"]
    assert anonymous.get("/api/members/nirgendwo", headers=auth).status_code == 404


def test_a_new_token_replaces_the_old_one(anonymous, token, engine, world):
    with Session(engine) as session:
        newer = issue_api_token(session, session.get(StaffUser, world.curator.id))
        session.commit()
    assert anonymous.get("/api/members", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert anonymous.get("/api/members", headers={"Authorization": f"Bearer {newer}"}).status_code == 200


def test_openapi_schema_and_docs_page(anonymous):
    schema = anonymous.get("/api/openapi.json").json()
    assert {"/api/programmes", "/api/matches", "/api/members", "/api/members/{slug}"} <= set(schema["paths"])
    assert not any(path.startswith(("/staff", "/member", "/feeds")) for path in schema["paths"])
    docs = anonymous.get("/api/docs").text
    assert "/api/matches" in docs and "Treffer auflisten" in docs and "Bearer" in docs

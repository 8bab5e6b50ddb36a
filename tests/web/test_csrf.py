"""CSRF: state changes need our own origin (fetch metadata / Origin / Referer) AND the session token."""

from __future__ import annotations

from sqlmodel import Session

from store.models import Match, MatchState


def _state(engine, match_id: int) -> str:
    with Session(engine) as session:
        return session.get(Match, match_id).state


def test_approve_without_token_is_refused_and_changes_nothing(curator, world, engine):
    match_id = world.matches["a_radwege"].id
    response = curator.post(f"/staff/matches/{match_id}/approve", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert _state(engine, match_id) == MatchState.proposed


def test_token_of_another_session_is_refused(curator, admin, world, engine):
    match_id = world.matches["a_radwege"].id
    response = curator.post(
        f"/staff/matches/{match_id}/approve", data={"csrf_token": admin.csrf}, follow_redirects=False
    )
    assert response.status_code == 403
    assert _state(engine, match_id) == MatchState.proposed


def test_cross_site_fetch_metadata_is_refused_even_with_token(curator, world, engine):
    match_id = world.matches["a_radwege"].id
    response = curator.submit(f"/staff/matches/{match_id}/approve", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert _state(engine, match_id) == MatchState.proposed


def test_foreign_origin_is_refused_even_with_token(member_a, engine, world):
    response = member_a.submit("/member/feed-token", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


def test_request_without_any_origin_information_is_refused(curator, world, engine):
    del curator.headers["origin"]
    match_id = world.matches["a_radwege"].id
    response = curator.submit(f"/staff/matches/{match_id}/approve")
    assert response.status_code == 403
    assert "Herkunft" in response.text
    assert _state(engine, match_id) == MatchState.proposed


def test_same_origin_referer_with_token_is_accepted(curator, world, engine):
    del curator.headers["origin"]
    match_id = world.matches["a_radwege"].id
    response = curator.submit(
        f"/staff/matches/{match_id}/approve", headers={"Referer": "https://testserver/staff/queue"}
    )
    assert response.status_code == 303
    assert _state(engine, match_id) == MatchState.approved


def test_htmx_header_token_is_accepted(curator, world, engine):
    match_id = world.matches["a_radwege"].id
    response = curator.post(
        f"/staff/matches/{match_id}/approve",
        data={},
        headers={"X-CSRF-Token": curator.csrf, "HX-Request": "true", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200
    assert "wurde freigegeben" in response.text
    assert 'hx-swap-oob="true">Noch 2 vorgeschlagene Treffer.' in response.text
    assert _state(engine, match_id) == MatchState.approved


def test_login_form_is_protected_too(anonymous):
    response = anonymous.post(
        "/staff/login", data={"email": "kurator@rvr.ruhr", "password": "x"}, follow_redirects=False
    )
    assert response.status_code == 403


def test_every_form_on_the_pages_carries_the_token(curator, member_a, world):
    for client, path in [
        (curator, "/staff/queue"),
        (curator, "/staff/digests"),
        (curator, "/staff/programme"),
        (curator, "/staff/members/schermbeck/digest"),
        (member_a, "/member/"),
    ]:
        html = client.page(path).text
        forms = html.count('method="post"')
        assert forms > 0
        assert html.count('name="csrf_token"') >= forms, path


def test_public_origin_behind_a_tls_proxy_is_accepted(curator, world, engine):
    """Behind a proxy the app sees http://testserver, the browser sends the public origin."""
    public = curator.app.state.settings.public_base_url.rstrip("/")
    assert public != "https://testserver"
    match_id = world.matches["a_radwege"].id
    response = curator.submit(f"/staff/matches/{match_id}/approve", headers={"Origin": public})
    assert response.status_code == 303
    assert _state(engine, match_id) == MatchState.approved

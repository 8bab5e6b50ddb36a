"""Security headers and the session cookie."""

from __future__ import annotations


def test_pages_forbid_inline_scripts_and_styles(anonymous):
    response = anonymous.get("/staff/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "<script>" not in response.text and "style=" not in response.text


def test_session_cookie_is_secure_httponly_samesite(app, world):
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://testserver") as client:
        cookie = client.get("/staff/login").headers["set-cookie"]
    assert "foerderradar_session=" in cookie
    assert "secure" in cookie.lower() and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_mail_preview_is_sandboxed_and_only_framable_by_us(curator):
    response = curator.get("/staff/members/schermbeck/digest.html")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert csp.startswith("sandbox") and "script-src" not in csp and "default-src 'none'" in csp
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "x-foerderradar-mail-preview" not in response.headers


def test_static_scripts_are_vendored(anonymous):
    assert anonymous.get("/static/htmx.min.js").status_code == 200
    assert anonymous.get("/static/review.js").status_code == 200
    page = anonymous.get("/staff/login").text
    assert "https://" not in page.split("<body")[0]  # nothing loaded from elsewhere

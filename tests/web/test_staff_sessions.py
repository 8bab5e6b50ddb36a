"""Staff sessions can be ended: logout, a new password and (de)activation end every session of
the user at once, including a session cookie copied before (it used to stay valid for 8 hours)."""

from __future__ import annotations

from sqlmodel import Session

from store.models import StaffUser
from web.auth import add_staff


def copy_of(browser, new_browser):
    """Another browser holding the very same session cookie (as a thief with a copied cookie would)."""
    thief = new_browser()
    for cookie in browser.cookies.jar:
        thief.cookies.jar.set_cookie(cookie)
    return thief


def logged_in(browser) -> bool:
    response = browser.get("/staff/queue", follow_redirects=False)
    assert response.status_code in {200, 303}
    return response.status_code == 200


def test_a_cookie_copied_before_logout_is_refused_after(curator, admin, new_browser, world):
    thief = copy_of(curator, new_browser)
    assert logged_in(thief)
    second_device = new_browser()
    second_device.page("/staff/login")
    second_device.submit("/staff/login", {"email": world.curator.email, "password": "ein-langes-testpasswort"})
    assert logged_in(second_device)

    assert curator.submit("/staff/logout").headers["location"] == "/staff/login"
    assert not logged_in(curator)
    assert not logged_in(thief)
    assert thief.get("/staff/queue", follow_redirects=False).headers["location"] == "/staff/login"
    assert not logged_in(second_device)  # logout ends all sessions of the user
    assert logged_in(admin)  # other users stay logged in


def test_a_new_password_ends_the_sessions(curator, engine, new_browser, world):
    thief = copy_of(curator, new_browser)
    with Session(engine) as session:
        add_staff(session, world.curator.email, "ein-ganz-neues-passwort", role="curator")
        session.commit()
    assert not logged_in(curator) and not logged_in(thief)


def test_deactivation_ends_the_sessions_also_after_reactivation(curator, admin, new_browser, world, engine):
    thief = copy_of(curator, new_browser)
    admin.page("/staff/users")
    assert admin.submit(f"/staff/users/{world.curator.id}/active", {"active": "false"}).status_code == 303
    assert not logged_in(thief)
    admin.page("/staff/users")
    assert admin.submit(f"/staff/users/{world.curator.id}/active", {"active": "true"}).status_code == 303
    assert not logged_in(thief) and not logged_in(curator)  # reactivated, but the old cookies stay dead
    with Session(engine) as session:
        assert session.get(StaffUser, world.curator.id).active

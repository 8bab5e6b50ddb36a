"""Member self-service: magic-link login, profile edits, live preview, recipients."""

from __future__ import annotations

import re
import time

from sqlmodel import Session, select

from store.models import AuditLog, Member, Profile, Recipient, UsedToken
from web.tokens import make_magic_token

LINK = re.compile(r"https?://\S+/member/login/(\S+)")


def _link_from(message) -> str:
    body = message.get_payload(decode=True).decode("utf-8")
    return LINK.search(body).group(1)


def test_magic_link_login_end_to_end(anonymous, outbox, world, engine):
    anonymous.page("/member/login")
    response = anonymous.submit("/member/login", {"email": " Kaemmerei@Schermbeck.de "})
    assert "Wenn die Adresse bei uns" in response.text
    [message] = outbox()
    assert message["To"] == "Kämmerei <kaemmerei@schermbeck.de>" or "kaemmerei@schermbeck.de" in message["To"]
    assert "Anmeldelink" in message["Subject"]
    token = _link_from(message)
    confirm = anonymous.page(f"/member/login/{token}")
    assert "Jetzt anmelden" in confirm.text  # opening the link alone does not log in (mail scanners)
    assert anonymous.get("/member/", follow_redirects=False).status_code == 303
    assert anonymous.submit(f"/member/login/{token}").headers["location"] == "/member/"
    page = anonymous.page("/member/").text
    assert "Profil von Gemeinde Schermbeck" in page and "Radverkehr und Klimaschutz" in page
    with Session(engine) as session:
        assert session.exec(select(UsedToken)).one()
        assert (
            session.exec(select(AuditLog).where(AuditLog.action == "member.login")).one().actor
            == "kaemmerei@schermbeck.de"
        )


def test_address_with_capitals_in_the_local_part_is_found(anonymous, outbox, engine, world):
    with Session(engine) as session:
        recipient = session.get(Recipient, world.recipient_b.id)
        recipient.email = "Bauamt.Leitung@selm.de"  # email-validator keeps the local part's case
        session.add(recipient)
        session.commit()
    anonymous.page("/member/login")
    anonymous.submit("/member/login", {"email": "bauamt.leitung@SELM.de"})
    assert len(outbox()) == 1


def test_unknown_address_gets_the_same_answer_and_no_mail(anonymous, outbox):
    anonymous.page("/member/login")
    known = anonymous.submit("/member/login", {"email": "bauamt@selm.de"})
    unknown = anonymous.submit("/member/login", {"email": "niemand@example.org"})
    assert known.status_code == unknown.status_code == 200
    notice = re.compile(r'<p class="success" role="status" id="notice">(.*?)</p>', re.S)
    assert notice.search(known.text).group(1) == notice.search(unknown.text).group(1)
    assert len(outbox()) == 1


def test_magic_link_is_single_use(app, world, new_browser):
    token = make_magic_token(
        app.state.settings.signing_key(), recipient_id=world.recipient_a.id, member_id=world.member_a.id
    )
    with new_browser() as first, new_browser() as second:
        first.page(f"/member/login/{token}")
        second.page(f"/member/login/{token}")
        assert first.submit(f"/member/login/{token}").status_code == 303
        again = second.submit(f"/member/login/{token}")
        assert again.status_code == 400 and "schon benutzt" in again.text
        assert second.get("/member/", follow_redirects=False).status_code == 303


def test_expired_and_forged_links_are_refused(app, world, anonymous):
    app.state.settings.magic_link_max_age_seconds = 1
    token = make_magic_token(
        app.state.settings.signing_key(), recipient_id=world.recipient_a.id, member_id=world.member_a.id
    )
    time.sleep(2.1)
    assert "abgelaufen" in anonymous.get(f"/member/login/{token}").text
    forged = make_magic_token("ein-anderer-schluessel", recipient_id=world.recipient_a.id, member_id=world.member_a.id)
    response = anonymous.get(f"/member/login/{forged}")
    assert response.status_code == 400 and "ungültig" in response.text


def test_edit_profile_saves_and_is_audited(member_a, engine, world):
    member_a.page("/member/")
    response = member_a.submit(
        "/member/profile",
        {
            "interests": "Radwege und Schulhöfe",
            "keywords": "Radweg\nSchulhof, Pumptrack",
            "exclude": "Landwirtschaft",
            "topics": ["mobilitaet", "infrastruktur"],
            "funding_types": ["zuschuss"],
            "digest_frequency": "biweekly",
        },
    )
    assert response.headers["location"] == "/member/?gespeichert=1"
    assert "Ihre Änderungen sind gespeichert" in member_a.page("/member/?gespeichert=1").text
    with Session(engine) as session:
        profile = session.exec(select(Profile).where(Profile.member_id == world.member_a.id)).one()
        member = session.get(Member, world.member_a.id)
        assert profile.keywords == ["Radweg", "Schulhof", "Pumptrack"] and profile.exclude == ["Landwirtschaft"]
        assert profile.topics == ["infrastruktur", "mobilitaet"] and profile.funding_types == ["zuschuss"]
        assert member.digest_frequency == "biweekly"
        entry = session.exec(select(AuditLog).where(AuditLog.action == "profile.update")).one()
        assert entry.actor == "kaemmerei@schermbeck.de" and entry.object_id == str(world.member_a.id)
        other = session.exec(select(Profile).where(Profile.member_id == world.member_b.id)).one()
        assert other.interests == "Sportstätten sanieren"


def test_bad_profile_input_is_named_and_nothing_is_lost(member_a, engine, world):
    member_a.page("/member/")
    response = member_a.submit(
        "/member/profile", {"interests": "x", "topics": ["gibt_es_nicht"], "digest_frequency": "weekly"}
    )
    assert response.status_code == 400 and "Förderbereiche: unbekannte Auswahl gibt_es_nicht" in response.text
    response = member_a.submit("/member/profile", {"interests": "x", "digest_frequency": "taeglich"})
    assert response.status_code == 400 and "Rhythmus" in response.text and "taeglich" in response.text
    with Session(engine) as session:
        assert (
            session.exec(select(Profile).where(Profile.member_id == world.member_a.id)).one().interests
            == "Radverkehr und Klimaschutz"
        )


def test_live_preview_ranks_without_saving(member_a, engine, world):
    member_a.page("/member/")
    html = member_a.submit(
        "/member/preview",
        {
            "interests": "Sanierung kommunaler Sportstätten Sporthalle",
            "keywords": "Sportstätten",
            "digest_frequency": "weekly",
        },
    ).text
    assert "Sanierung kommunaler Sportstätten" in html
    assert html.index("Sanierung kommunaler Sportstätten") < html.index("Passung")  # ranked first
    html = member_a.submit(
        "/member/preview",
        {"interests": "Radwege", "keywords": "Radweg", "exclude": "Sportstätten", "digest_frequency": "weekly"},
    ).text
    assert "Kommunale Radwege stärken" in html and "Sportstätten" not in html
    with Session(engine) as session:
        assert (
            session.exec(select(Profile).where(Profile.member_id == world.member_a.id)).one().interests
            == "Radverkehr und Klimaschutz"
        )


def test_recipients_add_with_topics_and_remove(member_a, engine, world):
    member_a.page("/member/")
    added = member_a.submit(
        "/member/recipients",
        {"email": "Bauamt@Schermbeck.de", "name": "Bauamt", "topics": ["staedtebau_stadterneuerung"]},
    )
    assert added.status_code == 303
    page = member_a.page("/member/").text
    assert "bauamt@schermbeck.de" in page.lower() and "Städtebau &amp; Stadterneuerung" in page
    bad = member_a.submit("/member/recipients", {"email": "kein-at-zeichen"})
    assert bad.status_code == 400 and "Empfänger" in bad.text and "kein-at-zeichen" in bad.text
    double = member_a.submit("/member/recipients", {"email": "kaemmerei@schermbeck.de"})
    assert double.status_code == 400 and "doppelt" in double.text
    assert member_a.submit(f"/member/recipients/{world.recipient_a2.id}/delete").status_code == 303
    with Session(engine) as session:
        emails = sorted(
            r.email.lower() for r in session.exec(select(Recipient).where(Recipient.member_id == world.member_a.id))
        )
    assert emails == ["bauamt@schermbeck.de", "kaemmerei@schermbeck.de"]


def test_last_recipient_cannot_be_removed(member_b, world):
    member_b.page("/member/")
    response = member_b.submit(f"/member/recipients/{world.recipient_b.id}/delete")
    assert response.status_code == 400 and "Mindestens eine Adresse" in response.text


def test_feed_token_can_be_replaced(member_a, engine, world):
    member_a.page("/member/")
    member_a.submit("/member/feed-token")
    with Session(engine) as session:
        token = session.get(Member, world.member_a.id).feed_token
    assert token != "a" * 43 and len(token) >= 32
    assert f"/feeds/{token}/fristen.ics" in member_a.page("/member/").text


def test_live_preview_lists_a_programme_once_as_the_record_of_the_members_bezirksregierung(member_a, engine, world):
    """Städtebauförderung at the ministry and at the BR Münster, each with its yearly calendar entry."""
    from crawler.linking import link_programmes
    from store.models import Member, Programme, Source

    with Session(engine) as session:
        session.add_all([Source(key="brms", name="BR Münster"), Source(key="nrw_mhkbd", name="MHKBD")])
        session.flush()
        for source in ("brms", "nrw_mhkbd"):
            common = {
                "source_key": source,
                "level": "land",
                "url": f"https://{source.removeprefix('nrw_')}.example/sbf",
                "eligible_applicants": ["kommune"],
                "regions": ["nordrhein_westfalen"],
                "teaser_text": "Städtebauförderung für Stadterneuerung und Ortskerne.",
            }
            session.add(Programme(natural_key="sbf", title="Städtebauförderung", **common))
            session.add(
                Programme(
                    natural_key="sbf#jaehrlich",
                    kind="calendar",
                    title="Jährliche Frist: Städtebauförderung",
                    extra={"programme_key": "sbf"},
                    **common,
                )
            )
        session.get(Member, world.member_a.id).bezirksregierung = "Düsseldorf"
        session.commit()
    link_programmes(engine)

    member_a.page("/member/")
    html = member_a.submit(
        "/member/preview", {"interests": "Städtebauförderung Stadterneuerung Ortskerne", "digest_frequency": "weekly"}
    ).text

    assert html.count(">Städtebauförderung</a>") == 1
    assert "Jährliche Frist" not in html
    assert "https://mhkbd.example/sbf" in html and "brms.example" not in html  # not another BR's page

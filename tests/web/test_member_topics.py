"""The member's "Erkannte Themen": topics the match run read from the plain words, and correcting them."""

from __future__ import annotations

from sqlmodel import Session, select

from store.models import AuditLog, Profile


def _profile(engine, member_id: int) -> Profile:
    with Session(engine) as session:
        return session.exec(select(Profile).where(Profile.member_id == member_id)).one()


def _set_inferred(engine, member_id: int, codes: list[str]) -> None:
    """What a match run writes for a profile without codes."""
    with Session(engine) as session:
        profile = session.exec(select(Profile).where(Profile.member_id == member_id)).one()
        profile.inferred_topics = codes
        session.add(profile)
        session.commit()


def test_inferred_topics_are_shown_and_the_member_can_remove_and_restore_one(member_b, world, engine):
    _set_inferred(engine, world.member_b.id, ["kultur_medien_sport", "infrastruktur.aus_weiterbildung"])
    page = member_b.page("/member/").text
    assert "Erkannte Themen" in page
    assert "Kultur, Medien &amp; Sport" in page and "Aus- &amp; Weiterbildung" in page  # German labels, sub-area too

    response = member_b.submit("/member/themen", {"action": "entfernen", "code": "kultur_medien_sport"})
    assert response.status_code == 303
    profile = _profile(engine, world.member_b.id)
    assert profile.excluded_topics == ["kultur_medien_sport"]
    assert profile.inferred_topics == ["infrastruktur.aus_weiterbildung"]
    page = member_b.page("/member/").text
    assert "Von Ihnen entfernt" in page and "Wieder aufnehmen" in page

    member_b.submit("/member/themen", {"action": "aufnehmen", "code": "kultur_medien_sport"})
    assert _profile(engine, world.member_b.id).excluded_topics == []
    with Session(engine) as session:
        actions = session.exec(select(AuditLog).where(AuditLog.action == "profile.topics")).all()
        assert [a.details["action"] for a in actions] == ["entfernen", "aufnehmen"]


def test_an_unknown_topic_is_refused_in_german_and_nothing_changes(member_b, world, engine):
    _set_inferred(engine, world.member_b.id, ["kultur_medien_sport"])
    member_b.page("/member/")
    response = member_b.submit("/member/themen", {"action": "entfernen", "code": "erfunden"})
    assert response.status_code == 400 and "unbekanntes Thema" in response.text
    assert _profile(engine, world.member_b.id).excluded_topics == []


def test_a_profile_with_chosen_codes_is_told_that_only_those_count(member_a, world, engine):
    page = member_a.page("/member/").text
    assert "Es gelten nur diese; aus Ihren Worten werden keine Themen abgeleitet" in page

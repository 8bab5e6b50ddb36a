"""Topics inferred from plain words, on the real programme records of the judged sets.

The classifier learns text → Förderbereich from the coded Förderdatenbank records at every match
run; a record without codes (as NKI, EFRE or a Bezirksregierung publish them) gets inferred topics
that route it to a department with topics, and a free-text profile gets the topics `match explain`
and the profile page show.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from mailer.assemble import assemble_digest
from mailer.config import MailConfig
from matcher.api import explain_programme, match_members
from store.curation import approve, release_member_digest
from store.models import Match, Member, Profile, Programme, Recipient, Source

RECORDS = Path(__file__).resolve().parents[2] / "matcher" / "evaluation_data" / "programmes.json"
TODAY = date(2022, 3, 1)  # the judged sets' day: the records' deadlines are read for it
NATURE = "Förderung von Schutz-, Entwicklungs-, Pflege- und Wiederherstellungsmaßnahmen"


def seed(engine) -> int:
    """Every real record, plus the nature-conservation programme's text as a record of a source that
    files no Förderbereich (like a Bezirksregierung page); returns the id of that record."""
    records = json.loads(RECORDS.read_text("utf-8"))
    with Session(engine) as session:
        for key in sorted({r["source_key"] for r in records} | {"bezreg"}):
            session.add(Source(key=key, name=key, level="land"))
        session.flush()
        for record in records:
            session.add(Programme(**_dated(record)))
        nature = next(r for r in records if r["title"].startswith(NATURE))
        uncoded = Programme(
            **_dated(nature)
            | {
                "source_key": "bezreg",
                "natural_key": "bezreg-naturschutz",
                "url": "https://www.bezreg.example/naturschutz",
                "funding_areas": [],
                "funding_subareas": [],
                "regions": ["nordrhein_westfalen"],
            }
        )
        session.add(uncoded)
        session.commit()
        return uncoded.id


def _dated(record: dict) -> dict:
    fields = dict(record)
    for name in ("next_deadline", "last_deadline", "opens_on"):
        if fields.get(name):
            fields[name] = date.fromisoformat(fields[name])
    return fields


def member(engine, slug: str, kind: str = "kreisangehoerige_gemeinde", **profile) -> int:
    with Session(engine) as session:
        row = Member(slug=slug, name=slug.title(), kind=kind)
        session.add(row)
        session.flush()
        session.add(Profile(member_id=row.id, **profile))
        session.commit()
        return row.id


def test_a_programme_without_codes_gets_inferred_topics_and_reaches_the_matching_department(engine, tmp_path):
    uncoded = seed(engine)
    # The record names Kreise and kreisfreie Städte as applicants, so a Kreis receives it.
    town = member(engine, "kreis-wesel", kind="kreis", interests="Naturschutz und Landschaftspflege", min_score=0)
    match_members(engine, today=TODAY)
    with Session(engine) as session:
        programme = session.get(Programme, uncoded)
        assert "umwelt_naturschutz" in programme.inferred_topics
        coded = session.exec(select(Programme).where(Programme.title.startswith(NATURE))).first()
        assert coded.inferred_topics == []  # the source's own codes are never overwritten or doubled
        for email, topics in (
            ("umwelt@kreis-wesel.example", ["umwelt_naturschutz"]),
            ("kaemmerei@kreis-wesel.example", ["unternehmensfinanzierung"]),
        ):
            session.add(Recipient(member_id=town, email=email, topics=topics))
        proposed = session.exec(select(Match).where(Match.member_id == town, Match.programme_id == uncoded)).one()
        approve(session, proposed, actor="staff@rvr.example")
        release_member_digest(session, town, period="2022-W09", actor="staff@rvr.example")
        session.commit()
        config = MailConfig(secret_key="k", maildir_path=tmp_path / "out", public_base_url="https://example.org")
        seen = {}
        for recipient in session.exec(select(Recipient).where(Recipient.member_id == town)).all():
            content = assemble_digest(
                session, session.get(Member, town), "2022-W09", today=TODAY, recipient=recipient, config=config
            )
            seen[recipient.email] = [item.title for item in content.items]
    assert seen["umwelt@kreis-wesel.example"] == [programme.title]
    assert seen["kaemmerei@kreis-wesel.example"] == []


def test_a_free_text_profile_gets_topics_it_can_remove_and_explain_names_them(engine):
    programme_id = seed(engine)
    interests = "Familienzentren, Kinder und Jugendliche, Ferienfreizeiten für Familien mit wenig Geld"
    town = member(engine, "castrop-rauxel", interests=interests, min_score=0)
    match_members(engine, today=TODAY)
    with Session(engine) as session:
        profile = session.exec(select(Profile).where(Profile.member_id == town)).one()
        assert "gesundheit_soziales" in profile.inferred_topics
        verdict = explain_programme(engine, "castrop-rauxel", programme_id, today=TODAY)
        assert "gesundheit_soziales" in [code for code, _ in verdict.profile_topics]
        profile.excluded_topics = ["gesundheit_soziales"]  # the member says: not this one
        session.add(profile)
        session.commit()
    match_members(engine, today=TODAY)
    with Session(engine) as session:
        profile = session.exec(select(Profile).where(Profile.member_id == town)).one()
        assert not any(code.split(".")[0] == "gesundheit_soziales" for code in profile.inferred_topics)


def test_a_profile_with_its_own_codes_is_not_given_inferred_ones(engine):
    seed(engine)
    town = member(engine, "hamm", interests="Familienzentren", topics=["umwelt_naturschutz"])
    match_members(engine, today=TODAY)
    with Session(engine) as session:
        assert session.exec(select(Profile).where(Profile.member_id == town)).one().inferred_topics == []

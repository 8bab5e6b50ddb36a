"""Profile files: validation with line numbers, import/export round trip, the bundled seed."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from profiles.io import ProfileFileError, apply_profiles, export_profiles, load_seed_profiles, parse_profiles
from profiles.schema import slugify
from store.models import Member, Profile, Recipient

GOOD = """\
- slug: schermbeck
  name: Schermbeck
  kind: kreisangehoerige_gemeinde
  kreis: Kreis Wesel
  interests: Radverkehr und Klimaschutz
  keywords: [Radweg, Radweg, Klimaschutz]
  topics: [mobilitaet]
  recipients:
    - {email: Kaemmerei@Schermbeck.example, name: Kämmerei, topics: [mobilitaet]}
- slug: selm
  name: Stadt Selm
  kind: kreisangehoerige_gemeinde
"""


def test_seed_holds_all_58_members_with_unique_slugs():
    docs = load_seed_profiles()
    assert len(docs) == 58
    assert len({d.slug for d in docs}) == 58
    kinds = [d.kind for d in docs]
    assert (
        kinds.count("kreisangehoerige_gemeinde"),
        kinds.count("kreisfreie_stadt"),
        kinds.count("kreis"),
        kinds.count("verband"),
    ) == (42, 11, 4, 1)
    assert all(d.interests and d.topics and not d.recipients for d in docs)


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Mülheim an der Ruhr", "muelheim-an-der-ruhr"),
        ("Fröndenberg/Ruhr", "froendenberg-ruhr"),
        ("Voerde (Niederrhein)", "voerde-niederrhein"),
        ("Hünxe", "huenxe"),
    ],
)
def test_slugify_transliterates(name, slug):
    assert slugify(name) == slug


def test_parse_normalises_terms_and_emails():
    docs = parse_profiles(GOOD)
    assert docs[0].keywords == ["Radweg", "Klimaschutz"]
    assert docs[0].recipients[0].email == "Kaemmerei@schermbeck.example"


@pytest.mark.parametrize(
    "text, expected",
    [
        (GOOD.replace("kind: kreisangehoerige_gemeinde\n  kreis", "kind: dorf\n  kreis"), "Zeile 3"),
        (GOOD.replace("Kaemmerei@Schermbeck.example", "kaemmerei(at)schermbeck"), "Zeile 9"),
        (GOOD.replace("slug: selm", "slug: Selm City"), "Zeile 10"),
        (GOOD + "  unknown_field: 1\n", "unknown_field"),
        ("- slug: [unclosed\n", "kein gültiges YAML"),
        (GOOD.replace("slug: selm", "slug: schermbeck"), "mehrfach"),
    ],
)
def test_bad_files_name_line_and_problem(text, expected):
    with pytest.raises(ProfileFileError) as error:
        parse_profiles(text, "profile.yaml")
    assert "profile.yaml" in str(error.value)
    assert expected in str(error.value)


def test_import_export_round_trip_and_recipient_sync(engine):
    with Session(engine) as session:
        apply_profiles(session, parse_profiles(GOOD))
        session.commit()
        exported = export_profiles(session)
    assert parse_profiles(exported) == parse_profiles(GOOD)
    fewer = GOOD.replace(
        "  recipients:\n    - {email: Kaemmerei@Schermbeck.example, name: Kämmerei, topics: [mobilitaet]}\n", ""
    )
    with Session(engine) as session:
        report = apply_profiles(session, parse_profiles(fewer))
        session.commit()
        assert report.recipients_removed == 1 and sorted(report.updated) == ["schermbeck", "selm"]
        assert session.exec(select(Recipient)).all() == []
        member = session.exec(select(Member).where(Member.slug == "schermbeck")).one()
        profile = session.exec(select(Profile).where(Profile.member_id == member.id)).one()
        assert profile.interests == "Radverkehr und Klimaschutz"


def test_staff_can_exclude_inferred_topics_in_the_profile_file(engine):
    """The honest way for staff to correct inferred topics: a list of Förderbereiche never to infer."""
    corrected = GOOD.replace(
        "  interests: Radverkehr und Klimaschutz\n",
        "  interests: Radverkehr und Klimaschutz\n  excluded_topics: [kultur_medien_sport]\n",
        1,
    )
    assert corrected != GOOD
    with Session(engine) as session:
        apply_profiles(session, parse_profiles(corrected))
        session.commit()
        member = session.exec(select(Member).where(Member.slug == "schermbeck")).one()
        profile = session.exec(select(Profile).where(Profile.member_id == member.id)).one()
        assert profile.excluded_topics == ["kultur_medien_sport"]
        assert "excluded_topics:\n  - kultur_medien_sport" in export_profiles(session, ["schermbeck"])
    with pytest.raises(ProfileFileError):
        parse_profiles(corrected.replace("[kultur_medien_sport]", "['Kultur!']"))

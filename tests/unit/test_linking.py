"""Cross-source linking: conservative rule on URL and title, staff decisions untouched."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from crawler.linking import link_programmes, linked_programme_ids, normalise_title, normalise_url
from store.ingest import Ingest
from store.models import Programme, ProgrammeLink


def ingest(engine, source: str, *items: dict) -> None:
    run = Ingest(engine, source)
    for item in items:
        run.add(item)
    run.finish(complete=True)


def ids(engine) -> dict[tuple[str, str], int]:
    with Session(engine) as session:
        return {(p.source_key, p.natural_key): p.id for p in session.exec(select(Programme)).all()}


def seed(engine) -> dict[tuple[str, str], int]:
    ingest(
        engine,
        "foerderdatenbank",
        {
            "natural_key": "gz",
            "title": "Gründungszuschuss",
            "level": "bund",
            "funder": "Bundesagentur für Arbeit",
            "url": "https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/Bund/BMAS/gruendungszuschuss.html",
        },
        {
            "natural_key": "sbf",
            "title": "Städtebauförderung",
            "level": "bund",
            "url": "https://www.foerderdatenbank.de/sbf.html",
        },
        {"natural_key": "fp", "title": "Förderprogramm", "level": "land", "url": "https://example.org/a"},
    )
    ingest(
        engine,
        "nrwbank",
        {
            "natural_key": "15086",
            "title": "Gründungszuschuss",
            "level": "bund",
            "url": "https://www.nrwbank.de/de/foerderung/foerderprodukte/15086/gruendungszuschuss.html",
        },
        {"natural_key": "fp", "title": "Förderprogramm", "level": "land", "url": "https://example.org/b"},
    )
    ingest(
        engine,
        "nrw_mhkbd",
        {
            "natural_key": "sbf",
            "title": "Städtebauförderung",
            "level": "land",
            "url": "https://www.mhkbd.nrw/foerderprogramme/staedtebaufoerderung",
            "links": [
                {
                    "title": "BR Münster",
                    "url": "https://www.bezreg-muenster.de/de/foerderung/foerderprogramme_a-z/35_staedtebaufoerderung/index.html",
                }
            ],
        },
    )
    ingest(
        engine,
        "brms",
        {
            "natural_key": "35",
            "title": "Städtebauförderung NRW",
            "level": "land",
            "url": "https://bezreg-muenster.de/de/foerderung/foerderprogramme_a-z/35_staedtebaufoerderung/",
        },
    )
    return ids(engine)


def test_same_title_and_level_or_same_page_link_across_sources(engine):
    known = seed(engine)
    assert link_programmes(engine) == 2
    with Session(engine) as session:
        assert linked_programme_ids(session, known[("nrwbank", "15086")]) == [known[("foerderdatenbank", "gz")]]
        # different titles, but the MHKBD page links the BR Münster page: same programme
        assert linked_programme_ids(session, known[("brms", "35")]) == [known[("nrw_mhkbd", "sbf")]]
        # same title on Bund and Land level, and a generic title: not linked
        assert linked_programme_ids(session, known[("foerderdatenbank", "sbf")]) == []
        assert linked_programme_ids(session, known[("nrwbank", "fp")]) == []
    assert link_programmes(engine) == 0  # idempotent


def test_staff_veto_and_staff_link_are_kept_and_win(engine):
    known = seed(engine)
    fdb, bank = known[("foerderdatenbank", "gz")], known[("nrwbank", "15086")]
    land_sbf, bund_sbf = known[("nrw_mhkbd", "sbf")], known[("foerderdatenbank", "sbf")]
    with Session(engine) as session:
        session.add(ProgrammeLink(programme_id=bank, other_id=fdb, method="staff", linked=False, reason="verschieden"))
        session.add(ProgrammeLink(programme_id=land_sbf, other_id=bund_sbf, method="staff", linked=True))
        session.commit()
    link_programmes(engine)
    with Session(engine) as session:
        assert linked_programme_ids(session, fdb) == []
        assert bund_sbf in linked_programme_ids(session, land_sbf)
        staff = session.exec(select(ProgrammeLink).where(ProgrammeLink.method == "staff")).all()
        assert len(staff) == 2 and {link.linked for link in staff} == {True, False}


def test_rule_link_disappears_when_a_record_changes(engine):
    seed(engine)
    link_programmes(engine)
    ingest(
        engine,
        "nrwbank",
        {
            "natural_key": "15086",
            "title": "Gründungszuschuss der BA (NRW)",
            "level": "bund",
            "url": "https://www.nrwbank.de/x",
        },
        {"natural_key": "fp", "title": "Förderprogramm", "level": "land", "url": "https://example.org/b"},
    )
    link_programmes(engine)
    with Session(engine) as session:
        pairs = session.exec(select(ProgrammeLink)).all()
    assert len(pairs) == 1 and "Adresse" in pairs[0].reason


@given(st.text(max_size=40))
def test_title_normalisation_is_idempotent_ascii(title):
    once = normalise_title(title)
    assert normalise_title(once) == once and once.isascii()


def test_url_normalisation():
    assert normalise_url("https://www.bezreg-muenster.de/a/b/index.html") == normalise_url(
        "http://bezreg-muenster.de/a/b/"
    )
    assert normalise_url("https://www.nrwbank.de/") == ""


def test_the_same_yearly_date_from_two_sources_is_one_calendar_entry(engine):
    entry = {
        "natural_key": "sbf#jaehrlich",
        "title": "Jährliche Frist: Städtebauförderung",
        "level": "land",
        "kind": "calendar",
        "deadlines": ["2027-09-30"],
        "next_deadline": "2027-09-30",
    }
    ingest(engine, "nrw_mhkbd", entry | {"url": "https://www.mhkbd.nrw/foerderprogramme/staedtebaufoerderung"})
    ingest(engine, "brms", entry | {"url": "https://www.bezreg-muenster.de/de/foerderung/35_staedtebaufoerderung"})
    assert link_programmes(engine) == 1
    known = ids(engine)
    with Session(engine) as session:
        assert linked_programme_ids(session, known[("brms", "sbf#jaehrlich")]) == [
            known[("nrw_mhkbd", "sbf#jaehrlich")]
        ]


def test_a_yearly_calendar_entry_is_linked_to_its_own_programme(engine):
    url = "https://www.mhkbd.nrw/foerderprogramme/staedtebaufoerderung"
    ingest(
        engine,
        "nrw_mhkbd",
        {"natural_key": "sbf", "title": "Städtebauförderung", "level": "land", "url": url},
        {
            "natural_key": "sbf#jaehrlich",
            "title": "Jährliche Frist: Städtebauförderung",
            "level": "land",
            "kind": "calendar",
            "url": url,
            "extra": {"recurs": "yearly", "programme_key": "sbf"},
        },
        {"natural_key": "heimat", "title": "Heimat-Scheck", "level": "land", "url": "https://www.mhkbd.nrw/heimat"},
    )
    assert link_programmes(engine) == 1
    known = ids(engine)
    with Session(engine) as session:
        assert linked_programme_ids(session, known[("nrw_mhkbd", "sbf")]) == [known[("nrw_mhkbd", "sbf#jaehrlich")]]
        assert linked_programme_ids(session, known[("nrw_mhkbd", "heimat")]) == []

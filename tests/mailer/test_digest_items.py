"""A digest item a clerk can decide on, and the record of a programme a member is shown.

The item says what the programme is (the source's own short text), who may apply, what kind of
aid it is, whom to ask, and links to the source, to "passt / passt nicht", to the member's profile
and to the list of earlier proposals. Of several linked records of one programme the member sees
one: the page of its own Bezirksregierung, and the programme rather than its yearly calendar entry.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from crawler.linking import link_programmes
from mailer.assemble import assemble_digest
from mailer.render import render_digest
from store.models import Member, Recipient, Source

TEASER = (
    "Kommunen erhalten Zuschüsse für Radwege. Gefördert werden z. B. Fahrradstraßen und Abstellanlagen. "
    "Die Förderung beträgt bis zu 75 Prozent. Anträge sind über das Portal zu stellen."
)
CONTACT = {
    "name": "Projektträger Jülich (PtJ)",
    "email": "ptj@ptj.de",
    "phone": "+49 2461 61-2626",
    "website": "https://www.ptj.de/",
    "unit": "Projektträger Jülich",
}


def _digest(engine, member_id, config, today, period):
    with Session(engine) as session:
        member = session.get(Member, member_id)
        recipient = session.exec(select(Recipient).where(Recipient.member_id == member_id)).first()
        content = assemble_digest(session, member, period, today=today, recipient=recipient, config=config)
    return content, render_digest(content, config)


def test_an_item_says_what_who_which_aid_and_whom_to_ask(engine, world, mail_config, today, period):
    member = world.member("schermbeck", "Gemeinde Schermbeck", recipients=[("kaemmerei@schermbeck.example", "")])
    programme = world.programme(
        "Bundesförderung für effiziente Gebäude ? Nichtwohngebäude (BEG NWG)",
        teaser_text=TEASER,
        funder="Bundesministerium für Wirtschaft und Energie",
        eligible_applicants=["unternehmen", "kommune"],
        funding_types=["zuschuss"],
        contact=CONTACT,
    )
    world.match(member, programme, summary="Passt zu Ihren Interessen: Radverkehr")

    content, rendered = _digest(engine, member, mail_config, today, period)

    [item] = content.items
    assert item.title == "Bundesförderung für effiziente Gebäude – Nichtwohngebäude (BEG NWG)"
    assert item.facts == "Bundesministerium für Wirtschaft und Energie · Bund"
    assert item.description == (
        "Kommunen erhalten Zuschüsse für Radwege. Gefördert werden z. B. Fahrradstraßen und Abstellanlagen. "
        "Die Förderung beträgt bis zu 75 Prozent."
    )
    assert item.applicants == "Kommune, Unternehmen"
    text = rendered.text
    for line in (
        "Wer kann beantragen: Kommune, Unternehmen",
        "Förderart: Zuschuss",
        "Kontakt: Projektträger Jülich (PtJ) · Tel. +49 2461 61-2626 · ptj@ptj.de · https://www.ptj.de/",
        "Warum passt das? Passt zu Ihren Interessen: Radverkehr",
        "Zur Quelle: https://www.foerderdatenbank.de/p/1",
        "Ihre Vorschläge: https://foerderradar.example.org/member/vorschlaege",
        "Ihr Profil: https://foerderradar.example.org/member/",
    ):
        assert line in text
    assert '<a href="mailto:ptj@ptj.de">ptj@ptj.de</a>' in rendered.html
    assert '<a href="https://www.ptj.de/">ptj.de</a>' in rendered.html
    assert 'href="https://foerderradar.example.org/member/vorschlaege"' in rendered.html
    assert "?" not in item.title


def test_without_codes_the_first_eligibility_sentence_and_no_dangling_separator(
    engine, world, mail_config, today, period
):
    member = world.member("selm", "Stadt Selm", recipients=["bauamt@selm.example"])
    programme = world.programme(
        "Heimat-Scheck",
        funder="",
        level="land",
        source_key="eu_sedia",
        eligibility_text="Antragsberechtigt sind Vereine und Kommunen in NRW. Nicht gefördert werden Unternehmen.",
        contact={"text": "Bei den Bezirksregierungen, Dezernat 35.\n\nWeitere Auskünfte erteilt das Ministerium."},
    )
    world.match(member, programme)

    content, rendered = _digest(engine, member, mail_config, today, period)

    [item] = content.items
    assert item.facts == "Land"
    assert item.applicants == "Antragsberechtigt sind Vereine und Kommunen in NRW."
    assert item.contact.line() == "Bei den Bezirksregierungen, Dezernat 35."
    assert " · \n" not in rendered.text and "· Land" not in rendered.text


def _staedtebau(world, today):
    """Städtebauförderung at the ministry and at the Bezirksregierung Münster, each with its calendar entry."""
    deadline = today + dt.timedelta(days=300)
    ids = {}
    for source, url in (
        ("nrw_mhkbd", "https://www.mhkbd.nrw/foerderprogramme/staedtebaufoerderung"),
        ("brms", "https://www.bezreg-muenster.de/de/foerderung/foerderprogramme_a-z/35_staedtebaufoerderung/"),
    ):
        common = {"source_key": source, "url": url, "level": "land", "funder": f"Land NRW ({source})"}
        ids[source] = world.programme("Städtebauförderung", natural_key=f"{source}-sbf", deadline=deadline, **common)
        ids[f"{source}#jaehrlich"] = world.programme(
            "Jährliche Frist: Städtebauförderung",
            natural_key=f"{source}-sbf#jaehrlich",
            kind="calendar",
            deadline=deadline,
            extra={"recurs": "yearly", "programme_key": f"{source}-sbf"},
            **common,
        )
    return ids


def test_each_member_sees_one_record_of_a_programme_at_its_own_bezirksregierung(
    engine, world, mail_config, today, period
):
    with Session(engine) as session:
        session.add(Source(key="brms", name="Bezirksregierung Münster", level="land"))
        session.add(Source(key="nrw_mhkbd", name="MHKBD NRW", level="land"))
        session.commit()
    ids = _staedtebau(world, today)
    link_programmes(engine)
    selm = world.member("selm", "Stadt Selm", recipients=["a@selm.example"], bezirksregierung="Arnsberg")
    dorsten = world.member("dorsten", "Stadt Dorsten", recipients=["a@dorsten.example"], bezirksregierung="Münster")
    for member in (selm, dorsten):  # matches from before the calendar entries were folded in
        world.match(member, ids["brms"], score=80)
        world.match(member, ids["brms#jaehrlich"], score=70)

    selm_content, selm_mail = _digest(engine, selm, mail_config, today, period)
    dorsten_content, _ = _digest(engine, dorsten, mail_config, today, period)

    assert [(i.title, i.url) for i in selm_content.items] == [
        ("Städtebauförderung", "https://www.mhkbd.nrw/foerderprogramme/staedtebaufoerderung")
    ]
    assert [(i.title, i.url) for i in dorsten_content.items] == [
        (
            "Städtebauförderung",
            "https://www.bezreg-muenster.de/de/foerderung/foerderprogramme_a-z/35_staedtebaufoerderung/",
        )
    ]
    assert "Jährliche Frist" not in selm_mail.text and "bezreg-muenster" not in selm_mail.text


def test_every_real_export_record_gets_a_description_from_the_source():
    """Records whose Kurztext and description are empty (a third of the export) are described by the
    opening of their legal text, in the source's own words; the rest keep their Kurztext."""
    from pathlib import Path

    from crawler.spiders.foerderdatenbank.export_parser import parse_export
    from mailer.items import description_of
    from store.models import Programme

    export = Path(__file__).resolve().parents[2] / "foerderradar" / "demo_data" / "foerderdatenbank-export.zip"
    items = parse_export(export.read_bytes(), today=dt.date(2026, 12, 3)).items
    fields = set(Programme.model_fields)
    programmes = [Programme(**{k: v for k, v in item.items() if k in fields}) for item in items]
    without_short_text = [p for p in programmes if not (p.teaser_text or p.description_text)]
    assert len(without_short_text) >= 10  # the real export leaves them empty
    described = {p.title: description_of(p, 500) for p in without_short_text}
    # Some state their aim under "Ziel und Gegenstand" in the legal text; the others hold only their
    # legal basis and a date, and get no description rather than an invented one.
    assert sum(bool(text) for text in described.values()) >= 4
    assert not any(text.split()[0] in ("Ziel", "Rechtsgrundlage") for text in described.values() if text)
    assert all(description_of(p, 500) for p in programmes if p.teaser_text or p.description_text)
    einstiegsgeld = next(p for p in programmes if p.title == "Einstiegsgeld")
    assert description_of(einstiegsgeld, 500).startswith("Das Einstiegsgeld dient der Unterstützung von Menschen")


def test_an_eu_call_found_through_the_glossary_says_so_in_the_mail(engine, world, mail_config, today, period):
    """The summary the matcher writes for a German profile and the English Danube call (real records)
    reads as one line under "Warum passt das?", with the English words of the call in brackets."""
    from matcher.evaluation import SHIPPED, load_judged_set
    from matcher.index import ProgrammeIndex
    from matcher.ranking import Ranker, RankRequest
    from matcher.scoring import ProfileQuery

    judged = load_judged_set(SHIPPED[1])
    index = ProgrammeIndex.fit([p for p in judged.programmes if not p.closed and p.status != "closed"])
    ranker = Ranker(index, judged.today)
    request = RankRequest("kreisfreie_stadt", ProfileQuery(interests="Naturschutz und Renaturierung der Bäche"))
    row = next(r for r, p in enumerate(index.programmes) if p.title.startswith("Danube river basin lighthouse"))
    explanation = ranker.explain(ranker.rank([request])[0], request, row)

    member = world.member("herne", "Stadt Herne", recipients=[("umwelt@herne.example", "")])
    call = index.programmes[row]
    programme = world.programme(
        call.title, source_key="eu_sedia", level="eu", url=call.url, funder="Europäische Kommission"
    )
    world.match(member, programme, explanation=explanation.model_dump(mode="json"))
    _, rendered = _digest(engine, member, mail_config, today, period)

    line = next(line for line in rendered.text.splitlines() if line.strip().startswith("Warum passt das?"))
    assert line.strip() == f"Warum passt das? {explanation.summary}"
    assert "(im englischen Aufruf: " in line and line.strip().endswith(")") and "…" not in line
    assert "im englischen Aufruf: nature" in rendered.html


def test_a_german_programme_found_through_the_thesaurus_says_so_in_the_mail(engine, world, mail_config, today, period):
    """The summary for a town's solar panels and the BEG NWG record (real, which never says "Solaranlagen")
    reads as one line under "Warum passt das?", with the programme's own words in brackets."""
    from matcher.evaluation import SHIPPED, load_judged_set
    from matcher.index import ProgrammeIndex
    from matcher.ranking import Ranker, RankRequest
    from matcher.scoring import ProfileQuery

    judged = load_judged_set(SHIPPED[1])
    index = ProgrammeIndex.fit([p for p in judged.programmes if not p.closed and p.status != "closed"])
    ranker = Ranker(index, judged.today)
    query = ProfileQuery(interests="Solaranlagen auf dem Dach von Rathaus und Bauhof")
    request = RankRequest("kreisangehoerige_gemeinde", query)
    row = next(r for r, p in enumerate(index.programmes) if "(BEG NWG)" in p.title)
    explanation = ranker.explain(ranker.rank([request])[0], request, row)

    member = world.member("alpen", "Gemeinde Alpen", recipients=[("bauamt@alpen.example", "")])
    record = index.programmes[row]
    programme = world.programme(record.title, url=record.url, funder=record.funder)
    world.match(member, programme, explanation=explanation.model_dump(mode="json"))
    _, rendered = _digest(engine, member, mail_config, today, period)

    line = next(line for line in rendered.text.splitlines() if line.strip().startswith("Warum passt das?"))
    assert line.strip() == f"Warum passt das? {explanation.summary}"
    assert "(im Programmtext: Erneuerbare Energien, Nichtwohngebäude)" in line and "…" not in line
    assert "im Programmtext: Erneuerbare Energien" in rendered.html

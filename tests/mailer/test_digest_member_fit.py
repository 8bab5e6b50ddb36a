"""The member's own lines in the mail: "bitte prüfen" for unknown facts, the own share with how it was
worked out and its source sentence, and the peers of a programme made for joint applications."""

from __future__ import annotations

from sqlmodel import Session

from core.member_facts import MemberFacts
from mailer.assemble import assemble_digest
from mailer.render import render_digest
from matcher.member_fit import ProgrammeTerms, fit
from store.models import Member, Programme

RULE = (
    "Der Regelfördersatz beträgt 60 Prozent der zuwendungsfähigen Ausgaben. Der Regelfördersatz erhöht oder "
    "vermindert sich um jeweils 10 Prozentpunkte in Abhängigkeit von der Arbeitslosenquote und der "
    "finanziellen Leistungsfähigkeit der Gemeinde."
)
JOINT = "Gefördert werden interkommunale Kooperationsvorhaben für neue Gewerbeflächen."


def explanation_for(engine, programme_id: int, facts: MemberFacts) -> dict:
    """The explanation lines the matcher writes for this member (``matcher.member_fit``)."""
    with Session(engine) as session:
        result = fit(ProgrammeTerms.read(session.get(Programme, programme_id)), facts)
    return {
        "summary": "Passt zu Ihren Interessen: Gewerbeflächen",
        "conditions": [line.model_dump() for line in result.conditions],
        "own_share": result.own_share.model_dump() if result.own_share else None,
    }


def rendered(engine, member_id, period, today, config):
    with Session(engine) as session:
        content = assemble_digest(session, session.get(Member, member_id), period, today=today, config=config)
    return content, render_digest(content, config)


def test_checks_own_share_and_peers_reach_the_mail(engine, world, mail_config, today, period):
    ge = world.member("gelsenkirchen", "Stadt Gelsenkirchen", recipients=["a@ge.example"])
    bottrop = world.member("bottrop", "Stadt Bottrop", recipients=["a@bottrop.example"])
    herne = world.member("herne", "Stadt Herne", recipients=["a@herne.example"])
    world.member("hamm", "Stadt Hamm", recipients=["a@hamm.example"])
    programme = world.programme(
        "Gewerbeflächen gemeinsam entwickeln",
        teaser_text=JOINT,
        description_text=RULE,
        eligibility_text="Antragsberechtigt sind Gemeinden. Die Vorhaben müssen im GRW-Fördergebiet liegen.",
    )
    plain = world.programme("Radwege", teaser_text="Gefördert werden Radwege.")
    unknown = MemberFacts("kreisfreie_stadt", {"grw_foerdergebiet": None})
    world.match(ge, programme, explanation=explanation_for(engine, programme, unknown))
    world.match(bottrop, programme, explanation=explanation_for(engine, programme, unknown))
    world.match(herne, programme, state="proposed", released=False)  # not released: reached nobody yet
    world.match(ge, plain)
    world.match(bottrop, plain)

    content, mail = rendered(engine, ge, period, today, mail_config)

    item = next(i for i in content.items if i.title == "Gewerbeflächen gemeinsam entwickeln")
    assert item.peers == ["Stadt Bottrop"]
    assert "Bitte prüfen: GRW-Fördergebiet" in mail.text
    assert "Eigenanteil für Sie: Förderquote 40–80 % → Eigenanteil 20–60 %; Eigenanteil hängt von" in mail.text
    assert "Wie berechnet: Regelfördersatz 60 %" in mail.text
    assert "Quelle: „Der Regelfördersatz beträgt 60 Prozent" in mail.text
    assert "Gemeinsam beantragen? Diese Woche auch erhalten: Stadt Bottrop" in mail.text
    assert "Stadt Herne" not in mail.text
    for words in ("Bitte prüfen:", "Eigenanteil für Sie:", "Wie berechnet:", "Gemeinsam beantragen?"):
        assert words in mail.html
    radwege = next(i for i in content.items if i.title == "Radwege")
    assert radwege.peers == [] and radwege.own_share is None and radwege.checks == []
    assert mail.text.count("Gemeinsam beantragen?") == 1, "only the programme made for joint applications"

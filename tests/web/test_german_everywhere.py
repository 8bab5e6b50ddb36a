"""Every page and every mail of a seeded world speaks German: no raw key, no English status word.

The world is the web tests' world plus what a real week adds: a Förderdatenbank title with the
export's "?", linked records with yearly calendar entries, crawl runs of every status, a typed
revision, a bounced address, and decisions made through the pages (so the audit log has entries
of every kind). Then every page (staff, member, /m/), the digest mails (text and HTML), the login
mail and the feeds are fetched, and their visible text is scanned.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

from lxml import html as lxml_html
from sqlmodel import Session, select

from core import labels
from crawler.linking import link_programmes
from mailer.bounces.suppress import record_bounce
from mailer.config import mail_config
from mailer.render import unsubscribe_url
from mailer.tokens import VERDICT_DOES_NOT_FIT, VERDICT_FITS, FeedbackClaim, make_feedback_token
from store.models import CrawlRun, Match, Member, Programme, ProgrammeRevision, Recipient, Source

# Every key of the label tables, and English words a status could leak as.
LABEL_TABLES = (
    labels.MATCH_STATE_LABELS,
    labels.REJECT_REASON_LABELS,
    labels.PROGRAMME_KIND_LABELS,
    labels.PROGRAMME_STATUS_LABELS,
    labels.RUN_STATUS_LABELS,
    labels.LEVEL_LABELS,
    labels.FREQUENCY_LABELS,
    labels.RECIPIENT_STATUS_LABELS,
    labels.STAFF_ROLE_LABELS,
    labels.API_PARAMETER_PLACES,
    labels.SOURCE_NAMES,
    labels.AUDIT_SENTENCES,
)
ENGLISH = {"programme", "unknown", "success", "failed", "running", "approved", "proposed", "rejected", "pending"}
ENGLISH |= {"None", "True", "False", "null", "rate_changed", "deadline_extended", "reason", "state", "status"}
FORBIDDEN = sorted({key for table in LABEL_TABLES for key in table} | ENGLISH)
RAW_WORD = re.compile(r"(?<![\w.@/-])(" + "|".join(map(re.escape, FORBIDDEN)) + r")(?![\w@/-])")
ADDRESS = re.compile(r"\S+://\S+|\S+@\S+|www\.\S+")
ISO_WEEK = re.compile(r"\b\d{4}-W\d{2}\b")
SPOKEN_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


def visible_text(markup: str) -> str:
    """What a person reads or hears: text and spoken attributes; code samples and addresses left out."""
    tree = lxml_html.fromstring(markup)
    for node in tree.xpath("//script | //style | //code | //kbd | //head"):
        node.drop_tree()
    spoken = [value for attribute in SPOKEN_ATTRIBUTES for value in tree.xpath(f"//@{attribute}")]
    return ADDRESS.sub(" ", " ".join([*tree.itertext(), *spoken]))  # cells and items stay separate words


def problems(text: str) -> list[str]:
    found = [
        f"raw key {m.group(1)!r} in …{text[max(0, m.start() - 40) : m.end() + 40]}…" for m in RAW_WORD.finditer(text)
    ]
    found += [f"ISO week {m.group()!r}" for m in ISO_WEEK.finditer(text)]
    if "?" in text and " ? " in text:
        found.append("a lost character of the export ('?') shown as it is")
    return found


def _enrich(engine, world) -> None:
    """What a real week adds to the web tests' world."""
    today = date.today()
    deadline = today + timedelta(days=200)
    now = datetime.now(UTC)
    with Session(engine) as session:
        session.add_all([Source(key="brms", name="BR Münster"), Source(key="nrw_mhkbd", name="MHKBD")])
        session.flush()
        session.add_all(
            [
                CrawlRun(source_key="foerderdatenbank", status="success", finished_at=now, seen=53, complete=True),
                CrawlRun(source_key="eu_sedia", status="failed", finished_at=now, error="Zeitüberschreitung"),
                CrawlRun(source_key="brms", status="incomplete", finished_at=now, seen=2),
                CrawlRun(source_key="nrw_mhkbd", status="running"),
            ]
        )
        beg = Programme(
            source_key="foerderdatenbank",
            natural_key="beg-nwg",
            url="https://www.foerderdatenbank.de/beg-nwg",
            title="Bundesförderung für effiziente Gebäude ? Nichtwohngebäude (BEG NWG)",
            teaser_text="Kommunen erhalten Kredite für die Sanierung. Gefördert wird der ?Effizienzhaus?-Standard.",
            level="bund",
            funder="",
            eligible_applicants=["kommune", "unternehmen"],
            funding_types=["darlehen"],
            funding_areas=["mobilitaet"],
            regions=["_bundesweit"],
            status="unknown",
            contact={
                "name": "Kreditanstalt für Wiederaufbau (KfW)",
                "phone": "+49 800 539-9001",
                "email": "info@kfw.de",
            },
        )
        session.add(beg)
        for source in ("brms", "nrw_mhkbd"):
            common = {"source_key": source, "level": "land", "url": f"https://{source}.example/sbf", "status": "open"}
            session.add(Programme(natural_key="sbf", title="Städtebauförderung", next_deadline=deadline, **common))
            session.add(
                Programme(
                    natural_key="sbf#jaehrlich",
                    kind="calendar",
                    title="Jährliche Frist: Städtebauförderung",
                    next_deadline=deadline,
                    extra={"programme_key": "sbf"},
                    **common,
                )
            )
        session.flush()
        session.add(
            ProgrammeRevision(
                programme_id=world.programmes["radwege"].id,
                changed_fields=["status", "funding_types", "next_deadline", "rolling"],
                old_values={"status": "open", "funding_types": ["zuschuss"], "next_deadline": None, "rolling": True},
                new_values={"status": "closed", "funding_types": ["darlehen"], "next_deadline": "2027-01-31"},
                change_types=["rate_changed", "deadline_extended"],
            )
        )
        member_a = world.member_a.id
        session.add(Match(member_id=member_a, programme_id=beg.id, score=75, state="approved", explanation={}))
        brms = session.exec(
            select(Programme).where(Programme.source_key == "brms", Programme.kind == "programme")
        ).one()
        session.add(Match(member_id=member_a, programme_id=brms.id, score=65, explanation={"summary": "Stadtumbau"}))
        record_bounce(session, world.recipient_a2.email, permanent=True, status_code="5.1.1", diagnostic="unbekannt")
        session.commit()
    link_programmes(engine)


def test_every_page_and_mail_is_german(app, engine, world, curator, admin, member_a, anonymous, outbox):
    _enrich(engine, world)
    settings = app.state.settings
    config = mail_config(settings)
    # Decisions through the pages, so that the log holds entries of every kind.
    curator.page("/staff/queue")
    curator.submit(f"/staff/matches/{world.matches['a_radwege'].id}/approve")
    curator.submit(f"/staff/matches/{world.matches['b_sport'].id}/reject", {"reason": "not_eligible"})
    curator.submit("/staff/members/schermbeck/release")
    curator.page("/staff/members/schermbeck/facts")
    curator.submit(
        "/staff/members/schermbeck/facts/grw_foerdergebiet",
        {"value": "C", "source": "https://www.wirtschaft.nrw/rwp", "confidence": "hoch", "note": "Karte eingesehen"},
    )
    admin.page("/staff/users")
    admin.submit(f"/staff/users/{world.curator.id}/active", {"active": "false"})
    admin.submit(f"/staff/users/{world.curator.id}/active", {"active": "true"})
    curator.page("/staff/login")  # locking and unlocking ended the curator's sessions: log in again
    curator.submit("/staff/login", {"email": world.curator.email, "password": "ein-langes-testpasswort"})
    member_a.submit("/member/feed-token")
    member_a.submit("/member/recipients", {"email": "neu@schermbeck.de", "name": "Neu"})
    anonymous.post("/member/login", data={"email": world.recipient_b.email, "csrf_token": anonymous.csrf})
    unsubscribe = unsubscribe_url(config, world.recipient_b.id).removeprefix(settings.public_base_url.rstrip("/"))
    anonymous.post(unsubscribe)
    with Session(engine) as session:
        programme_ids = session.exec(select(Programme.id)).all()
        feed_token = session.get(Member, world.member_a.id).feed_token
        recipient = session.exec(select(Recipient).where(Recipient.email == world.recipient_a.email)).one()

    feedback = make_feedback_token(
        config.secret_key,
        FeedbackClaim(recipient.id, world.member_a.id, world.programmes["radwege"].id, world.matches["a_radwege"].id),
    )
    pages = {
        **{path: curator for path in STAFF_PAGES},
        **{f"/staff/programmes/{pid}": curator for pid in programme_ids},
        "/staff/users": admin,
        "/member/": member_a,
        "/member/login": anonymous,
        "/staff/login": anonymous,
        f"/m/feedback/{feedback}/{VERDICT_FITS}": anonymous,
        f"/m/feedback/{feedback}/{VERDICT_DOES_NOT_FIT}": anonymous,
        unsubscribe: anonymous,
        "/m/abmelden/kaputt": anonymous,
    }
    texts = {}
    for path, client in pages.items():
        response = client.page(path)
        assert response.status_code in (200, 400, 410), (path, response.status_code)
        texts[path] = visible_text(response.text)
    texts["POST /m/feedback"] = visible_text(anonymous.post(f"/m/feedback/{feedback}/{VERDICT_FITS}").text)
    texts["live preview"] = visible_text(
        member_a.post("/member/preview", data={"csrf_token": member_a.csrf, "interests": "Radwege Sanierung"}).text
    )
    preview_page = curator.page("/staff/members/schermbeck/digest").text
    texts["digest mail (text)"] = lxml_html.fromstring(preview_page).xpath("string(//pre)")
    for slug in ("schermbeck", "selm"):
        texts[f"digest mail {slug} (HTML)"] = visible_text(curator.get(f"/staff/members/{slug}/digest.html").text)
    texts["login mail"] = outbox()[-1].get_payload(decode=True).decode("utf-8")
    texts["Atom feed"] = unescape(re.sub(r"<[^>]+>", " ", anonymous.get(f"/feeds/{feed_token}/treffer.atom").text))
    texts["calendar"] = anonymous.get(f"/feeds/{feed_token}/fristen.ics").text

    found = {name: problems(ADDRESS.sub(" ", text)) for name, text in texts.items()}
    assert {name: issues for name, issues in found.items() if issues} == {}
    # The seeded facts did reach the pages, so the scan read real content.
    assert "Bundesförderung für effiziente Gebäude – Nichtwohngebäude (BEG NWG)" in texts["digest mail (text)"]
    assert "Kim Kurator hat" in texts["/staff/audit"] and "Grund: Nicht antragsberechtigt" in texts["/staff/audit"]
    assert (
        "fehlgeschlagen" in texts["/staff/sources"]
        and "Förderquote geändert" in texts[f"/staff/programmes/{world.programmes['radwege'].id}"]
    )


STAFF_PAGES = [
    "/staff/",
    "/staff/queue",
    "/staff/queue?group=programme",
    "/staff/digests",
    "/staff/members/schermbeck/digest",
    "/staff/members/selm/digest",
    "/staff/sources",
    "/staff/audit",
    "/staff/members/",
    "/staff/members/schermbeck/facts",
    "/api/docs",
]

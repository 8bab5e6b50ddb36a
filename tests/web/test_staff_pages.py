"""Programme detail, digest preview and release, source health, dashboard, staff accounts."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from store.models import (
    AuditLog,
    CrawlArchive,
    CrawlResponse,
    CrawlRun,
    Digest,
    Match,
    ProgrammeLink,
    ProgrammeRevision,
    SourceFingerprint,
    StaffUser,
)
from store.types import utcnow


def test_programme_detail_shows_fields_links_revisions_and_decisions(curator, world, engine):
    p = world.programmes
    with Session(engine) as session:
        session.add(
            ProgrammeLink(
                programme_id=p["radwege"].id, other_id=p["eu_call"].id, method="staff", reason="gleiche Richtlinie"
            )
        )
        session.add(
            ProgrammeLink(programme_id=p["sport"].id, other_id=p["radwege"].id, method="rule", reason="gleiche Adresse")
        )
        session.add(
            ProgrammeLink(
                programme_id=p["radwege"].id, other_id=p["sport"].id, method="staff", linked=False, reason="verschieden"
            )
        )
        session.add(
            ProgrammeRevision(
                programme_id=p["radwege"].id,
                changed_fields=["funding_rate", "description_text"],
                old_values={
                    "funding_rate": "bis zu 50 %",
                    "description_text": "Gefördert werden Radwege. Frist ist der 1. März.",
                },
                new_values={
                    "funding_rate": "bis zu 75 %",
                    "description_text": "Gefördert werden Radwege. Frist ist der 1. Juni." + " Mehr." * 30,
                },
                change_types=["rate_changed"],
            )
        )
        session.commit()
    curator.page("/staff/queue")
    curator.submit(f"/staff/matches/{world.matches['a_radwege'].id}/approve")
    html = curator.page(f"/staff/programmes/{p['radwege'].id}").text
    for text in [
        "Kommunale Radwege stärken",
        "Mobilität",
        "Zuschuss",
        "Kommune",
        "bundesweit",
        "Förderdatenbank des Bundes",
        "LIFE Klimaanpassung in Städten",
        "gleiche Richtlinie",
        "von Hand",
        "Förderquote geändert",
        "<del>bis zu 50 %</del>",
        "<ins>bis zu 75 %</ins>",
    ]:
        assert text in html, text
    linked = html[html.index("Gleiche Programme in anderen Quellen") : html.index("Änderungen</h2>")]
    assert "Sanierung kommunaler Sportstätten" not in linked  # vetoed by staff
    assert '<li class="removed"><span class="visually-hidden">entfernt: </span>Frist ist der 1. März.</li>' in html
    assert '<li class="same"><span class="visually-hidden"></span>Gefördert werden Radwege.</li>' in html
    assert "Gemeinde Schermbeck" in html and "Kim Kurator, " in html and "freigegeben" in html
    assert curator.get("/staff/programmes/424242").status_code == 404


def test_digest_preview_renders_the_mail_and_release_stamps_matches(curator, world, engine):
    page = curator.page("/staff/members/schermbeck/digest").text
    assert 'class="mail-desktop"' in page and 'class="mail-mobile"' in page
    assert "1 freigegebene Treffer warten" in page
    mail = curator.get("/staff/members/schermbeck/digest.html").text
    assert "LIFE Klimaanpassung in Städten" in mail  # the approved match is in the mail
    assert "Kommunale Radwege" not in mail  # proposed ones are not
    with Session(engine) as session:  # the preview stored nothing
        assert session.get(Match, world.matches["a_eu"].id).released_at is None
        assert session.exec(select(Digest)).first() is None
    response = curator.submit("/staff/members/schermbeck/release")
    assert response.status_code == 303
    assert "Digest für Gemeinde Schermbeck freigegeben (1 Treffer)" in curator.page(response.headers["location"]).text
    with Session(engine) as session:
        assert session.get(Match, world.matches["a_eu"].id).released_at is not None
        assert session.get(Match, world.matches["b_eu"].id).released_at is None
        digest = session.exec(select(Digest)).one()
        assert (digest.state, digest.released_by) == ("released", "kurator@rvr.ruhr")
        assert (
            session.exec(select(AuditLog).where(AuditLog.action == "digest.release")).one().actor == "kurator@rvr.ruhr"
        )
    assert curator.get("/staff/members/unbekannt/digest").status_code == 404


def test_source_health_lists_runs_failures_and_alarms(curator, engine):
    with Session(engine) as session:
        now = utcnow()
        session.add(
            CrawlRun(
                source_key="foerderdatenbank",
                started_at=now - timedelta(days=7),
                finished_at=now,
                status="success",
                complete=True,
                seen=2480,
                new=12,
                changed=30,
            )
        )
        session.add(
            CrawlRun(
                source_key="eu_sedia",
                started_at=now,
                finished_at=now,
                status="failed",
                error="CAPTCHA-Seite statt Export",
                alarms=["0 Einträge"],
            )
        )
        session.commit()
    html = curator.page("/staff/sources").text
    assert "2480" in html and "CAPTCHA-Seite statt Export" in html and "0 Einträge" in html
    assert "Störung" in html
    assert "noch nicht gelesen" in html  # the sources that never ran are not shown as broken


def test_a_run_page_lists_the_responses_it_received_and_the_structure_it_found(curator, engine):
    with Session(engine) as session:
        run = CrawlRun(
            source_key="eu_sedia",
            status="incomplete",
            alarms=["Strukturänderung bei SEDIA-Zeile Typ 1: „deadlineDate“ auf 0 von 10 gefunden"],
        )
        session.add(run)
        session.flush()
        session.add(CrawlArchive(crawl_run_id=run.id, source_key="eu_sedia", spider_url="https://api.example/search"))
        session.add(
            CrawlResponse(
                crawl_run_id=run.id,
                seq=1,
                method="POST",
                url="https://api.example/search?pageNumber=1",
                status=500,
                headers={"Content-Type": ["application/json"]},
                body_sha256="0" * 64,
                body_bytes=58,
            )
        )
        session.add(
            SourceFingerprint(
                crawl_run_id=run.id,
                source_key="eu_sedia",
                groups={"SEDIA-Zeile Typ 1": {"units": 10, "keys": {"title": 10}}},
            )
        )
        session.commit()
        run_id = run.id
    listing = curator.page("/staff/sources").text
    assert f'href="/staff/sources/runs/{run_id}"' in listing and "unvollständig" in listing
    html = curator.page(f"/staff/sources/runs/{run_id}").text
    assert "https://api.example/search?pageNumber=1" in html and "<td>500</td>" in html
    assert "„deadlineDate“ auf 0 von 10" in html and "SEDIA-Zeile Typ 1" in html
    assert f"foerderradar sources capture eu_sedia --run {run_id}" in html
    assert curator.get("/staff/sources/runs/999999").status_code == 404


def test_dashboard_has_charts_silent_members_and_deadlines(curator, world):
    html = curator.page("/staff/").text
    assert html.count('<svg class="chart"') == 4
    assert "Treffer und Freigaben je Kalenderwoche" in html and "Mobilität" in html
    assert "LIFE Klimaanpassung in Städten" in html and "(2 Mitglieder)" in html  # deadline within 8 weeks
    assert "Alle Mitglieder haben in den letzten 4 Wochen Treffer erhalten." in html


def test_admin_can_lock_a_staff_account_and_it_stops_working(admin, curator, world, engine):
    admin.page("/staff/users")
    assert admin.submit(f"/staff/users/{world.curator.id}/active", {"active": "false"}).status_code == 303
    with Session(engine) as session:
        assert session.get(StaffUser, world.curator.id).active is False
    assert curator.get("/staff/queue", follow_redirects=False).headers["location"] == "/staff/login"
    own = admin.submit(f"/staff/users/{world.admin.id}/active", {"active": "false"})
    assert own.status_code == 400 and "eigenes Konto" in own.text


def test_staff_login_with_wrong_password_says_so(anonymous):
    response = anonymous.submit("/staff/login", {"email": "kurator@rvr.ruhr", "password": "falsch-falsch-falsch"})
    assert response.status_code == 400 and "E-Mail-Adresse oder Passwort ist falsch" in response.text


def test_logout_ends_the_session(curator):
    assert curator.submit("/staff/logout").status_code == 303
    assert curator.get("/staff/queue", follow_redirects=False).headers["location"] == "/staff/login"

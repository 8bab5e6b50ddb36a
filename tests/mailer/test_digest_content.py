"""What a digest says: ranking, reminders, typed changes, topics, source health, nothing-new rule."""

from __future__ import annotations

import datetime as dt
import mailbox

from sqlmodel import Session

from mailer.assemble import assemble_digest
from mailer.render import MAX_HTML_BYTES, render_digest
from mailer.send import send_period
from store.models import CrawlRun, Member, ProgrammeRevision, Recipient
from store.types import utcnow


def _content(engine, member_id, period, today, config, recipient_email=None):
    with Session(engine) as session:
        member = session.get(Member, member_id)
        recipient = None
        if recipient_email:
            from sqlmodel import select

            recipient = session.exec(select(Recipient).where(Recipient.email == recipient_email)).one()
        return assemble_digest(session, member, period, today=today, recipient=recipient, config=config)


def test_items_are_ranked_and_only_released_approved_ones_count(engine, world, mail_config, today, period):
    member = world.member("schermbeck", "Gemeinde Schermbeck", recipients=["a@schermbeck.example"])
    world.match(member, world.programme("Mittel"), score=40)
    world.match(member, world.programme("Bester"), score=90)
    world.match(member, world.programme("Nicht freigegeben"), score=99, released=False)
    world.match(member, world.programme("Nur vorgeschlagen"), score=99, state="proposed", released=False)
    yesterday = today - dt.timedelta(days=1)
    world.match(member, world.programme("Aufruf abgelaufen", deadline=yesterday, kind="call"), score=95)
    world.match(member, world.programme("Richtlinie mit altem Datum", deadline=yesterday), score=20)

    content = _content(engine, member, period, today, mail_config)

    # A call whose window passed is closed; a standing programme with an old date stays, flagged for checking.
    assert [item.title for item in content.items] == ["Bester", "Mittel", "Richtlinie mit altem Datum"]
    assert content.items[-1].deadline_label == "Frist unklar – bitte beim Fördergeber prüfen"


def test_recipient_topics_filter_items(engine, world, mail_config, today, period):
    member = world.member("selm", recipients=[("alle@selm.example", "", []), ("bau@selm.example", "", ["staedtebau"])])
    world.match(member, world.programme("Radwege", areas=("infrastruktur",)))
    world.match(member, world.programme("Stadtumbau", areas=("staedtebau",)))

    everything = _content(engine, member, period, today, mail_config, "alle@selm.example")
    only_topic = _content(engine, member, period, today, mail_config, "bau@selm.example")

    assert {i.title for i in everything.items} == {"Radwege", "Stadtumbau"}
    assert [i.title for i in only_topic.items] == ["Stadtumbau"]


def test_deadline_reminders_at_six_and_two_weeks_each_once(engine, world, mail_config, today, period, tmp_path):
    member = world.member("haltern-am-see", recipients=["a@haltern.example"])
    deadline = today + dt.timedelta(days=40)
    sent_long_ago = utcnow() - dt.timedelta(days=60)
    programme = world.programme("Klimaanpassung", deadline=deadline)
    world.match(member, programme, state="sent", sent_at=sent_long_ago)

    def week(offset_days: int):
        day = today + dt.timedelta(days=offset_days)
        iso = day.isocalendar()
        p = f"{iso[0]}-W{iso[1]:02d}"
        report = send_period(engine, mail_config, period=p, today=day)
        return report.sent, _content(engine, member, p, day, mail_config)

    sent, content = week(0)  # 40 days left: inside the 6-week window
    assert sent == 1 and [r.title for r in content.reminders] == ["Klimaanpassung"]
    assert week(7)[0] == 0  # 33 days left: already reminded for this window, nothing else new
    sent, content = week(28)  # 12 days left: the 2-week window
    assert sent == 1 and content.reminders[0].days_left == 12
    assert week(35)[0] == 0
    texts = [m.get_payload(0).get_payload(decode=True).decode() for m in mailbox.Maildir(mail_config.maildir_path)]
    assert sum("FRISTEN IN KÜRZE" in t for t in texts) == 2


def test_typed_changes_of_programmes_already_sent(engine, world, mail_config, today, period):
    member = world.member("datteln", recipients=["a@datteln.example"])
    programme = world.programme("Sportstätten", deadline=today + dt.timedelta(days=90))
    world.match(member, programme, state="sent", sent_at=utcnow() - dt.timedelta(days=10))
    with Session(engine) as session:
        session.add(
            ProgrammeRevision(
                programme_id=programme,
                change_types=["deadline_extended"],
                changed_fields=["next_deadline"],
                new_values={"next_deadline": "2027-03-31"},
            )
        )
        session.add(ProgrammeRevision(programme_id=programme, change_types=["closed"], changed_fields=["closed"]))
        session.commit()

    first = send_period(engine, mail_config, period=period, today=today)
    content = _content(engine, member, period, today, mail_config)
    rendered = render_digest(content, mail_config)

    assert first.sent == 1
    # The closing costs the member most: it leads, under its own heading, before the extension.
    assert [c.labels for c in content.changes] == [["Antragstellung nicht mehr möglich"], ["Frist verlängert"]]
    assert rendered.text.index("DRINGEND: BITTE JETZT PRÜFEN") < rendered.text.index("Sportstätten")
    assert "Frist verlängert: Sportstätten – Neue Frist: 31.03.2027" in rendered.text
    next_week = send_period(engine, mail_config, period="2026-W49", today=today + dt.timedelta(days=7))
    assert next_week.sent == 0 and next_week.members_without_news == 1  # reported once only


def test_typed_change_details_reach_the_mail(engine, world, mail_config, today, period):
    member = world.member("selm", recipients=["a@selm.example"])
    programme = world.programme("E-Sport-Förderrichtlinie", deadline=today + dt.timedelta(days=90))
    world.match(member, programme, state="sent", sent_at=utcnow() - dt.timedelta(days=10))
    with Session(engine) as session:
        session.add(
            ProgrammeRevision(
                programme_id=programme,
                change_types=["deadline_brought_forward"],
                changed_fields=["deadline_text", "deadlines"],
                change_details=[
                    {
                        "type": "deadline_brought_forward",
                        "old": "31.03.2027",
                        "new": "28.02.2027",
                        "sentence": "für das Jahr 2024 bis spätestens 28.2.2027",
                        "summary": "31.03.2027 → 28.02.2027",
                    }
                ],
            )
        )
        session.commit()
    assert send_period(engine, mail_config, period=period, today=today).sent == 1
    rendered = render_digest(_content(engine, member, period, today, mail_config), mail_config)
    assert "Frist vorgezogen: E-Sport-Förderrichtlinie – 31.03.2027 → 28.02.2027" in rendered.text


def test_nothing_new_sends_nothing_unless_asked(engine, world, mail_config, today, period):
    world.member("quiet", recipients=["a@quiet.example"])
    wants_note = world.member("curious", recipients=["a@curious.example"], send_nothing_new=True)
    with Session(engine) as session:
        session.add(CrawlRun(source_key="foerderdatenbank", status="success", started_at=utcnow()))
        session.add(CrawlRun(source_key="eu_sedia", status="failed", started_at=utcnow()))
        session.commit()

    report = send_period(engine, mail_config, period=period, today=today)

    assert report.sent == 1 and report.per_member == {"curious": 1} and report.members_without_news == 1
    content = _content(engine, wants_note, period, today, mail_config)
    text = render_digest(content, mail_config).text
    assert "keine neuen passenden Förderangebote" in text
    assert "Diese Woche geprüft: Förderdatenbank des Bundes; nicht erreichbar: EU Funding & Tenders Portal." in text


def test_scraped_markup_is_neutralised_and_attribution_shown(engine, world, mail_config, today, period):
    member = world.member("unna", recipients=["a@unna.example"])
    world.match(
        member,
        world.programme(
            "<img src=x onerror=alert(1)>Böse <script>alert(2)</script>Förderung",
            teaser_text="<b>fett</b> &amp; <a href='javascript:x'>klick</a>",
        ),
    )

    rendered = render_digest(_content(engine, member, period, today, mail_config), mail_config)

    assert "<script" not in rendered.html and "onerror" not in rendered.html and "javascript:" not in rendered.html
    assert "Böse Förderung" in rendered.text and "fett & klick" in rendered.text
    assert "Quelle: Förderdatenbank des Bundes, BMWE, CC BY-ND 4.0" in rendered.text
    assert "Alle Angaben ohne Gewähr" in rendered.text
    assert "fonts.googleapis" not in rendered.html and "<img" not in rendered.html


def test_a_full_digest_stays_below_the_gmail_clipping_size(engine, world, mail_config, today, period):
    member = world.member("gelsenkirchen", "Stadt Gelsenkirchen", recipients=[("a@ge.example", "Dr. Ä Ü")])
    long_text = "Förderung kommunaler Klimaschutzmaßnahmen mit sehr langer Beschreibung " * 60
    for n in range(30):
        world.match(
            member,
            world.programme(
                f"{n} " + long_text[:600],
                teaser_text=long_text,
                funder=long_text[:400],
                funding_rate="bis zu 90 % " * 20,
                funding_types=["zuschuss", "darlehen"],
                deadline=today + dt.timedelta(days=10 + n),
            ),
            summary="Passt zu Ihren Interessen: " + long_text[:500],
            score=90 - n,
        )

    content = _content(engine, member, period, today, mail_config, "a@ge.example")
    rendered = render_digest(content, mail_config)

    assert len(content.items) == mail_config.max_items and content.more_items == 10
    assert len(rendered.html.encode()) < MAX_HTML_BYTES
    assert "Weitere 10 passende Angebote folgen im nächsten Digest" in rendered.text
    assert "…" in rendered.text  # long texts are cut with an ellipsis

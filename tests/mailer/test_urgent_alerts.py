"""When a change cannot wait for the next digest: by frequency, by deadline, by recipient topics."""

from __future__ import annotations

import datetime as dt
import mailbox
from email import message_from_bytes, policy

from sqlmodel import Session, select

from mailer.send import send_period, send_urgent_alerts
from store.models import Digest, Programme, ProgrammeRevision
from store.types import utcnow

SUNDAY = dt.date(2027, 1, 24)  # the crawl's night; weekly digests go out on Tuesday the 26th
WEDNESDAY = dt.date(2027, 1, 20)


def _received(world, member: int, title: str, change: str, *, deadline: dt.date | None = None, areas=("umwelt",)):
    programme = world.programme(title, deadline=deadline, areas=areas)
    world.match(member, programme, state="sent", sent_at=utcnow() - dt.timedelta(days=30))
    with Session(world.engine) as session:
        session.add(ProgrammeRevision(programme_id=programme, change_types=[change], changed_fields=["status_note"]))
        session.commit()
    return programme


def test_a_closing_found_on_sunday_waits_for_tuesday_only_where_tuesday_brings_a_digest(engine, world, mail_config):
    weekly = world.member("bottrop", recipients=["a@bottrop.example"])
    monthly = world.member("kamp-lintfort", recipients=["a@kamp-lintfort.example"], frequency="monthly")
    paused = world.member("xanten", recipients=["a@xanten.example"], frequency="paused")
    for member in (weekly, monthly, paused):
        _received(world, member, "Quartiersfonds", "closed")

    report = send_urgent_alerts(engine, mail_config, today=SUNDAY)

    assert report.per_member == {"kamp-lintfort": 1}  # the next monthly digest is on 2 February
    assert send_urgent_alerts(engine, mail_config, today=SUNDAY).sent == 0
    tuesday = send_period(engine, mail_config, period="2027-W04", today=SUNDAY + dt.timedelta(days=2))
    assert tuesday.per_member == {"bottrop": 1}  # paused hears nothing
    february = send_period(engine, mail_config, period="2027-W05", today=dt.date(2027, 2, 2))
    assert february.sent == 0 and february.members_without_news == 2  # the alert's change is not told again


def test_a_deadline_brought_forward_is_urgent_only_before_the_next_digest(engine, world, mail_config):
    member = world.member("herne", recipients=["a@herne.example"])
    _received(world, member, "Sportstätten", "deadline_brought_forward", deadline=dt.date(2027, 3, 1))
    _received(world, member, "Klimaschutz", "deadline_brought_forward", deadline=dt.date(2027, 1, 26))
    _received(world, member, "Fördermittel weg", "budget_exhausted")
    _received(world, member, "Nur Text", "text_changed")

    report = send_urgent_alerts(engine, mail_config, today=WEDNESDAY)

    assert report.sent == 1
    # Klimaschutz (due on the digest's own day) first, then the money gone six days before the digest
    assert _titles(engine, "eilig-2027-01-20") == ["Klimaschutz", "Fördermittel weg"]
    tuesday = send_period(engine, mail_config, period="2027-W04", today=dt.date(2027, 1, 26))
    assert tuesday.sent == 1
    assert _titles(engine, "2027-W04") == ["Sportstätten", "Nur Text"]  # the earlier deadline leads


def _titles(engine, period: str) -> list[str]:
    with Session(engine) as session:
        digest = session.exec(select(Digest).where(Digest.period == period)).one()
        revisions = [session.get(ProgrammeRevision, rid) for rid in digest.change_revision_ids]
        return [session.get(Programme, r.programme_id).title for r in revisions]


def test_recipients_only_get_alerts_on_their_topics(engine, world, mail_config):
    member = world.member(
        "selm", recipients=[("sport@selm.example", "", ["sport"]), ("umwelt@selm.example", "", ["umwelt"])]
    )
    _received(world, member, "Sportstätten", "closed", areas=("sport",))
    report = send_urgent_alerts(engine, mail_config, today=WEDNESDAY)
    assert report.sent == 1
    box = mailbox.Maildir(mail_config.maildir_path, create=False)
    [mail] = [message_from_bytes(box.get_bytes(key), policy=policy.default) for key in box.iterkeys()]
    assert mail["To"].addresses[0].addr_spec == "sport@selm.example"
    assert mail["Subject"] == "Dringend: Antragstellung nicht mehr möglich – Sportstätten (Selm)"

"""Per-member feeds behind a secret URL token (``Member.feed_token``).

Calendar programs and feed readers cannot log in, so the token in the URL is the credential;
members can replace it on their profile page. Only *approved* (or already sent) matches appear,
each programme once, as the digest shows it (``mailer.items``, ``mailer.records``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree as ET

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from icalendar import Alarm, Calendar, Event
from sqlmodel import Session, col, select

from core.deadline_status import DeadlineKind, deadline_status
from core.text_repair import shown_text
from mailer.config import mail_config
from mailer.items import build_item
from mailer.records import RecordChooser
from store.models import Match, MatchState, Member, Programme
from web.deps import SessionDep, SettingsDep
from web.sanitize import safe_url

router = APIRouter(prefix="/feeds", include_in_schema=False)
VISIBLE_STATES = (MatchState.approved, MatchState.sent)
ALARM_DAYS = (14, 3)
ATOM_ITEMS = 100


def _member_for(session: Session, token: str) -> Member:
    member = session.exec(select(Member).where(Member.feed_token == token)).first() if len(token) >= 32 else None
    if member is None:
        raise HTTPException(404, "Diesen Feed gibt es nicht (mehr).")
    return member


def _approved(session: Session, member: Member) -> list[tuple[Match, Programme]]:
    """The member's visible matches with the record it is shown (one per programme), newest first."""
    chooser = RecordChooser(session)
    rows, shown = [], set()
    for match, programme in session.exec(
        select(Match, Programme)
        .join(Programme, col(Programme.id) == col(Match.programme_id))
        .where(Match.member_id == member.id, col(Match.state).in_(VISIBLE_STATES))
        .order_by(col(Match.decided_at).desc(), col(Match.id).desc())
    ).all():
        record = chooser.for_member(programme, member)
        if record.id not in shown:
            shown.add(record.id)
            rows.append((match, record))
    return rows


@router.get("/{token}/fristen.ics")
def deadlines_calendar(session: SessionDep, settings: SettingsDep, token: str) -> Response:
    member = _member_for(session, token)
    calendar = Calendar()
    calendar.add("prodid", "-//Regionalverband Ruhr//Foerderradar Ruhr//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Förderfristen {member.name}")
    today = date.today()
    stamp = datetime.now(UTC)
    for _match, programme in _approved(session, member):
        status = deadline_status(programme, today)
        if status.is_closed:
            continue
        upcoming = {date.fromisoformat(d) for d in programme.deadlines} | {programme.next_deadline}
        if status.kind is DeadlineKind.deadline:
            upcoming.add(status.when)  # the next yearly day, which no stored date may hold yet
        for deadline in sorted(d for d in upcoming if d and d >= today):
            event = Event()
            event.add("uid", f"frist-{programme.id}-{deadline.isoformat()}-{member.slug}@foerderradar.rvr.ruhr")
            event.add("dtstamp", stamp)
            event.add("dtstart", deadline)
            event.add("dtend", deadline + timedelta(days=1))
            title = shown_text(programme.title, programme.source_key)
            event.add("summary", f"Frist: {title}")
            prose = shown_text(programme.deadline_sentence or programme.deadline_text, programme.source_key)
            event.add("description", f"{prose}\n{programme.url}".strip())
            if safe_url(programme.url):
                event.add("url", programme.url)
            event.add("transp", "TRANSPARENT")
            for days in ALARM_DAYS:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", f"In {days} Tagen endet die Frist: {title}")
                alarm.add("trigger", timedelta(days=-days))
                event.add_component(alarm)
            calendar.add_component(event)
    return Response(
        calendar.to_ical(), media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, max-age=900"}
    )


ATOM = "http://www.w3.org/2005/Atom"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


@router.get("/{token}/treffer.atom")
def matches_feed(session: SessionDep, settings: SettingsDep, token: str) -> Response:
    member = _member_for(session, token)
    base = settings.public_base_url.rstrip("/")
    rows = _approved(session, member)[:ATOM_ITEMS]
    today = date.today()
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", f"{base}/feeds/{member.slug}")
    _sub(feed, "title", f"Förderradar Ruhr: Treffer für {member.name}")
    updated = max((m.decided_at or m.updated_at for m, _ in rows), default=member.updated_at)
    _sub(feed, "updated", updated.isoformat())
    _sub(_sub(feed, "author"), "name", "Regionalverband Ruhr – Förderradar Ruhr")
    max_chars = mail_config(settings).max_text_chars
    for match, programme in rows:
        item = build_item(programme, match, today=today, max_chars=max_chars)
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"{base}/feeds/{member.slug}/treffer/{match.id}")
        _sub(entry, "title", item.title)
        _sub(entry, "updated", (match.decided_at or match.updated_at).isoformat())
        if safe_url(item.url):
            _sub(entry, "link", href=item.url, rel="alternate")
        _sub(entry, "summary", "\n".join([*item.text_lines(), item.attribution]).strip(), type="text")
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(
        body, media_type="application/atom+xml; charset=utf-8", headers={"Cache-Control": "private, max-age=900"}
    )

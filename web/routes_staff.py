"""Pages of the RVR staff: login, review queue, decisions, programme detail, digests, sources,
dashboard, audit log and (for admins) staff accounts."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, func, or_, select

from core.labels import AUDIT_ACTION_NAMES, LEVEL_LABELS, german_sort_key, label
from core.vocab import labels
from crawler.archive import run_archive, run_responses
from crawler.drift import fingerprint_of
from crawler.health import source_health
from crawler.linking import linked_programme_ids
from mailer.config import mail_config
from mailer.items import build_item
from mailer.periods import current_period, send_date
from mailer.upcoming import ExtraDigestError, check_extra_period, send_digest_now, upcoming_digest
from store import curation
from store.models import (
    AuditLog,
    CrawlResponse,
    CrawlRun,
    Match,
    MatchState,
    Member,
    Programme,
    ProgrammeLink,
    ProgrammeRevision,
    Source,
    StaffUser,
    row_id,
)
from store.peers import peers_by_programme, peers_since
from web.audit import describe
from web.auth import authenticate, end_sessions
from web.bulk_notice import last_action_notice
from web.charts import bar_chart
from web.csrf import verify_csrf
from web.dashboard import build_dashboard
from web.deps import (
    AdminDep,
    PageNumber,
    RowId,
    SessionDep,
    SettingsDep,
    StaffDep,
    end_staff_sessions,
    start_session,
)
from web.diffs import revision_diff
from web.preview import render_member_digest
from web.queue import DEADLINE_CHOICES, GROUP_CHOICES, FilterError, QueueFilters, count_queue, load_queue
from web.ratelimit import check_login_allowed, record_login
from web.security import MAIL_PREVIEW_HEADER
from web.templating import render

router = APIRouter(prefix="/staff", dependencies=[Depends(verify_csrf)], include_in_schema=False)
AUDIT_PER_PAGE = 100
RUNS_PER_SOURCE = 10


def _back(target: str) -> str:
    """Only our own queue URLs are followed after a decision (no open redirect)."""
    return target if target.startswith("/staff/") and not target.startswith("//") else "/staff/queue"


# ------------------------------------------------------------------------------------- login


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return render(request, "staff_login.html", {"error": "", "email": ""})


@router.post("/login")
def login(
    request: Request, session: SessionDep, email: Annotated[str, Form()], password: Annotated[str, Form()]
) -> Response:
    check_login_allowed(request, email)
    user = authenticate(session, email, password)
    record_login(request, email, succeeded=user is not None)
    if user is None:
        return render(
            request,
            "staff_login.html",
            {"error": "E-Mail-Adresse oder Passwort ist falsch.", "email": email},
            status_code=400,
        )
    session.commit()
    return start_session(request, "/staff/queue", staff_id=user.id, staff_session=user.session_version)


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    return end_staff_sessions(request, session, "/staff/login")


# ------------------------------------------------------------------------------------- queue


@router.get("/queue")
def queue(request: Request, session: SessionDep, staff: StaffDep) -> HTMLResponse:
    try:
        filters = QueueFilters.from_query(dict(request.query_params))
    except FilterError as exc:
        raise HTTPException(400, str(exc)) from None
    page = load_queue(session, filters, today=date.today())
    sources = session.exec(select(Source).order_by(Source.name)).all()
    return render(
        request,
        "staff_queue.html",
        {
            "staff": staff,
            "active": "queue",
            "page": page,
            "filters": filters,
            "sources": sources,
            "levels": LEVEL_LABELS,
            "topics": labels("foerderbereich"),
            "deadline_choices": DEADLINE_CHOICES,
            "group_choices": GROUP_CHOICES,
            "back": f"/staff/queue?{filters.query_string()}",
            **last_action_notice(session, staff, request),
        },
    )


def _decided(request: Request, session, match: Match, back: str) -> Response:
    """htmx: the decided row plus the new count (out of band, read out by screen readers)."""
    if request.headers.get("hx-request"):
        try:
            filters = QueueFilters.from_query(dict(parse_qsl(urlsplit(_back(back)).query)))
        except FilterError:
            filters = QueueFilters()
        total = count_queue(session, filters, today=date.today())
        context = {
            "match": match,
            "programme": session.get(Programme, match.programme_id),
            "member": session.get(Member, match.member_id),
            "total": total,
        }
        return render(request, "fragments/queue_row_decided.html", context)
    return RedirectResponse(_back(back), status_code=303)


def _proposed_match(session, match_id: int) -> Match:
    match = session.get(Match, match_id)
    if match is None:
        raise HTTPException(404, f"Treffer {match_id} gibt es nicht.")
    return match


@router.post("/matches/{match_id}/approve")
def approve(
    request: Request,
    session: SessionDep,
    staff: StaffDep,
    match_id: RowId,
    back: Annotated[str, Form()] = "/staff/queue",
) -> Response:
    match = _proposed_match(session, match_id)
    try:
        curation.approve(session, match, actor=staff.email, reviewer_id=staff.id)
    except curation.CurationError as exc:
        raise HTTPException(409, str(exc)) from None
    session.commit()
    return _decided(request, session, match, back)


@router.post("/matches/{match_id}/reject")
def reject(
    request: Request,
    session: SessionDep,
    staff: StaffDep,
    match_id: RowId,
    reason: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/staff/queue",
) -> Response:
    match = _proposed_match(session, match_id)
    try:
        curation.reject(session, match, actor=staff.email, reviewer_id=staff.id, reason=reason, note=note)
    except curation.CurationError as exc:
        raise HTTPException(400 if match.state == MatchState.proposed else 409, str(exc)) from None
    session.commit()
    return _decided(request, session, match, back)


# ---------------------------------------------------------------------------------- programme


def _linked_programmes(session, programme: Programme) -> list[tuple[Programme, ProgrammeLink]]:
    """The other records of the same programme (the crawler's rule, staff vetoes respected) and why."""
    links = session.exec(
        select(ProgrammeLink).where(
            or_(ProgrammeLink.programme_id == programme.id, ProgrammeLink.other_id == programme.id)
        )
    ).all()
    reasons: dict[int, ProgrammeLink] = {}
    for link in sorted(links, key=lambda link: link.method == "staff"):  # staff links win
        reasons[link.other_id if link.programme_id == programme.id else link.programme_id] = link
    return [
        (other, reasons[other.id])
        for other_id in linked_programme_ids(session, row_id(programme))
        if (other := session.get(Programme, other_id)) is not None
    ]


@router.get("/programmes/{programme_id}")
def programme_detail(request: Request, session: SessionDep, staff: StaffDep, programme_id: RowId) -> HTMLResponse:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise HTTPException(404, f"Programm {programme_id} gibt es nicht.")
    revisions = session.exec(
        select(ProgrammeRevision)
        .where(ProgrammeRevision.programme_id == programme_id)
        .order_by(col(ProgrammeRevision.created_at).desc())
    ).all()
    matches = session.exec(
        select(Match, Member, StaffUser)
        .join(Member, col(Member.id) == col(Match.member_id))
        .outerjoin(StaffUser, col(StaffUser.id) == col(Match.reviewer_id))
        .where(Match.programme_id == programme_id)
        .order_by(col(Match.score).desc())
    ).all()
    item = build_item(
        programme, None, today=date.today(), max_chars=mail_config(request.app.state.settings).max_text_chars
    )
    # Who received it this week: towns that could apply together (shown for joint-application programmes).
    item.peers = peers_by_programme(session, [row_id(programme)], since=peers_since(date.today())).get(
        row_id(programme), []
    )
    return render(
        request,
        "staff_programme.html",
        {
            "staff": staff,
            "active": "queue",
            "programme": programme,
            "item": item,
            "linked": _linked_programmes(session, programme),
            "revisions": [(r, revision_diff(r)) for r in revisions],
            "matches": matches,
        },
    )


# ------------------------------------------------------------------------------------ digests


def _member(session, slug: str) -> Member:
    member = session.exec(select(Member).where(Member.slug == slug)).first()
    if member is None:
        raise HTTPException(404, f"Mitglied {slug!r} gibt es nicht.")
    return member


def _waiting_counts(session) -> dict[int, int]:
    """Member id -> approved matches not yet released (they wait for "Freigeben")."""
    return dict(
        session.exec(
            select(col(Match.member_id), func.count(col(Match.id)))
            .where(Match.state == MatchState.approved, col(Match.released_at).is_(None))
            .group_by(col(Match.member_id))
        ).all()
    )


@router.get("/digests")
def digests(request: Request, session: SessionDep, staff: StaffDep) -> HTMLResponse:
    counts = _waiting_counts(session)
    proposed = dict(
        session.exec(
            select(col(Match.member_id), func.count(col(Match.id)))
            .where(Match.state == MatchState.proposed)
            .group_by(col(Match.member_id))
        ).all()
    )
    today = date.today()
    members = sorted(session.exec(select(Member)).all(), key=lambda m: german_sort_key(m.name))
    released = next((m for m in members if m.slug == request.query_params.get("released")), None)
    return render(
        request,
        "staff_digests.html",
        {
            "staff": staff,
            "active": "digests",
            "period": current_period(today),
            "released": released,
            "released_all": request.query_params.get("released_all"),
            "rows": [
                (m, counts.get(row_id(m), 0), proposed.get(row_id(m), 0), upcoming_digest(session, m, today=today))
                for m in members
            ],
            "waiting_total": sum(counts.values()),
        },
    )


@router.get("/members/{slug}/digest")
def digest_preview(request: Request, session: SessionDep, staff: StaffDep, slug: str) -> HTMLResponse:
    member = _member(session, slug)
    today = date.today()
    pending = _waiting_counts(session).get(row_id(member), 0)
    upcoming = upcoming_digest(session, member, today=today)
    rendered = render_member_digest(session, member, request.app.state.settings, today=today)
    config = mail_config(request.app.state.settings)
    return render(
        request,
        "staff_digest_preview.html",
        {
            "staff": staff,
            "active": "digests",
            "member": member,
            "rendered": rendered,
            "pending": pending,
            "upcoming": upcoming,
            "send_day": send_date(upcoming.period, config.send_weekday),
            "sent_now": request.query_params.get("sent_now"),
            "period": upcoming.period,
        },
    )


@router.get("/members/{slug}/digest.html")
def digest_mail_html(session: SessionDep, settings: SettingsDep, staff: StaffDep, slug: str) -> HTMLResponse:
    """The rendered mail itself, framed by the preview page; sandboxed by its own CSP."""
    rendered = render_member_digest(session, _member(session, slug), settings, today=date.today())
    return HTMLResponse(rendered.html, headers={MAIL_PREVIEW_HEADER: "1"})


@router.post("/members/{slug}/release")
def release(session: SessionDep, staff: StaffDep, slug: str) -> RedirectResponse:
    """Release into the digest that goes out next; a digest already sent is never touched."""
    member = _member(session, slug)
    period = upcoming_digest(session, member, today=date.today()).period
    count = curation.release_member_digest(session, row_id(member), period=period, actor=staff.email)
    session.commit()
    return RedirectResponse(f"/staff/digests?released={member.slug}&count={count}", status_code=303)


@router.post("/digests/release-all")
def release_all(session: SessionDep, staff: StaffDep) -> RedirectResponse:
    """ "Alle freigeben": every member's approved matches into that member's next digest."""
    today = date.today()
    periods = {row_id(m): upcoming_digest(session, m, today=today).period for m in session.exec(select(Member)).all()}
    members, matches = curation.release_digests(session, periods, actor=staff.email)
    session.commit()
    return RedirectResponse(f"/staff/digests?released_all={members}&count={matches}", status_code=303)


@router.post("/members/{slug}/send-now")
def send_now(
    request: Request,
    session: SessionDep,
    staff: StaffDep,
    slug: str,
    period: Annotated[str, Form()],
    confirm: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Send the member's next digest at once (after an explicit confirmation), exactly once per period."""
    member = _member(session, slug)
    if confirm != "ja":
        raise HTTPException(400, "Bitte bestätigen Sie den sofortigen Versand.")
    today = date.today()
    try:
        check_extra_period(period, today=today)
    except ExtraDigestError as exc:
        raise HTTPException(400, str(exc)) from None
    if not curation.digest_is_frozen(session, row_id(member), period):
        curation.release_member_digest(session, row_id(member), period=period, actor=staff.email)
        session.commit()
    config = mail_config(request.app.state.settings)
    report = send_digest_now(request.app.state.engine, config, member, period=period, today=today)
    if report.sent:
        curation.record_digest_sent_now(session, row_id(member), period=period, actor=staff.email, mails=report.sent)
        session.commit()
    return RedirectResponse(f"/staff/members/{member.slug}/digest?sent_now={report.sent}", status_code=303)


# ------------------------------------------------------------------------ sources, dashboard


@router.get("/sources")
def sources(request: Request, session: SessionDep, staff: StaffDep) -> HTMLResponse:
    health = source_health(session)
    runs = {
        h.key: session.exec(
            select(CrawlRun)
            .where(CrawlRun.source_key == h.key)
            .order_by(col(CrawlRun.started_at).desc())
            .limit(RUNS_PER_SOURCE)
        ).all()
        for h in health
    }
    run_ids = [run.id for listed in runs.values() for run in listed]
    archived = dict(
        session.exec(
            select(CrawlResponse.crawl_run_id, func.count())
            .where(col(CrawlResponse.crawl_run_id).in_(run_ids))
            .group_by(col(CrawlResponse.crawl_run_id))
        ).all()
    )
    return render(
        request,
        "staff_sources.html",
        {
            "staff": staff,
            "active": "sources",
            "health": health,
            "runs": runs,
            "archived": archived,
        },
    )


@router.get("/sources/runs/{run_id}")
def source_run(request: Request, session: SessionDep, staff: StaffDep, run_id: RowId) -> HTMLResponse:
    """One run: counts, alarms, the structure it found and every response it received."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise HTTPException(404, "Diesen Lauf gibt es nicht.")
    return render(
        request,
        "staff_source_run.html",
        {
            "staff": staff,
            "active": "sources",
            "run": run,
            "source": session.get(Source, run.source_key),
            "archive": run_archive(session, run_id),
            "responses": run_responses(session, run_id),
            "fingerprint": fingerprint_of(session, run_id) or {},
        },
    )


@router.get("/")
def dashboard(request: Request, session: SessionDep, staff: StaffDep) -> HTMLResponse:
    data = build_dashboard(session, today=date.today())
    charts = {
        "weeks": bar_chart(
            "chart-weeks",
            "Treffer und Freigaben je Kalenderwoche",
            data.week_labels,
            {"Treffer": data.matches_per_week, "Freigaben": data.approvals_per_week},
        ),
        "topics": bar_chart(
            "chart-topics",
            "Treffer und Freigaben je Förderbereich",
            [t[0] for t in data.topics],
            {"Treffer": [t[1] for t in data.topics], "Freigaben": [t[2] for t in data.topics]},
        ),
        "sources": bar_chart(
            "chart-sources",
            "Treffer und Freigaben je Quelle",
            [s[0] for s in data.sources],
            {"Treffer": [s[1] for s in data.sources], "Freigaben": [s[2] for s in data.sources]},
        ),
        "deadlines": bar_chart(
            "chart-deadlines",
            "Programme mit Frist in den nächsten 8 Wochen",
            [d[0] for d in data.deadline_weeks],
            {"Programme": [d[1] for d in data.deadline_weeks]},
        ),
    }
    return render(
        request, "staff_dashboard.html", {"staff": staff, "active": "dashboard", "data": data, "charts": charts}
    )


@router.get("/audit")
def audit(
    request: Request, session: SessionDep, staff: StaffDep, page: PageNumber = 1, actor: str = "", action: str = ""
) -> HTMLResponse:
    statement = select(AuditLog)
    if actor:
        statement = statement.where(col(AuditLog.actor).ilike(f"%{actor}%"))
    if action:
        statement = statement.where(AuditLog.action == action)
    entries = session.exec(
        statement.order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
        .offset((page - 1) * AUDIT_PER_PAGE)
        .limit(AUDIT_PER_PAGE + 1)
    ).all()
    actions = session.exec(select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
    return render(
        request,
        "staff_audit.html",
        {
            "staff": staff,
            "active": "audit",
            "entries": describe(session, list(entries[:AUDIT_PER_PAGE])),
            "action_names": {a: label(AUDIT_ACTION_NAMES, a) for a in actions},
            "page": page,
            "has_next": len(entries) > AUDIT_PER_PAGE,
            "actor": actor,
            "action": action,
            "actions": actions,
        },
    )


# ------------------------------------------------------------------------------ staff accounts


@router.get("/users")
def users(request: Request, session: SessionDep, staff: AdminDep) -> HTMLResponse:
    accounts = session.exec(select(StaffUser).order_by(StaffUser.email)).all()
    return render(request, "staff_users.html", {"staff": staff, "active": "users", "accounts": accounts})


@router.post("/users/{user_id}/active")
def set_active(
    session: SessionDep, staff: AdminDep, user_id: RowId, active: Annotated[bool, Form()]
) -> RedirectResponse:
    account = session.get(StaffUser, user_id)
    if account is None:
        raise HTTPException(404, f"Konto {user_id} gibt es nicht.")
    if account.id == staff.id and not active:
        raise HTTPException(400, "Sie können Ihr eigenes Konto nicht sperren.")
    account.active = active
    end_sessions(account)  # a deactivated (or reactivated) account starts from a fresh login
    session.add(account)
    session.add(
        AuditLog(
            actor=staff.email,
            action="staff.activate" if active else "staff.deactivate",
            object_type="staffuser",
            object_id=str(account.id),
            details={"email": account.email},
        )
    )
    session.commit()
    return RedirectResponse("/staff/users", status_code=303)

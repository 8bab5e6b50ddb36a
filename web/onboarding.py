"""Onboarding: staff invite members to complete their profile, and see how many did.

A member "has edited its profile" once someone logged in for it saved the profile page (the audit
entry ``profile.update``); the seeded or imported profile does not count. An invitation is a
magic link (``web.tokens``, purpose ``INVITATION``, valid ``FOERDERRADAR_INVITATION_MAX_AGE_DAYS``)
to each active address of the member, mailed through the mailer's transport.

One press of the button is one action: its form carries an action id that is claimed in
``UsedToken`` before the first mail goes out, so a double click or a reloaded result page cannot
send the invitations twice, and within an action every address of a member gets one mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.labels import german_sort_key
from core.settings import Settings
from store.models import AuditLog, Member, Recipient, RecipientStatus, UsedToken, row_id
from web.plain_mail import PlainMail, deliver
from web.tokens import INVITATION, make_magic_token

SCOPE_ALL = "alle"
SCOPE_UNEDITED = "unbearbeitet"
SCOPES = {
    SCOPE_UNEDITED: "nur Mitglieder, die ihr Profil noch nie bearbeitet haben",
    SCOPE_ALL: "alle Mitglieder",
}
ACTION_ID = re.compile(r"^[0-9a-f]{32}$")

SUBJECT = "Bitte vervollständigen Sie Ihr Profil im Förderradar Ruhr"
BODY = """Guten Tag{name},

das Förderradar Ruhr des Regionalverbands Ruhr schickt {member} regelmäßig Förderprogramme,
die zu Ihren Vorhaben passen. Damit die Vorschläge wirklich passen, bitten wir Sie, Ihr Profil
zu vervollständigen: Wofür suchen Sie Fördermittel, welche Stichwörter und Förderbereiche sind
Ihnen wichtig, und wer soll die Hinweise erhalten?

Mit diesem persönlichen Link melden Sie sich ohne Passwort an. Er gilt {days} Tage und nur einmal:
{link}

Später erreichen Sie Ihr Profil jederzeit mit einem neuen Anmeldelink über {login_url}.

Mit freundlichen Grüßen
Ihr Team Förderradar Ruhr beim Regionalverband Ruhr
"""


class InvitationError(ValueError):
    """The form cannot be acted on; the message says why."""


@dataclass
class ProfileProgress:
    edited: int
    total: int
    unedited: list[Member]  # in German order


@dataclass
class InvitationResult:
    members: int = 0  # members with at least one mail
    mails: int = 0
    failed: list[str] = field(default_factory=list)  # addresses the transport refused
    without_address: list[str] = field(default_factory=list)  # member names: no active address


def edited_member_ids(session: Session) -> set[int]:
    ids = session.exec(
        select(AuditLog.object_id).where(AuditLog.action == "profile.update", AuditLog.object_type == "member")
    ).all()
    return {int(value) for value in ids if value.isdigit()}


def profile_progress(session: Session) -> ProfileProgress:
    members = sorted(session.exec(select(Member)).all(), key=lambda m: german_sort_key(m.name))
    edited = edited_member_ids(session)
    unedited = [m for m in members if m.id not in edited]
    return ProfileProgress(edited=len(members) - len(unedited), total=len(members), unedited=unedited)


def invite_members(session: Session, settings: Settings, *, scope: str, action_id: str, actor: str) -> InvitationResult:
    """Send the invitations of one action; InvitationError if the form is bad or was already used."""
    if scope not in SCOPES:
        raise InvitationError(f"Auswahl „{scope}“ ist unbekannt: bitte „alle“ oder „unbearbeitet“ wählen.")
    if not ACTION_ID.match(action_id):
        raise InvitationError("Das Formular ist unvollständig. Bitte laden Sie die Seite neu.")
    session.add(UsedToken(jti=f"invite:{action_id}"))
    try:
        session.commit()  # claimed before the first mail: a second submission stops here
    except IntegrityError:
        session.rollback()
        raise InvitationError(
            "Diese Einladungen wurden bereits verschickt. Für eine neue Einladung laden Sie die Seite bitte neu."
        ) from None
    progress = profile_progress(session)
    members = progress.unedited if scope == SCOPE_UNEDITED else session.exec(select(Member)).all()
    members = sorted(members, key=lambda m: german_sort_key(m.name))
    result, mails = InvitationResult(), list[PlainMail]()
    for member in members:
        member_mails = _mails_for(session, settings, member)
        if not member_mails:
            result.without_address.append(member.name)
            continue
        result.members += 1
        mails.extend(member_mails)
    result.mails = len(mails)
    result.failed = deliver(settings, mails)
    session.add(
        AuditLog(
            actor=actor,
            action="onboarding.invite",
            object_type="invitation",
            object_id=action_id,
            details={"scope": scope, "members": result.members, "mails": result.mails, "failed": result.failed},
        )
    )
    session.commit()
    return result


def _mails_for(session: Session, settings: Settings, member: Member) -> list[PlainMail]:
    recipients = session.exec(
        select(Recipient)
        .where(Recipient.member_id == member.id, Recipient.status == RecipientStatus.active)
        .order_by(col(Recipient.id))
    ).all()
    base = settings.public_base_url.rstrip("/")
    mails: list[PlainMail] = []
    seen: set[str] = set()
    for recipient in recipients:
        if recipient.id is None or member.id is None or recipient.email.casefold() in seen:
            continue
        seen.add(recipient.email.casefold())
        token = make_magic_token(
            settings.signing_key(), recipient_id=row_id(recipient), member_id=row_id(member), purpose=INVITATION
        )
        body = BODY.format(
            name=f" {recipient.name}" if recipient.name else "",
            member=member.name,
            days=settings.invitation_max_age_days,
            link=f"{base}/member/einladung/{token}",
            login_url=f"{base}/member/login",
        )
        mails.append(PlainMail(recipient.email, recipient.name, SUBJECT, body))
    return mails

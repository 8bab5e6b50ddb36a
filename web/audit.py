"""The audit log as sentences that name people, members and programmes.

Entries store an action key and ids (``match.reject``, object 17, ``reason=not_eligible``); a
curator wants to read "Kira Kuratorin hat „Radwege“ für Gemeinde Schermbeck abgelehnt (Grund:
Thema passt nicht)". The sentences are in ``core.labels.AUDIT_SENTENCES``; this module looks up
the names for one page of entries with a handful of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.labels import (
    AUDIT_ACTION_NAMES,
    AUDIT_ACTORS,
    AUDIT_SENTENCES,
    REJECT_REASON_LABELS,
    label,
    week_label,
)
from core.member_facts import FACT_FIELDS, value_label
from core.text_repair import shown_text
from store.curation import BULK_APPROVE, BULK_REJECT, BULK_UNDO
from store.models import AuditLog, Match, Member, Programme, Recipient, StaffUser

BULK_ACTIONS = (BULK_APPROVE, BULK_REJECT, BULK_UNDO)


@dataclass
class AuditLine:
    at: datetime
    who: str
    sentence: str


class _Names:
    """Names for the ids of one page of entries, each kind loaded in one query."""

    def __init__(self, session: Session, entries: list[AuditLog]) -> None:
        def ids(kind: str) -> set[int]:
            return {int(e.object_id) for e in entries if e.object_type == kind and e.object_id.isdigit()}

        self.matches = _by_id(session, Match, ids("match"))
        self.recipients = _by_id(session, Recipient, ids("recipient") | _actor_ids(entries, "recipient:"))
        member_ids = ids("member") | {m.member_id for m in self.matches.values()}
        member_ids |= {r.member_id for r in self.recipients.values()}
        member_ids |= {int(e.details["member_id"]) for e in entries if str(e.details.get("member_id", "")).isdigit()}
        self.members = _by_id(session, Member, member_ids)
        self.members_by_slug = {m.slug: m for m in session.exec(select(Member)).all()}
        programme_ids = {m.programme_id for m in self.matches.values()}
        programme_ids |= {int(e.object_id) for e in entries if e.object_type == "programme" and e.object_id.isdigit()}
        self.programmes = _by_id(session, Programme, programme_ids)
        self.staff = {u.email: u for u in session.exec(select(StaffUser)).all()}
        self.staff_by_id = {u.id: u for u in self.staff.values()}

    def person(self, actor: str) -> str:
        if actor in AUDIT_ACTORS:
            return AUDIT_ACTORS[actor]
        if actor.startswith("member:"):
            member = self.members_by_slug.get(actor.removeprefix("member:"))
            return member.name if member else "Ein Mitglied"
        if actor.startswith("recipient:"):
            recipient = self.recipients.get(int(actor.removeprefix("recipient:") or 0))
            return recipient.email if recipient else "Eine Empfängerin oder ein Empfänger"
        user = self.staff.get(actor)
        return (user.name or user.email) if user else actor

    def member_name(self, member_id) -> str:
        member = self.members.get(int(member_id)) if str(member_id).isdigit() else None
        return member.name if member else "ein nicht mehr vorhandenes Mitglied"


def _by_id(session: Session, model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(ids))).all()}


def _actor_ids(entries: list[AuditLog], prefix: str) -> set[int]:
    found = {e.actor.removeprefix(prefix) for e in entries if e.actor.startswith(prefix)}
    return {int(value) for value in found if value.isdigit()}


def describe(session: Session, entries: list[AuditLog]) -> list[AuditLine]:
    names = _Names(session, entries)
    return [AuditLine(entry.at, names.person(entry.actor), _sentence(entry, names)) for entry in entries]


def _sentence(entry: AuditLog, names: _Names) -> str:
    details = entry.details or {}
    values = {"who": names.person(entry.actor), "details": "", "email": details.get("email", ""), "period": ""}
    if entry.object_type == "match":
        match = names.matches.get(int(entry.object_id)) if entry.object_id.isdigit() else None
        programme = names.programmes.get(match.programme_id) if match else None
        values["programme"] = shown_text(programme.title, programme.source_key) if programme else "ein Programm"
        values["member"] = names.member_name(match.member_id if match else details.get("member_id"))
        if details.get("reason"):
            values["details"] = f" Grund: {label(REJECT_REASON_LABELS, details['reason'])}."
        if details.get("note"):
            values["details"] += f" Notiz: {details['note']}"
    elif entry.action in BULK_ACTIONS:
        programme = names.programmes.get(int(entry.object_id)) if entry.object_id.isdigit() else None
        values["programme"] = shown_text(programme.title, programme.source_key) if programme else "mehrere Programme"
        count = int(details.get("count", 0))
        values["count"] = f"{count} Mitglied" if count == 1 else f"{count} Mitglieder"
        if details.get("reason"):
            values["details"] = f" Grund: {label(REJECT_REASON_LABELS, details['reason'])}."
        if details.get("note"):
            values["details"] += f" Notiz: {details['note']}"
    elif entry.object_type == "member":
        values["member"] = names.member_name(entry.object_id)
        if entry.action == "digest.release":
            values["period"] = week_label(str(details.get("period", "")))
            values["details"] = f" {len(details.get('match_ids', []))} Treffer."
        elif entry.action == "digest.send_now":
            values["period"] = week_label(str(details.get("period", "")))
            values["details"] = f" Versandte Mails: {details.get('mails', 0)}."
        elif entry.action == "fact.update" and details.get("fact") in FACT_FIELDS:
            name = details["fact"]
            old, new = value_label(name, details.get("old")), value_label(name, details.get("new"))
            values["details"] = f" {FACT_FIELDS[name].label}: jetzt {new} (vorher {old})."
    elif entry.object_type == "recipient":
        recipient = names.recipients.get(int(entry.object_id)) if entry.object_id.isdigit() else None
        values["email"] = values["email"] or (recipient.email if recipient else "")
        values["member"] = names.member_name(recipient.member_id if recipient else details.get("member_id"))
    elif entry.object_type == "invitation":
        members, mails = int(details.get("members", 0)), int(details.get("mails", 0))
        who = "Mitglied" if members == 1 else "Mitglieder"
        scope = " ohne bearbeitetes Profil" if details.get("scope") == "unbearbeitet" else ""
        values["details"] = f"{members} {who}{scope} ({mails} {'Mail' if mails == 1 else 'Mails'})"
    elif entry.object_type == "staffuser":
        account = names.staff_by_id.get(int(entry.object_id)) if entry.object_id.isdigit() else None
        values["account"] = (account.name or account.email) if account else details.get("email", "einem Konto")
    template = AUDIT_SENTENCES.get(entry.action)
    if template is None:
        return f"{values['who']}: {label(AUDIT_ACTION_NAMES, entry.action)}"
    return template.format_map(_Defaults(values))


class _Defaults(dict):
    """Placeholders an entry cannot fill stay readable instead of raising."""

    def __missing__(self, key: str) -> str:
        return {"programme": "ein Programm", "member": "ein Mitglied", "account": "einem Konto"}.get(key, "")

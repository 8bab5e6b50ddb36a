"""Member facts in the store: versions, the fact in force, corrections, and the seed file.

Each change of a fact adds a ``MemberFact`` row (nothing is overwritten), and a change of a value
someone relied on also adds an ``AuditLog`` entry, so the review page's Protokoll shows who changed
which fact, when and why. The seed never overwrites a fact that a person recorded (staff or an
import): re-running ``profiles seed`` after a correction keeps the correction.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from sqlmodel import Session, col, select

from core.member_facts import MemberFacts
from profiles.schema import FactDoc
from store.models import AuditLog, Member, MemberFact, row_id
from store.types import utcnow

SEED_FACTS = Path(__file__).resolve().parent / "member_facts.yaml"
SEED_ACTOR = "seed"
MIRRORED = ("ags", "bezirksregierung")  # facts the Member row repeats for quick use


class FactFileError(ValueError):
    """The bundled facts file cannot be read; names the line and the problem."""


def load_seed_facts(path: Path = SEED_FACTS) -> dict[str, dict[str, dict]]:
    """Facts by member slug and fact name, with the source keys resolved to web addresses."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    sources = data.get("sources") or {}
    facts: dict[str, dict[str, dict]] = {}
    for slug, entries in (data.get("members") or {}).items():
        facts[slug] = {}
        for name, entry in (entries or {}).items():
            entry = dict(entry)
            key = entry.get("source")
            if key:
                if key not in sources:
                    raise FactFileError(f"{path}: {slug}.{name}: Quelle {key!r} fehlt unter sources")
                entry["source"] = sources[key]["url"]
            facts[slug][name] = entry
    return facts


def _doc(row: MemberFact) -> FactDoc:
    return FactDoc(value=row.value, source=row.source, as_of=row.as_of, confidence=row.confidence, note=row.note)


def fact_history(session: Session, member_id: int) -> dict[str, list[MemberFact]]:
    """Every version of every fact of a member, newest first, by fact name."""
    rows = session.exec(
        select(MemberFact).where(MemberFact.member_id == member_id).order_by(col(MemberFact.id).desc())
    ).all()
    history: dict[str, list[MemberFact]] = {}
    for row in rows:
        history.setdefault(row.name, []).append(row)
    return history


def current_facts(session: Session, member_id: int) -> dict[str, MemberFact]:
    """The version in force of each fact of a member."""
    return {name: versions[0] for name, versions in fact_history(session, member_id).items()}


def stated_fact_docs(session: Session, member_id: int) -> dict[str, FactDoc]:
    """The facts in force as documents (for export and the profile file round trip)."""
    return {name: _doc(row) for name, row in current_facts(session, member_id).items()}


def member_facts(session: Session, member: Member) -> MemberFacts:
    """What the condition judge (``core.conditions.judge``) needs to know about a member."""
    values = {name: row.value for name, row in current_facts(session, row_id(member)).items()}
    return MemberFacts(kind=member.kind, values=values)


def record_fact(session: Session, member: Member, name: str, fact: FactDoc, actor: str) -> bool:
    """Store a fact as the member's new version; returns False when nothing changed (or the seed
    would overwrite what a person recorded). The caller commits."""
    current = current_facts(session, row_id(member)).get(name)
    if current is not None and _doc(current) == fact:
        return False
    if actor == SEED_ACTOR and current is not None and current.recorded_by != SEED_ACTOR:
        return False
    session.add(
        MemberFact(
            member_id=row_id(member),
            name=name,
            value=fact.value,
            source=fact.source,
            as_of=fact.as_of,
            confidence=fact.confidence,
            note=fact.note,
            recorded_by=actor,
            recorded_at=utcnow(),
        )
    )
    if current is not None and actor != SEED_ACTOR:
        session.add(
            AuditLog(
                actor=actor,
                action="fact.update",
                object_type="member",
                object_id=str(member.id),
                details={
                    "fact": name,
                    "old": current.value,
                    "new": fact.value,
                    "source": fact.source,
                    "as_of": _iso(fact.as_of),
                    "confidence": fact.confidence,
                    "note": fact.note,
                },
            )
        )
    if name in MIRRORED:
        setattr(member, name, fact.value or "")
        session.add(member)
    session.flush()
    return True


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None

"""Profile files in and out: YAML → validated documents → store, and back.

A file is checked whole before anything is written: one bad entry rejects the file with the line
and the problem, and the database stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlmodel import Session, col, select

from profiles.facts import SEED_ACTOR, SEED_FACTS, load_seed_facts, record_fact, stated_fact_docs
from profiles.schema import ProfileDoc, RecipientDoc, stated_facts
from store.models import Member, Profile, Recipient, row_id
from store.types import utcnow

SEED_DIR = Path(__file__).resolve().parent / "members"


class ProfileFileError(ValueError):
    """A profile file that cannot be imported; the message names the file, the line and the problem."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    recipients_added: int = 0
    recipients_removed: int = 0
    facts_changed: int = 0


def _node_line(node: yaml.Node | None, loc: tuple[object, ...]) -> int:
    """The 1-based line of the YAML node at a pydantic error location (as deep as it exists)."""
    for part in loc:
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        elif isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == part), None)
            if match is None:
                break
            node = match
        else:
            break
    return node.start_mark.line + 1 if node is not None else 1


def parse_profiles(text: str, source: str = "<eingabe>") -> list[ProfileDoc]:
    """Parse and validate a YAML text holding one profile, a list of them, or ``profiles: [...]``."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"Zeile {mark.line + 1}" if mark else "unbekannte Zeile"
        raise ProfileFileError(f"{source}, {where}: kein gültiges YAML ({getattr(exc, 'problem', exc)})") from None
    if data is None:
        raise ProfileFileError(f"{source}: die Datei ist leer")
    prefix: tuple = ()
    if isinstance(data, dict) and "profiles" in data:
        data, prefix = data["profiles"], ("profiles",)
    entries = data if isinstance(data, list) else [data]
    single = not isinstance(data, list)
    docs: list[ProfileDoc] = []
    for index, entry in enumerate(entries):
        path = prefix + (() if single else (index,))
        if not isinstance(entry, dict):
            line = _node_line(root, path)
            raise ProfileFileError(
                f"{source}, Zeile {line}: Eintrag {index + 1} ist kein Profil (Schlüssel: Wert erwartet)"
            )
        try:
            docs.append(ProfileDoc.model_validate(entry))
        except ValidationError as exc:
            error = exc.errors()[0]
            line = _node_line(root, path + tuple(error["loc"]))
            field_name = ".".join(str(p) for p in error["loc"]) or "Profil"
            message = error["msg"].removeprefix("Value error, ")
            label = entry.get("slug", f"Eintrag {index + 1}")
            raise ProfileFileError(f"{source}, Zeile {line} ({label}, Feld {field_name}): {message}") from None
    slugs = [d.slug for d in docs]
    doubles = sorted({s for s in slugs if slugs.count(s) > 1})
    if doubles:
        raise ProfileFileError(f"{source}: Kurzname mehrfach vergeben: {', '.join(doubles)}")
    return docs


def load_profiles_file(path: Path) -> list[ProfileDoc]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileFileError(f"{path}: nicht lesbar ({exc})") from None
    return parse_profiles(text, str(path))


def load_seed_profiles() -> list[ProfileDoc]:
    """The bundled profiles of the RVR members (one YAML file each in ``profiles/members``), each with
    its facts from ``profiles/member_facts.yaml``."""
    facts = load_seed_facts()
    docs: list[ProfileDoc] = []
    for path in sorted(SEED_DIR.glob("*.yaml")):
        for doc in load_profiles_file(path):
            try:
                docs.append(ProfileDoc.model_validate(doc.model_dump() | {"facts": facts.get(doc.slug, {})}))
            except ValidationError as exc:
                error = exc.errors()[0]
                where = ".".join(str(part) for part in error["loc"])
                raise ProfileFileError(f"{SEED_FACTS}, {doc.slug}, {where}: {error['msg']}") from None
    return docs


def seed_profiles(session: Session) -> tuple[int, ImportReport]:
    """Load the bundled members (caller commits); what people changed since is kept."""
    docs = load_seed_profiles()
    return len(docs), apply_profiles(session, docs, replace_recipients=False, actor=SEED_ACTOR)


def apply_profiles(
    session: Session, docs: list[ProfileDoc], *, replace_recipients: bool = True, actor: str = "import"
) -> ImportReport:
    """Create or update members, profiles, recipients and facts from documents (caller commits).

    With ``replace_recipients`` the file's recipients become the member's list (addresses missing
    from the file are removed); otherwise recipients are only added. A recipient's status
    (unsubscribed, suppressed) is kept when it stays on the list. Facts the document states become
    new versions where they differ (``actor`` is recorded with them); facts it leaves out stay.
    The seed (``actor="seed"``) only fills in: it replaces interests that are still its own preset
    and facts it recorded itself, never what a member or staff changed.
    """
    report = ImportReport()
    now = utcnow()
    seeding = actor == SEED_ACTOR
    for doc in docs:
        member = session.exec(select(Member).where(Member.slug == doc.slug)).first()
        if member is None:
            member = Member(slug=doc.slug, name=doc.name, kind=doc.kind)
            report.created.append(doc.slug)
        else:
            report.updated.append(doc.slug)
        for name in (
            "name",
            "kind",
            "kreis",
            "digest_frequency",
            "send_nothing_new",
            "auto_approve_score",
        ):
            setattr(member, name, getattr(doc, name))
        for name in ("ags", "bezirksregierung"):  # a stated fact sets these again below
            setattr(member, name, getattr(doc, name) or getattr(member, name))
        member.updated_at = now
        session.add(member)
        session.flush()
        for name, fact in stated_facts(doc.facts).items():
            report.facts_changed += record_fact(session, member, name, fact, actor)
        profile = session.exec(select(Profile).where(Profile.member_id == member.id)).first()
        if profile is None or not seeding or profile.preset:
            profile = profile or Profile(member_id=row_id(member))
            for name in (
                "preset",
                "interests",
                "keywords",
                "exclude",
                "topics",
                "excluded_topics",
                "funding_types",
                "min_score",
                "max_items",
            ):
                setattr(profile, name, getattr(doc, name))
            profile.updated_at = now
            session.add(profile)
        added, removed = _sync_recipients(session, member, doc.recipients, replace_recipients)
        report.recipients_added += added
        report.recipients_removed += removed
    session.flush()
    return report


def _sync_recipients(session: Session, member: Member, wanted: list[RecipientDoc], replace: bool) -> tuple[int, int]:
    existing = {r.email.casefold(): r for r in session.exec(select(Recipient).where(Recipient.member_id == member.id))}
    added = removed = 0
    for doc in wanted:
        recipient = existing.pop(doc.email.casefold(), None)
        if recipient is None:
            recipient = Recipient(member_id=row_id(member), email=doc.email)
            added += 1
        recipient.name, recipient.topics = doc.name, list(doc.topics)
        session.add(recipient)
    if replace:
        for recipient in existing.values():
            session.delete(recipient)
            removed += 1
    return added, removed


def profile_doc(session: Session, member: Member) -> ProfileDoc:
    """The document form of a stored member (for export and the web form)."""
    profile = session.exec(select(Profile).where(Profile.member_id == member.id)).first() or Profile(
        member_id=row_id(member)
    )
    recipients = session.exec(select(Recipient).where(Recipient.member_id == member.id).order_by(Recipient.email)).all()
    return ProfileDoc(
        slug=member.slug,
        name=member.name,
        kind=member.kind,
        kreis=member.kreis,
        ags=member.ags,
        bezirksregierung=member.bezirksregierung,
        preset=profile.preset,
        interests=profile.interests,
        keywords=profile.keywords,
        exclude=profile.exclude,
        topics=profile.topics,
        excluded_topics=profile.excluded_topics,
        funding_types=profile.funding_types,
        min_score=profile.min_score,
        max_items=profile.max_items,
        digest_frequency=member.digest_frequency,
        send_nothing_new=member.send_nothing_new,
        auto_approve_score=member.auto_approve_score,
        recipients=[RecipientDoc(email=r.email, name=r.name, topics=r.topics) for r in recipients],
        facts=stated_fact_docs(session, row_id(member)),
    )


def export_profiles(session: Session, slugs: list[str] | None = None) -> str:
    """All (or the named) members as a YAML list that ``parse_profiles`` reads back unchanged."""
    query = select(Member).order_by(Member.slug)
    if slugs:
        query = query.where(col(Member.slug).in_(slugs))
    docs = []
    for member in session.exec(query):
        data = profile_doc(session, member).model_dump(exclude_defaults=False)
        data["facts"] = {name: fact for name, fact in data["facts"].items() if fact is not None}
        docs.append(data)
    return yaml.safe_dump(docs, allow_unicode=True, sort_keys=False, width=100)

"""One programme, several sources: link records that describe the same programme.

The rule is deliberately conservative — a wrong link would hide a programme behind another one in
the digest, a missed link only shows it twice. Two records of *different* sources are linked when

- they point to the same page (normalised URL of the record or of one of its links), or
- their normalised titles are equal, the title is specific (at least 8 characters and not a
  generic word such as "Förderprogramm") and their levels agree (a federal product listed by
  NRW.BANK is level "bund" like its Förderdatenbank entry).

Within one source, a yearly calendar entry is linked to the programme it was read from
(``extra["programme_key"]``): it is that programme's deadline, not a programme of its own, so a
member hears of the programme once, not twice with the same page.

Rule links are recomputed on every call; staff decisions (method "staff", linked or vetoed) are
never touched and take precedence over the rule for their pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from itertools import combinations
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from store.links import effective_links
from store.models import Programme, ProgrammeLink

RULE = "rule"
STAFF = "staff"
MIN_TITLE_LENGTH = 8
# Titles too generic to identify a programme on their own.
GENERIC_TITLES = frozenset(
    {
        "foerderprogramm",
        "foerderung",
        "zuschuss",
        "darlehen",
        "kredit",
        "programm",
        "foerderprogramme",
        "aufruf",
        "bekanntmachung",
        "richtlinie",
    }
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise_title(title: str) -> str:
    """Lowercase ASCII words: umlauts transliterated, punctuation and dashes dropped."""
    text = unicodedata.normalize("NFC", title or "").casefold().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalise_url(url: str) -> str:
    """Host without www and path without trailing slash or index file; "" for a bare site root."""
    parts = urlsplit((url or "").strip())
    host = (parts.hostname or "").removeprefix("www.")
    path = re.sub(r"/(?:index\.html?)?$", "", parts.path)
    return f"{host}{path}" if host and path else ""


def _urls(programme: Programme) -> set[str]:
    found = {normalise_url(programme.url)}
    found |= {normalise_url(str(link.get("url", ""))) for link in programme.links or [] if isinstance(link, dict)}
    return found - {""}


def _title_key(programme: Programme) -> str:
    title = normalise_title(programme.title)
    if len(title) < MIN_TITLE_LENGTH or title in GENERIC_TITLES:
        return ""
    return f"{programme.level}|{title}"


def rule_pairs(programmes: list[Programme]) -> dict[tuple[int, int], str]:
    """(smaller id, larger id) → reason, for every pair of records the rule links."""
    groups: dict[str, list[Programme]] = defaultdict(list)
    for programme in programmes:
        for url in _urls(programme):
            groups[f"url:{url}"].append(programme)
        title = _title_key(programme)
        if title:
            groups[f"title:{title}"].append(programme)
    pairs: dict[tuple[int, int], str] = {}
    for key, members in groups.items():
        for a, b in combinations(members, 2):
            if a.source_key == b.source_key or a.id == b.id:
                continue
            pair = _pair(a, b)
            reason = (
                ("gleiche Adresse " + key[4:]) if key.startswith("url:") else ("gleicher Titel " + key.split("|", 1)[1])
            )
            pairs.setdefault(pair, reason)
    by_key = {(p.source_key, p.natural_key): p for p in programmes}
    for entry in programmes:
        parent = by_key.get((entry.source_key, (entry.extra or {}).get("programme_key", "")))
        if entry.kind == "calendar" and parent is not None and parent.id != entry.id:
            pair = _pair(entry, parent)
            pairs.setdefault(pair, "jährliche Frist dieses Programms")
    return pairs


def link_programmes(engine: Engine) -> int:
    """Recompute the rule links over all current programmes; returns the number of links created."""
    with Session(engine) as session:
        programmes = list(session.exec(select(Programme).where(col(Programme.removed_at).is_(None))).all())
        wanted = rule_pairs(programmes)
        existing = {(link.programme_id, link.other_id): link for link in session.exec(select(ProgrammeLink)).all()}
        staff_pairs = {tuple(sorted(pair)) for pair, link in existing.items() if link.method == STAFF}
        created = 0
        for pair, link in existing.items():
            if link.method == RULE and (pair not in wanted or pair in staff_pairs):
                session.delete(link)
        for pair, reason in wanted.items():
            if pair in staff_pairs or pair in existing:
                continue
            session.add(ProgrammeLink(programme_id=pair[0], other_id=pair[1], method=RULE, reason=reason))
            created += 1
        session.commit()
    return created


def linked_programme_ids(session: Session, programme_id: int) -> list[int]:
    """Ids of the records linked directly to ``programme_id`` (staff vetoes respected)."""
    return sorted(b if a == programme_id else a for a, b in effective_links(session) if programme_id in (a, b))


def _pair(a: Programme, b: Programme) -> tuple[int, int]:
    """The two ids of a link, smaller first (both rows are stored, so both have ids)."""
    assert a.id is not None and b.id is not None
    return (min(a.id, b.id), max(a.id, b.id))

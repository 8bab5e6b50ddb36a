"""Grades of a judged set derived from the sources' own categories, never from matcher output.

Each profile of a graded judgments file carries a hidden ``grading`` spec beside its profile fields
(the evaluation hands the matcher only the profile fields):

    "grading": {"fits": [...], "related": [...], "overrides": [{"url": ..., "grade": 0|1|2, "why": ...}]}

``fits`` and ``related`` list source categories that answer the profile's interests:

- ``umwelt_naturschutz``: a Förderbereich code (``funding_areas``);
- ``umwelt_naturschutz.naturschutz_landschaftspflege``: a Förderbereich sub-area (``funding_subareas``);
- ``art:darlehen``: a Förderart code (``funding_types``);
- ``eu:HORIZON-MISS-*-CLIMA-*``: a pattern over the EU topic or call identifier (``extra.identifier``),
  whose parts name the programme, cluster/mission and destination the Commission filed it under.

A programme's grade is 2 when one of its categories is in ``fits``, else 1 when one is in
``related``, else 0; an override replaces that topic grade (each says why). Eligibility comes last
and always wins: a programme the member cannot use on the evaluation day is graded 0 (see
``unusable_reason``). Everything is read from the programme fields as stored, so the same files
always give the same grades.

    python -m matcher.grading matcher/evaluation_data/clerk_judgments.json   # rewrites "relevance"
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from core.vocab import APPLICANTS_BY_MEMBER_KIND, HOME_REGION_ALIASES, HOME_REGIONS, labels_table

FITS, RELATED = 2, 1
EU_PREFIX, FUNDING_TYPE_PREFIX = "eu:", "art:"


class GradingError(ValueError):
    """A grading spec that cannot be applied; the message names the profile and the entry."""


def _known_dates(programme: dict[str, Any]) -> list[str]:
    found = list(programme.get("deadlines") or [])
    found += [programme[name] for name in ("next_deadline", "last_deadline") if programme.get(name)]
    return found


def unusable_reason(programme: dict[str, Any], kind: str, today: date) -> str | None:
    """Why a member of this kind cannot use the programme on ``today``, from what the source states.

    - closed: the source says applications are no longer possible (``closed`` or status "closed");
    - deadline passed: every date the source gives lies before today and it is not rolling;
    - another Land: the Fördergebiet codes name no region the Ruhr belongs to (Bund, NRW, EU), or
      a Land programme names no Fördergebiet at all;
    - not for this member: the Förderberechtigte codes do not include the member's kind; an EU call
      without such codes must name local authorities, municipalities or public bodies
      (``municipal_signals``); any other programme without codes is not shown to be open to it.
    """
    if programme.get("closed") or programme.get("status") == "closed":
        return "geschlossen"
    known = _known_dates(programme)
    if known and not programme.get("rolling") and max(known) < today.isoformat():
        return "Frist abgelaufen"
    regions = {r.casefold() for r in programme.get("regions") or []}
    if regions and not regions & (HOME_REGIONS | HOME_REGION_ALIASES):
        return "anderes Bundesland"
    if not regions and programme.get("level") == "land":
        return "anderes Bundesland"
    applicants = set(programme.get("eligible_applicants") or [])
    if applicants:
        return None if applicants & APPLICANTS_BY_MEMBER_KIND[kind] else "nicht für dieses Mitglied"
    if programme.get("level") == "eu" and programme.get("municipal_signals"):
        return None
    return "nicht für dieses Mitglied"


def _identifier(programme: dict[str, Any]) -> str:
    return str((programme.get("extra") or {}).get("identifier") or "")


def _matches(entry: str, programme: dict[str, Any]) -> bool:
    if entry.startswith(EU_PREFIX):
        identifier = _identifier(programme)
        return bool(identifier) and fnmatchcase(identifier.upper(), entry[len(EU_PREFIX) :].upper())
    if entry.startswith(FUNDING_TYPE_PREFIX):
        return entry[len(FUNDING_TYPE_PREFIX) :] in (programme.get("funding_types") or [])
    if "." in entry:
        return entry in (programme.get("funding_subareas") or [])
    return entry in (programme.get("funding_areas") or [])


def _check_entry(slug: str, entry: str) -> None:
    """Codes must exist in the Förderdatenbank vocabulary: a typo would silently grade nothing."""
    if entry.startswith(EU_PREFIX):
        return
    if entry.startswith(FUNDING_TYPE_PREFIX):
        kind, code = "foerderart", entry[len(FUNDING_TYPE_PREFIX) :]
    else:
        kind, code = ("unterfoerderbereich" if "." in entry else "foerderbereich"), entry
    if code not in labels_table(kind):
        raise GradingError(f"Profil {slug}: unbekannter Kategorie-Code {entry!r}")


def topic_grade(spec: dict[str, Any], programme: dict[str, Any]) -> int:
    """The grade the categories alone give (before overrides and eligibility)."""
    if any(_matches(entry, programme) for entry in spec.get("fits", [])):
        return FITS
    if any(_matches(entry, programme) for entry in spec.get("related", [])):
        return RELATED
    return 0


def topic_grades(profile: dict[str, Any], programmes: list[dict[str, Any]]) -> dict[str, int]:
    """Programme URL → grade ≥ 1 from the categories and overrides alone, before eligibility."""
    slug, spec = profile["slug"], profile.get("grading")
    if not isinstance(spec, dict):
        raise GradingError(f"Profil {slug}: keine Bewertungsregeln (grading)")
    for entry in [*spec.get("fits", []), *spec.get("related", [])]:
        _check_entry(slug, entry)
    overrides = {}
    known_urls = {p["url"] for p in programmes}
    for override in spec.get("overrides", []):
        if override.get("url") not in known_urls or override.get("grade") not in (0, 1, 2) or not override.get("why"):
            raise GradingError(f"Profil {slug}: Ausnahme braucht eine bekannte url, grade 0–2 und why: {override}")
        overrides[override["url"]] = override["grade"]
    grades = {p["url"]: overrides.get(p["url"], topic_grade(spec, p)) for p in programmes}
    return {url: grade for url, grade in grades.items() if grade}


def grade_profile(profile: dict[str, Any], programmes: list[dict[str, Any]], today: date) -> dict[str, int]:
    """Programme URL → grade ≥ 1 for one profile: topic grades of the programmes it can use."""
    by_url = {p["url"]: p for p in programmes}
    return {
        url: grade
        for url, grade in sorted(topic_grades(profile, programmes).items())
        if unusable_reason(by_url[url], profile["kind"], today) is None
    }


def grade_file(path: Path) -> dict[str, Any]:
    """The judgments document of ``path`` with every profile's ``relevance`` derived anew."""
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    today = date.fromisoformat(doc["today"])
    programmes = json.loads((path.parent / doc["programmes"]).read_text(encoding="utf-8"))
    for profile in doc["profiles"]:
        profile["relevance"] = grade_profile(profile, programmes, today)
    return doc


def dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> None:
    """Rewrite the relevance of a judgments file; print per profile what fits and what it cannot use."""
    path = Path(argv[0])
    doc = grade_file(path)
    path.write_text(dump(doc), encoding="utf-8")
    programmes = {p["url"]: p for p in json.loads((path.parent / doc["programmes"]).read_text(encoding="utf-8"))}
    today = date.fromisoformat(doc["today"])
    for profile in doc["profiles"]:
        grades = list(profile["relevance"].values())
        unusable = Counter(
            unusable_reason(programmes[url], profile["kind"], today)
            for url in topic_grades(profile, list(programmes.values()))
            if url not in profile["relevance"]
        )
        print(
            f"{profile['slug']:42} {grades.count(2):3} passt {grades.count(1):3} verwandt"
            f"   nach Thema, aber nicht nutzbar: {dict(sorted(unusable.items()))}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])

"""Programme field dicts from the shared corpus records, for the judged set and the benchmarks.

The corpus (``../shared/corpus``) holds Förderdatenbank and EU portal records in their export
shape. The matcher's evaluation must run offline from the repository, so this script writes the
records, mapped onto ``store.Programme`` fields with their texts unchanged, to
``matcher/evaluation_data/programmes.json``. Run it again only when the corpus changes:

    python bench/corpus_programmes.py ../shared/corpus matcher/evaluation_data/programmes.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
# Phrases of EU call texts that name local authorities as participants (the "municipal signals").
_EU_MUNICIPAL = re.compile(
    r"\b(local and regional authorities|regional and local authorities|local authorities|municipalities|cities)\b",
    re.IGNORECASE,
)


def _dates(text: str) -> list[str]:
    return sorted({f"{y}-{int(m):02d}-{int(d):02d}" for d, m, y in _DATE.findall(text or "")})


def fdb_fields(record: dict) -> dict:
    """A Förderdatenbank corpus record as Programme fields (texts unmodified)."""
    note = record.get("status_note") or ""
    closed = "nicht mehr möglich" in note
    return {
        "source_key": "foerderdatenbank",
        "natural_key": record["id_url"],
        "url": record["url"],
        "title": record["title"],
        "teaser_text": record.get("short_description") or "",
        "description_text": record.get("description") or "",
        "eligibility_text": record.get("legal_requirements") or "",
        "legal_text": record.get("legal_basis") or "",
        "deadline_text": record.get("deadlines") or "",
        "status_note": note,
        "keywords": record.get("keywords") or "",
        "level": (record.get("funding_body") or ["bund"])[0],
        "funding_types": record.get("funding_type") or [],
        "funding_areas": record.get("funding_area") or [],
        "funding_subareas": record.get("funding_subarea") or [],
        "regions": record.get("funding_location") or [],
        "eligible_applicants": record.get("eligible_applicants") or [],
        "municipal_signals": [],
        "deadlines": _dates(record.get("deadlines") or ""),
        "closed": closed,
        "status": "closed" if closed else ("forthcoming" if "in Erstellung" in note else "open"),
        "rolling": False,
        "attribution": record.get("license_info") or "",
    }


def eu_fields(record: dict) -> dict:
    """An EU portal topic as Programme fields; the stale portal status is replaced by the deadline."""
    signals = sorted({m.casefold() for m in _EU_MUNICIPAL.findall(record.get("description") or "")})
    deadline = record.get("application_deadline")
    return {
        "source_key": "eu_sedia",
        "natural_key": record["url"].rstrip("/").rsplit("/", 1)[-1],
        "url": record["url"],
        "title": record["name"],
        "teaser_text": "",
        "description_text": record.get("description") or "",
        "eligibility_text": "",
        "legal_text": "",
        "deadline_text": deadline or "",
        "status_note": "",
        "keywords": "",
        "level": "eu",
        "funding_types": ["zuschuss"],
        "funding_areas": [],
        "funding_subareas": [],
        "regions": ["eu"],
        "eligible_applicants": [],
        "municipal_signals": signals,
        "deadlines": [deadline] if deadline else [],
        "closed": False,
        "status": "open",
        "rolling": False,
        "attribution": "Quelle: EU Funding & Tenders Portal, Weiterverwendung nach Beschluss 2011/833/EU",
    }


def corpus_programmes(corpus_dir: Path) -> list[dict]:
    fdb = json.loads((corpus_dir / "fdb_programmes.json").read_text(encoding="utf-8"))
    eu = json.loads((corpus_dir / "eu_topics.json").read_text(encoding="utf-8"))
    return [fdb_fields(r) for r in fdb] + [eu_fields(r) for r in eu]


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    programmes = corpus_programmes(source)
    target.write_text(json.dumps(programmes, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(programmes)} programmes written to {target}")

"""Generate a full-size Förderdatenbank export ZIP for benchmarks (not shipped as content).

The real export holds ~2,500 programmes in ~10,000 documents. This writes that many from the real
records of the demo snapshot, varying keys, titles, contacts and link URLs mechanically so every
programme and linked document is distinct (texts themselves are the real ones, unedited).

    python bench/generate_fdb_export.py [--programmes 2500] [--out /tmp/fdb-bench-export.zip]
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from crawler.spiders.foerderdatenbank.export_parser import parse_export
from crawler.spiders.foerderdatenbank.export_writer import ExportWriter

SNAPSHOT = Path(__file__).resolve().parents[1] / "foerderradar" / "demo_data" / "foerderdatenbank-export.zip"
DEFAULT_OUT = Path("/tmp/fdb-bench-export.zip")


def _records_from_snapshot() -> list[dict]:
    """The snapshot's programmes back in corpus-record shape (so the benchmark needs nothing outside the repository)."""
    records = []
    for item in parse_export(SNAPSHOT.read_bytes(), today=date(2026, 1, 1)).items:
        contact = item["contact"]
        records.append(
            {
                "url": item["url"],
                "title": item["title"],
                "short_description": item["teaser_text"],
                "description": item["description_text"],
                "legal_requirements": item["eligibility_text"],
                "legal_basis": item["legal_text"],
                "deadlines": item["deadline_text"],
                "status_note": item["status_note"],
                "keywords": item["keywords"],
                "date_of_issue": item["extra"]["date_of_issue"],
                "eligible_applicants": item["eligible_applicants"],
                "funding_area": item["funding_areas"],
                "funding_subarea": item["funding_subareas"],
                "funding_location": item["regions"],
                "funding_type": item["funding_types"],
                "funding_body": item["extra"]["foerdergeber"],
                "funding_organisation": [],
                "contact": {
                    "institution": contact.get("name", ""),
                    **{
                        k: contact[k]
                        for k in ("road", "house_id", "zip_code", "city", "email", "phone", "website")
                        if k in contact
                    },
                },
                "further_links": item["links"],
            }
        )
    return records


def generate(programmes: int) -> bytes:
    records = _records_from_snapshot()
    writer = ExportWriter()
    for number in range(programmes):
        record = dict(records[number % len(records)])
        base = record["url"].split("foerderdatenbank.de", 1)[1].removesuffix(".html")
        record["contact"] = dict(record["contact"], institution=f"{record['contact']['institution']} #{number}")
        record["further_links"] = [dict(link, url=f"{link['url']}#bench-{number}") for link in record["further_links"]]
        writer.programme(record, key=f"/BMWI{base}-bench-{number}", title=f"{record['title']} [Bench {number}]")
    return writer.to_zip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programmes", type=int, default=2500)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    data = generate(args.programmes)
    args.out.write_bytes(data)
    print(f"{args.out}: {len(data) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

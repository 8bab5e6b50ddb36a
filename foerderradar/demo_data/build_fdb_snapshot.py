"""Build the bundled Förderdatenbank demo snapshot ``foerderdatenbank-export.zip``.

The demo crawls this ZIP with the real export spider, so it is written in the real export format:
the 50 real programme records of the research collection's ``corpus/fdb_programmes.json`` (via
``crawler.spiders.foerderdatenbank.export_writer``) plus the 3 real programme documents saved from a
2026 export and every document they link to (the collection's ``sources/foerderdatenbank/export_xml``,
copied byte for byte, including the real ``\\x02`` defect). Texts are not edited (CC BY-ND 4.0).

Beside the ZIP it writes ``foerderdatenbank-export.records.json``: every programme the ZIP holds,
with its public URL, where the record comes from and its licence line, so a reader (and a test) can
see that the demo carries real records only.

The output is reproducible (sorted entries, fixed timestamps), so re-running it on unchanged input
gives identical bytes. Run from the repository root:

    python foerderradar/demo_data/build_fdb_snapshot.py --shared RESEARCH_FOLDER [--out PATH]

``RESEARCH_FOLDER`` is the project's collection of saved source responses and corpus records, kept
outside the repository. The ZIP is committed; the demo itself never needs that folder.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from crawler.spiders.foerderdatenbank.export_parser import ATTRIBUTION, parse_export
from crawler.spiders.foerderdatenbank.export_writer import ExportWriter

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "foerderdatenbank-export.zip"
RECORDS = HERE / "foerderdatenbank-export.records.json"
CORPUS_ORIGIN = "CorrelAid-Export der Förderdatenbank (foederierter-datenpool/funding-directory-builder @ 3117e897)"
EXPORT_ORIGIN = "Programmdokument eines Exports der Förderdatenbank von 2026"


def _corpus(shared: Path) -> list[dict]:
    return json.loads((shared / "corpus" / "fdb_programmes.json").read_text(encoding="utf-8"))


def build_snapshot(shared: Path) -> bytes:
    """The snapshot ZIP built from the shared corpus and the saved real export documents."""
    writer = ExportWriter()
    writer.add_tree(shared / "sources" / "foerderdatenbank" / "export_xml")  # first: corpus records link to them
    for record in _corpus(shared):
        writer.programme(record)
    return writer.to_zip()


def record_list(snapshot: bytes, shared: Path) -> list[dict]:
    """Every programme of the ZIP with its public URL, origin and licence line."""
    corpus = {record["url"]: record for record in _corpus(shared)}
    listed = []
    for item in parse_export(snapshot, today=date(2026, 1, 1)).items:
        record = corpus.get(item["url"])
        listed.append(
            {
                "url": item["url"],
                "title": item["title"],
                "origin": f"{CORPUS_ORIGIN}, Datensatz {record['id_url']}" if record else EXPORT_ORIGIN,
                "licence": record["license_info"] if record else ATTRIBUTION,
            }
        )
    return sorted(listed, key=lambda entry: entry["url"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, required=True, help="the research folder (corpus/, sources/)")
    parser.add_argument("--out", type=Path, default=SNAPSHOT, help="where to write the ZIP")
    args = parser.parse_args()
    data = build_snapshot(args.shared)
    args.out.write_bytes(data)
    records = record_list(data, args.shared)
    args.out.with_name(RECORDS.name).write_text(
        json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{args.out}: {len(data)} bytes, {len(records)} programmes")


if __name__ == "__main__":
    main()

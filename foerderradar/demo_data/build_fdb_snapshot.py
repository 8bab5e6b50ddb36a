"""Build the bundled Förderdatenbank demo snapshot ``foerderdatenbank-export.zip``.

The demo crawls this ZIP with the real export spider, so it is written in the real export format:
the 50 real programme records of ``../shared/corpus/fdb_programmes.json`` (via
``crawler.spiders.foerderdatenbank.export_writer``) plus the 3 real programme documents saved from a
2026 export and every document they link to (``../shared/sources/foerderdatenbank/export_xml``,
copied byte for byte, including the real ``\\x02`` defect). Texts are not edited (CC BY-ND 4.0).

The output is reproducible (sorted entries, fixed timestamps), so re-running it on unchanged input
gives identical bytes. Run from the repository root:

    python foerderradar/demo_data/build_fdb_snapshot.py [--shared ../shared] [--out PATH]

The ZIP is committed; the demo itself never needs ``../shared``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from crawler.spiders.foerderdatenbank.export_writer import ExportWriter

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "foerderdatenbank-export.zip"
DEFAULT_SHARED = HERE.parents[2] / "shared"


def build_snapshot(shared: Path) -> bytes:
    """The snapshot ZIP built from the shared corpus and the saved real export documents."""
    records = json.loads((shared / "corpus" / "fdb_programmes.json").read_text(encoding="utf-8"))
    writer = ExportWriter()
    writer.add_tree(shared / "sources" / "foerderdatenbank" / "export_xml")  # first: corpus records link to them
    for record in records:
        writer.programme(record)
    return writer.to_zip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the ../shared folder")
    parser.add_argument("--out", type=Path, default=SNAPSHOT, help="where to write the ZIP")
    args = parser.parse_args()
    data = build_snapshot(args.shared)
    args.out.write_bytes(data)
    print(f"{args.out}: {len(data)} bytes")


if __name__ == "__main__":
    main()

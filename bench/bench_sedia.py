"""Benchmark: parse and upsert 1,500 SEDIA topic rows generated from the saved real rows.

A real run brings 1,000–1,500 rows (NOTES §4.4). The rows are the saved ones, repeated with
distinct identifiers, so texts and JSON-in-string fields have their real sizes. Prints seconds for
parsing (dedupe + row → item) and for the first and a second, unchanged upsert, and peak RSS.

    python bench/bench_sedia.py [--rows 1500] [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from crawler.spiders.eu_sedia import rows as sedia_rows
from foerderradar.demo_sources import DEMO_DATA
from store.db import create_all, make_engine
from store.ingest import Ingest


def generated_rows(count: int) -> list[dict]:
    saved = []
    for path in sorted((DEMO_DATA / "eu_sedia").glob("*.json")):
        saved += [r for r in json.loads(path.read_text(encoding="utf-8"))["results"] if sedia_rows.is_live_row(r)]
    out = []
    for number in range(count):
        row = json.loads(json.dumps(saved[number % len(saved)]))
        row["reference"] = f"{number}{row['reference']}"
        row["metadata"]["identifier"] = [f"{row['metadata']['identifier'][0]}-B{number:05d}"]
        out.append(row)
    return out


def upsert(engine, items: list[dict]) -> float:
    started = time.perf_counter()
    ingest = Ingest(engine, "eu_sedia", level="eu")
    for item in items:
        ingest.add(item)
    ingest.finish(complete=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    rows = generated_rows(args.rows)
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    schema = f"bench_sedia_{uuid.uuid4().hex[:8]}"
    if url.startswith("postgresql"):  # a schema of its own, dropped afterwards: never touch existing tables
        admin = make_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    engine = make_engine(url)
    create_all(engine)
    started = time.perf_counter()
    items = [sedia_rows.row_to_item(r, today=date(2026, 11, 26), facet_labels={}) for r in sedia_rows.dedupe(rows)]
    parse_seconds = time.perf_counter() - started
    first = upsert(engine, items)
    second = upsert(engine, items)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"SEDIA rows: {len(rows)}, items: {len(items)}, database: {engine.dialect.name}")
    print(f"parse (dedupe + row → item): {parse_seconds:.2f} s ({1000 * parse_seconds / len(rows):.2f} ms/row)")
    print(f"upsert, first run (all new):  {first:.2f} s")
    print(f"upsert, second run (unchanged): {second:.2f} s")
    print(f"peak RSS: {peak_mb:.0f} MB")
    engine.dispose()
    if engine.dialect.name == "postgresql":
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()

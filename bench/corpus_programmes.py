"""Every real programme record the project holds, as a crawl would store it: the evaluation programmes.

The matcher's evaluation must run offline from the repository, so this script converts the real
records of the shared folder with the crawler's own parsers and writes the items (with the
``source_key`` the spider would give them) to ``matcher/evaluation_data/programmes.json``:

- the 50 Förderdatenbank records of ``corpus/fdb_programmes.json`` and the 3 programme documents of
  the saved export (``sources/foerderdatenbank/export_xml``): written into one export ZIP exactly as
  the demo snapshot is (``ExportWriter``), read back by the export spider's parser;
- the saved Förderdatenbank detail pages (``sources/foerderdatenbank/html/detail*.html``): the HTML
  spider's ``parse_detail_page`` (the export item wins when both describe the same programme);
- the saved NRW.BANK product page (``sources/nrw/nrwbank_foerderprodukt_*.html``): ``parse_product``;
- the rows of every saved SEDIA search response (``sources/eu-funding-tenders``): deduplicated by
  identifier and turned into items by the SEDIA spider's ``rows`` module. Archive copies
  (``SEDIA_PRD_CENTRICITY``), which a live crawl drops, are kept: their topics are real and their
  dates decide their status like any other row's;
- the 50 EU topics of ``corpus/eu_topics.json``: not in SEDIA's row shape, so they are mapped field
  by field with the same helpers (topic URL, status from the dates, local-authority signals); a
  topic listed twice with two deadlines becomes one programme with both, as SEDIA holds it. A SEDIA
  row of the same identifier wins.

Texts are kept as the parsers produce them (Förderdatenbank: CC BY-ND 4.0, BMWE; every item keeps
its URL and attribution line). The unmodified source markup (``raw``) is left out: the matcher
never reads it. Status, deadlines and "closed" depend on the crawl day, so the items are parsed as
if crawled on the evaluation day of the judged sets. Re-run when a source file changes:

    python bench/corpus_programmes.py SHARED_DIR matcher/evaluation_data/programmes.json [--today 2022-03-01]
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from crawler.spiders.eu_sedia import rows
from crawler.spiders.foerderdatenbank.export_parser import parse_export
from crawler.spiders.foerderdatenbank.export_writer import ExportWriter
from crawler.spiders.foerderdatenbank.html_parser import parse_detail_page
from crawler.spiders.nrw.nrwbank import parse_product

EVALUATION_DAY = date(2022, 3, 1)  # the "today" of matcher/evaluation_data/*judgments.json


def _stored(item: dict, source_key: str) -> dict:
    """An item as a JSON-ready dict of Programme fields (dates as ISO strings, ``raw`` left out)."""
    fields = {"source_key": source_key}
    for name, value in item.items():
        if name != "raw":
            fields[name] = value.isoformat() if isinstance(value, date) else value
    return fields


def fdb_export_items(shared: Path, today: date) -> list[dict]:
    """Corpus records + the saved export documents, through the export writer and parser."""
    writer = ExportWriter()
    writer.add_tree(shared / "sources" / "foerderdatenbank" / "export_xml")
    for record in json.loads((shared / "corpus" / "fdb_programmes.json").read_text(encoding="utf-8")):
        writer.programme(record)
    return [_stored(item, "foerderdatenbank") for item in parse_export(writer.to_zip(), today=today).items]


def fdb_html_items(shared: Path, today: date) -> list[dict]:
    """The saved detail pages, read by the HTML spider's parser."""
    pages = sorted((shared / "sources" / "foerderdatenbank" / "html").glob("detail*.html"))
    return [
        _stored(parse_detail_page(page.read_text(encoding="utf-8"), url=page.name, today=today), "foerderdatenbank")
        for page in pages
    ]


def nrwbank_items(shared: Path) -> list[dict]:
    pages = sorted((shared / "sources" / "nrw").glob("nrwbank_foerderprodukt_*.html"))
    return [_stored(parse_product(page.read_text(encoding="utf-8")), "nrwbank") for page in pages]


def _response_rows(payload: dict) -> list[dict]:
    """Result rows of a saved response: a search envelope (``results``) or the annotated excerpt
    holding single rows under ``open``/``closed``."""
    if isinstance(payload.get("results"), list):
        return payload["results"]
    return [payload[key] for key in ("open", "closed") if isinstance(payload.get(key), dict)]


def sedia_items(shared: Path, today: date) -> list[dict]:
    found = []
    for path in sorted((shared / "sources" / "eu-funding-tenders").glob("*.json")):
        found += [row for row in _response_rows(json.loads(path.read_text(encoding="utf-8"))) if rows.meta(row)]
    return [_stored(rows.row_to_item(row, today=today, facet_labels={}), "eu_sedia") for row in rows.dedupe(found)]


def eu_corpus_items(shared: Path, today: date) -> list[dict]:
    """The corpus EU topics, one item per identifier, derived as the SEDIA rows module derives a row's."""
    by_identifier: dict[str, list[dict]] = {}
    for record in json.loads((shared / "corpus" / "eu_topics.json").read_text(encoding="utf-8")):
        by_identifier.setdefault(record["url"].rstrip("/").rsplit("/", 1)[-1], []).append(record)
    items = []
    for identifier, records in by_identifier.items():
        record = records[0]
        deadlines = sorted(
            {date.fromisoformat(r["application_deadline"]) for r in records if r.get("application_deadline")}
        )
        model = (record.get("deadline_model") or "").replace("_", "-")  # SEDIA writes "two-stage"
        status, next_deadline = rows.derive_status(None, deadlines, model, today)
        description = record.get("description") or ""  # plain text already: kept as it is
        title = " ".join(record["name"].split())
        item = {
            "natural_key": identifier,
            "url": rows.TOPIC_URL + identifier,
            "kind": "call",
            "title": title,
            "teaser_text": "",
            "description_text": description,
            "eligibility_text": "",
            "deadline_text": model,
            "keywords": "",
            "level": "eu",
            "funder": "Europäische Kommission",
            "funding_types": ["zuschuss"],
            "regions": ["eu"],
            "municipal_signals": rows.municipal_signals(description, title),
            "status": status,
            "next_deadline": next_deadline,
            "last_deadline": deadlines[-1] if deadlines else None,
            "deadlines": [d.isoformat() for d in deadlines],
            "closed": status == "closed",
            "attribution": rows.ATTRIBUTION,
            "extra": {"identifier": identifier, "deadline_model": model, "corpus_ids": [r["id"] for r in records]},
        }
        items.append(_stored(item, "eu_sedia"))
    return items


def _dedupe(items: list[dict]) -> list[dict]:
    """One programme per (source, identifier) and per URL; the first listed wins.

    Judgments name programmes by URL. Two cascade calls of one EU project share one portal page
    in the saved rows (two internship offers): only the first is kept.
    """
    kept: list[dict] = []
    seen: set[tuple[str, str] | str] = set()
    for item in items:
        keys = {(item["source_key"], item["natural_key"]), item["url"]}
        if not keys & seen:
            kept.append(item)
        seen |= keys
    return kept


def evaluation_programmes(shared: Path, today: date = EVALUATION_DAY) -> list[dict]:
    return _dedupe(
        fdb_export_items(shared, today)
        + fdb_html_items(shared, today)
        + nrwbank_items(shared)
        + sedia_items(shared, today)
        + eu_corpus_items(shared, today)
    )


def corpus_programmes(shared: Path, today: date = EVALUATION_DAY) -> list[dict]:
    """Only the Förderdatenbank programmes, for generating benchmark programmes from real sentences."""
    return fdb_export_items(shared, today)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shared", type=Path, help="the shared folder (holding corpus/ and sources/)")
    parser.add_argument("target", type=Path, help="the programmes file to write")
    parser.add_argument("--today", type=date.fromisoformat, default=EVALUATION_DAY, help="crawl day (JJJJ-MM-TT)")
    args = parser.parse_args()
    programmes = evaluation_programmes(args.shared, args.today)
    args.target.write_text(json.dumps(programmes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    by_source: dict[str, int] = {}
    for programme in programmes:
        by_source[programme["source_key"]] = by_source.get(programme["source_key"], 0) + 1
    print(f"{len(programmes)} programmes written to {args.target}: {by_source}")


if __name__ == "__main__":
    main()

"""Upsert behaviour of store.ingest: revisions, counts and the removal rule."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from crawler.spiders.foerderdatenbank.export_parser import parse_export
from crawler.spiders.foerderdatenbank.export_writer import ExportWriter
from store.ingest import Ingest
from store.models import CrawlRun, Programme, ProgrammeRevision

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _item(key: str, **fields) -> dict:
    return {
        "natural_key": key,
        "title": f"Programm {key}",
        "url": f"https://example.org/{key}",
        "description_text": "Förderung von Radwegen",
        "regions": ["_bundesweit"],
    } | fields


def _crawl(engine, items, complete=True, error="", today=date(2026, 11, 26)):
    ingest = Ingest(engine, "test", source_name="Testquelle", today=today)
    for item in items:
        ingest.add(item)
    if error:
        return ingest.fail(error)
    return ingest.finish(complete=complete)


def test_first_run_counts_new_and_unchanged_recrawl_writes_no_revision(engine):
    items = [_item("a"), _item("b"), _item("c")]
    first = _crawl(engine, items)
    assert (first.status, first.new, first.seen) == ("success", 3, 3)
    second = _crawl(engine, items)
    assert (second.unchanged, second.changed, second.new) == (3, 0, 0)
    with Session(engine) as session:
        assert session.exec(select(ProgrammeRevision)).all() == []


def test_one_changed_field_writes_one_revision_naming_it(engine):
    _crawl(engine, [_item("a"), _item("b")])
    run = _crawl(engine, [_item("a", description_text="Förderung von Radwegen und Brücken"), _item("b")])
    assert (run.changed, run.unchanged) == (1, 1)
    with Session(engine) as session:
        revisions = session.exec(select(ProgrammeRevision)).all()
    assert len(revisions) == 1
    assert revisions[0].changed_fields == ["description_text"]
    assert revisions[0].new_values["description_text"].endswith("Brücken")


def test_missing_from_complete_run_is_removed_and_comes_back(engine):
    items = [_item(k) for k in "abcd"]
    _crawl(engine, items)
    run = _crawl(engine, items[:3])
    assert run.removed == 1
    with Session(engine) as session:
        gone = session.exec(select(Programme).where(Programme.natural_key == "d")).one()
        assert gone.removed_at is not None
    back = _crawl(engine, items)
    assert back.changed == 1
    with Session(engine) as session:
        again = session.exec(select(Programme).where(Programme.natural_key == "d")).one()
        assert again.removed_at is None
        types = [r.change_types for r in session.exec(select(ProgrammeRevision)).all()]
    assert ["removed"] in types and ["reappeared"] in types


def test_partial_or_failed_run_marks_nothing_removed(engine):
    items = [_item(k) for k in "abcd"]
    _crawl(engine, items)
    partial = _crawl(engine, items[:3], complete=False)
    assert (partial.status, partial.removed) == ("incomplete", 0)
    failed = _crawl(engine, [], error="Bot-Schutzseite statt ZIP")
    assert failed.status == "failed" and "Bot" in failed.error
    with Session(engine) as session:
        assert all(p.removed_at is None for p in session.exec(select(Programme)).all())


def test_large_drop_raises_alarm_and_removes_nothing(engine):
    _crawl(engine, [_item(str(i)) for i in range(10)])
    run = _crawl(engine, [_item(str(i)) for i in range(5)])
    assert run.status == "incomplete" and run.removed == 0
    assert any("Rückgang um 50 %" in alarm for alarm in run.alarms)


def test_stub_without_title_is_counted_invalid_and_skipped(engine):
    run = _crawl(engine, [_item("a"), _item("stub", title="")])
    assert (run.seen, run.invalid) == (1, 1)
    with Session(engine) as session:
        stored = session.exec(select(CrawlRun)).one()
        assert "stub" in stored.stats["invalid_items"][0]


def test_deadline_moved_later_before_it_passed_is_typed_extended_with_details(engine):
    _crawl(engine, [_item("a", deadlines=["2026-12-01"], next_deadline="2026-12-01", last_deadline="2026-12-01")])
    _crawl(engine, [_item("a", deadlines=["2027-01-15"], next_deadline="2027-01-15", last_deadline="2027-01-15")])
    with Session(engine) as session:
        revision = session.exec(select(ProgrammeRevision)).one()
    assert revision.change_types == ["deadline_extended"]
    assert revision.change_details[0]["summary"] == "01.12.2026 → 15.01.2027"


def test_export_crawl_moving_a_deadline_forward_stores_type_dates_and_sentence(engine):
    """Two crawls of the real export format: the second has the Stichtag a month earlier."""
    record = json.loads((FIXTURES / "foerderdatenbank" / "corpus_sample.json").read_text(encoding="utf-8"))[0]
    assert record["id_url"] == "land-schleswig-holstein-e-sport-foerderrichtlinie"
    today = date(2026, 12, 3)
    for stichtag in ("31.3.2027", "28.2.2027"):
        writer = ExportWriter()
        writer.programme(record | {"deadlines": record["deadlines"].replace("30.6.2024", stichtag)})
        ingest = Ingest(engine, "foerderdatenbank", today=today)
        for item in parse_export(writer.to_zip(), today=today).items:
            assert ingest.add(item) in ("new", "changed")
        ingest.finish(complete=True)
    with Session(engine) as session:
        revision = session.exec(select(ProgrammeRevision)).one()
        programme = session.get(Programme, revision.programme_id)
    assert revision.change_types == ["deadline_brought_forward"]
    (detail,) = revision.change_details
    assert (detail["old"], detail["new"], detail["summary"]) == ("31.03.2027", "28.02.2027", "31.03.2027 → 28.02.2027")
    assert detail["sentence"] == programme.deadline_sentence
    assert "für das Jahr 2024 bis spätestens 28.2.2027" in detail["sentence"]


def test_two_runs_of_one_source_at_once_lose_no_programme(engine):
    """Both runs load the known keys before either inserts; the second one's batch meets the first
    one's rows (formerly a UNIQUE error that threw its whole batch away)."""
    first_items = [_item(f"k{n}") for n in range(0, 30)]
    second_items = [_item(f"k{n}", description_text="neuer Text") for n in range(20, 50)]
    first = Ingest(engine, "test", source_name="Testquelle", today=date(2026, 11, 26))
    second = Ingest(engine, "test", source_name="Testquelle", today=date(2026, 11, 26))
    for item in first_items:
        first.add(item)
    for item in second_items:
        second.add(item)
    first.finish(complete=False)
    run = second.finish(complete=False)

    assert run.status != "failed"
    with Session(engine) as session:
        programmes = {p.natural_key: p for p in session.exec(select(Programme)).all()}
    assert sorted(programmes) == sorted(f"k{n}" for n in range(50))
    assert programmes["k25"].description_text == "neuer Text"  # the later write wins, row by row
    assert programmes["k5"].description_text == "Förderung von Radwegen"


def test_an_item_with_a_too_long_value_is_skipped_and_reported_on_every_database(engine):
    run = _crawl(engine, [_item("a"), _item("b", url="https://example.org/" + "u" * 2100), _item("c")])

    assert (run.status, run.seen, run.invalid) == ("success", 2, 1)
    assert "Feld url: 2120 Zeichen, höchstens 2048 erlaubt" in run.stats["invalid_items"][0]
    with Session(engine) as session:
        assert sorted(p.natural_key for p in session.exec(select(Programme)).all()) == ["a", "c"]

"""Upsert behaviour of store.ingest: revisions, counts and the removal rule."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from store.ingest import Ingest
from store.models import CrawlRun, Programme, ProgrammeRevision


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

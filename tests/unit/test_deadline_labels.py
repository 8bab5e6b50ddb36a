"""The deadline reader on the hand-labelled sentences (tests/fixtures/deadlines/): the targets hold."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from core.deadline_evaluation import evaluate

LABELLED = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "deadlines" / "labelled_sentences.json").read_text(encoding="utf-8")
)
DAY = date.fromisoformat(LABELLED["reference_day"])


@pytest.mark.parametrize("origin", ["all", "real"])
def test_reader_meets_precision_and_recall_targets(origin):
    entries = [e for e in LABELLED["sentences"] if origin == "all" or e["origin"] == origin]
    result = evaluate(entries, DAY)
    assert result.deadlines.precision >= 0.95, result.misses
    assert result.deadlines.recall >= 0.90, result.misses
    assert result.status_accuracy >= 0.95, result.misses


def test_labelled_set_is_large_and_mixed():
    entries = LABELLED["sentences"]
    real = [e for e in entries if e["origin"] == "real"]
    assert len(entries) >= 80 and len(real) >= 80 and all(e.get("source") for e in real)
    assert sum(1 for e in entries if e["deadlines"]) >= 80
    assert {e["status"] for e in entries} == {"rolling", "deadline", "next_window", "unclear", "closed"}

"""Precision and recall of the deadline reader against hand-labelled sentences.

Each labelled sentence (tests/fixtures/deadlines/labelled_sentences.json, labelling rules in the
README beside it) names the deadlines a reader should find: ISO dates, or ``--MM-DD`` for a date
written without a year. The reader's dated deadlines and yearly days are compared with them as sets,
and the status that would follow, with the sentence as a programme's only deadline text, is compared
with the labelled status kind.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.deadline_status import DeadlineKind, deadline_fields, deadline_status
from core.deadlines import parse_deadlines


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    def add(self, found: set[str], wanted: set[str]) -> None:
        self.true_positive += len(found & wanted)
        self.false_positive += len(found - wanted)
        self.false_negative += len(wanted - found)


@dataclass
class Evaluation:
    deadlines: Score = field(default_factory=Score)
    status: dict[DeadlineKind, Score] = field(default_factory=lambda: {kind: Score() for kind in DeadlineKind})
    status_right: int = 0
    sentences: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status_accuracy(self) -> float:
        return self.status_right / self.sentences if self.sentences else 1.0


def read_sentence(entry: dict[str, Any], today: date) -> tuple[set[str], DeadlineKind]:
    """What the reader finds in one labelled sentence: deadline keys and the status kind that follows."""
    info = parse_deadlines(entry["sentence"], today=today)
    found = {d.isoformat() for d in info.deadlines} | {f"--{day}" for day in info.yearly}
    status = deadline_status({**deadline_fields(info, kind=entry["kind"], today=today), "kind": entry["kind"]}, today)
    return found, status.kind


def evaluate(entries: list[dict[str, Any]], today: date) -> Evaluation:
    result = Evaluation()
    for entry in entries:
        found, kind = read_sentence(entry, today)
        wanted = set(entry["deadlines"])
        expected = DeadlineKind(entry["status"])
        result.deadlines.add(found, wanted)
        result.status[kind].add({entry["id"]}, {entry["id"]} if expected is kind else set())
        if expected is not kind:
            result.status[expected].false_negative += 1
        result.status_right += expected is kind
        result.sentences += 1
        if found != wanted or expected is not kind:
            result.misses.append({"id": entry["id"], "found": sorted(found), "wanted": sorted(wanted),
                                  "status": kind.value, "expected": expected.value, "sentence": entry["sentence"]})
    return result


def origins(entries: list[dict[str, Any]]) -> Counter:
    return Counter(entry["origin"] for entry in entries)

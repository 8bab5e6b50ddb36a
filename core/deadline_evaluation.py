"""Precision and recall of the deadline reader against hand-labelled sentences.

Each labelled sentence (tests/fixtures/deadlines/labelled_sentences.json, labelling rules in the
README beside it) names the deadlines a reader should find: ISO dates, or ``--MM-DD`` for a date
written without a year. The reader's dated deadlines and yearly days are compared with them as sets,
and the status that would follow, with the sentence as a programme's only deadline text, is compared
with the labelled status kind.
"""

from __future__ import annotations

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


FLAGS = ("rolling", "next_window", "closed")


@dataclass
class Evaluation:
    deadlines: Score = field(default_factory=Score)
    openings: Score = field(default_factory=Score)
    flags: dict[str, Score] = field(default_factory=lambda: {name: Score() for name in FLAGS})
    status: dict[DeadlineKind, Score] = field(default_factory=lambda: {kind: Score() for kind in DeadlineKind})
    status_right: int = 0
    sentences: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status_accuracy(self) -> float:
        return self.status_right / self.sentences if self.sentences else 1.0


@dataclass(frozen=True)
class Reading:
    deadlines: set[str]
    opening: set[str]
    flags: set[str]
    status: DeadlineKind


def read_sentence(entry: dict[str, Any], today: date) -> Reading:
    """What the reader finds in one labelled sentence, in the label's terms, and the status that follows."""
    info = parse_deadlines(entry["sentence"], today=today)
    opening = set()
    if info.opens_on:  # a yearless opening is labelled --MM-DD; the reader places it in a year
        yearless = str(entry.get("opens_on") or "").startswith("--")
        opening.add(f"--{info.opens_on:%m-%d}" if yearless else info.opens_on.isoformat())
    flags = {name for name, on in zip(FLAGS, (info.rolling, info.next_window_expected, info.closed), strict=True) if on}
    status = deadline_status({**deadline_fields(info, kind=entry["kind"], today=today), "kind": entry["kind"]}, today)
    return Reading(
        deadlines={d.isoformat() for d in info.deadlines} | {f"--{day}" for day in info.yearly},
        opening=opening,
        flags=flags,
        status=status.kind,
    )


def evaluate(entries: list[dict[str, Any]], today: date) -> Evaluation:
    result = Evaluation()
    for entry in entries:
        read = read_sentence(entry, today)
        wanted = set(entry["deadlines"])
        expected = DeadlineKind(entry["status"])
        result.deadlines.add(read.deadlines, wanted)
        result.openings.add(read.opening, {entry["opens_on"]} if entry["opens_on"] else set())
        for name in FLAGS:
            result.flags[name].add({name} & read.flags, {name} if entry[name] else set())
        result.status[read.status].add({entry["id"]}, {entry["id"]} if expected is read.status else set())
        if expected is not read.status:
            result.status[expected].false_negative += 1
        result.status_right += expected is read.status
        result.sentences += 1
        if read.deadlines != wanted or expected is not read.status:
            result.misses.append(
                {
                    "id": entry["id"],
                    "found": sorted(read.deadlines),
                    "wanted": sorted(wanted),
                    "status": read.status.value,
                    "expected": expected.value,
                    "sentence": entry["sentence"],
                }
            )
    return result

"""Precision and recall of the condition reader on a labelled set of sentences.

The set (``tests/fixtures/conditions/labelled_sentences.json``) lists sentences with the conditions a
careful reader finds in them. A found condition counts as right when the sentence has one of that
kind; "exact" also asks for the same detail, population limits and Gemeinde statuses. Scores are kept
apart for real sentences (quoted from sources) and sentences written after published rules, because
the written ones are easier than the texts the service really reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.conditions import Condition, read_sentence


@dataclass
class Scores:
    sentences: int = 0
    expected: int = 0
    found: int = 0
    right: int = 0
    exact: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0


def _matches(condition: Condition, label: dict[str, Any]) -> bool:
    return (
        condition.detail == label.get("detail", "")
        and condition.max_population == label.get("max_population")
        and condition.min_population == label.get("min_population")
        and list(condition.statuses) == label.get("statuses", [])
    )


def score(sentences: list[dict[str, Any]]) -> Scores:
    scores = Scores(sentences=len(sentences))
    for sentence in sentences:
        labels = {label["kind"]: label for label in sentence["conditions"]}
        found = {condition.kind: condition for condition in read_sentence(sentence["text"])}
        scores.expected += len(labels)
        scores.found += len(found)
        for kind, condition in found.items():
            if kind in labels:
                scores.right += 1
                scores.exact += _matches(condition, labels[kind])
            else:
                scores.false_alarms.append(f"{kind}: {sentence['text'][:120]}")
        scores.misses += [f"{kind}: {sentence['text'][:120]}" for kind in labels if kind not in found]
    return scores


def score_file(path: Path) -> dict[str, Scores]:
    """Scores for all sentences, the real ones and the written ones."""
    sentences = json.loads(path.read_text(encoding="utf-8"))["sentences"]
    return {
        "alle": score(sentences),
        "echt": score([s for s in sentences if s["origin"] == "real"]),
        "geschrieben": score([s for s in sentences if s["origin"] == "written"]),
    }

"""Benchmark: precision and recall of the deadline reader on the labelled sentences.

Prints, overall and for the real sentences alone, precision and recall of deadline dates and of the
status kind (laufend / Frist / nächstes Fenster / unklar / geschlossen). Targets: precision ≥ 0.95,
recall ≥ 0.90 for deadline dates. ``--misses`` lists every sentence read differently from its label.

    python bench/bench_deadlines.py [--misses]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

from core.deadline_evaluation import evaluate

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "deadlines" / "labelled_sentences.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the sentences read differently from the label")
    args = parser.parse_args()
    labelled = json.loads(FIXTURE.read_text(encoding="utf-8"))
    today = date.fromisoformat(labelled["reference_day"])
    entries = labelled["sentences"]
    for name, chosen in (("all", entries), ("real", [e for e in entries if e["origin"] == "real"])):
        started = time.perf_counter()
        result = evaluate(chosen, today)
        seconds = time.perf_counter() - started
        score = result.deadlines
        labelled = score.true_positive + score.false_negative
        print(
            f"{name:>4}: {result.sentences} sentences, {labelled} labelled deadlines | "
            f"deadlines precision {score.precision:.3f} recall {score.recall:.3f} "
            f"(tp {score.true_positive}, fp {score.false_positive}, fn {score.false_negative}) | "
            f"status accuracy {result.status_accuracy:.3f} | {seconds * 1000:.0f} ms"
        )
        for what, extra in (("openings", result.openings), *((f"flag {n}", sc) for n, sc in result.flags.items())):
            print(
                f"      {what:<19} precision {extra.precision:.3f} recall {extra.recall:.3f} "
                f"({extra.true_positive + extra.false_negative} labelled)"
            )
        for kind, kind_score in result.status.items():
            wanted = kind_score.true_positive + kind_score.false_negative
            print(
                f"      status {kind.value:<12} precision {kind_score.precision:.3f} recall {kind_score.recall:.3f} "
                f"({wanted} labelled)"
            )
        if args.misses and name == "all":
            for miss in result.misses:
                print(
                    f"  {miss['id']}: found {miss['found']} wanted {miss['wanted']} "
                    f"status {miss['status']}/{miss['expected']}: {miss['sentence'][:300]}"
                )


if __name__ == "__main__":
    main()

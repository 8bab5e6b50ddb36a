"""Precision and recall of the area and size condition reader (``core/conditions.py``).

Reads the labelled sentences of ``tests/fixtures/conditions/labelled_sentences.json`` (or a file
given as the first argument) and prints the scores for all sentences, for the real ones quoted from
sources and for those written after published rules, then every miss and false alarm.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.condition_evaluation import score_file  # noqa: E402

LABELLED = ROOT / "tests" / "fixtures" / "conditions" / "labelled_sentences.json"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else LABELLED
    results = score_file(path)
    print(f"{path.name}")
    columns = ("Anzahl", "Bedingungen", "gefunden", "richtig", "genau", "Precision", "Recall")
    print(f"{'Sätze':12} " + " ".join(f"{c:>11}" for c in columns))
    for name, s in results.items():
        counts = (s.sentences, s.expected, s.found, s.right, s.exact)
        print(f"{name:12} " + " ".join(f"{c:>11}" for c in counts) + f" {s.precision:>11.3f} {s.recall:>11.3f}")
    everything = results["alle"]
    for title, lines in (("Verpasst", everything.misses), ("Fehlalarm", everything.false_alarms)):
        print(f"\n{title} ({len(lines)}):")
        for line in lines:
            print(f"  {line}")


if __name__ == "__main__":
    main()

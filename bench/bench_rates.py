"""Precision and recall of the rate and amount reader (core.rates) on the labelled sentences.

A figure counts as found when the reader gives the same kind and the same numbers as the label
(``tests/fixtures/rates/labelled_sentences.json``); a figure the reader gives that no label has is
a false positive. Printed per kind, for real and written sentences, and overall.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.rates import read_funding_terms  # noqa: E402

LABELLED = ROOT / "tests" / "fixtures" / "rates" / "labelled_sentences.json"


def _expected(entry: dict) -> Counter:
    rates = [("rate:" + kind, _r(low), _r(high)) for kind, low, high in entry["rates"]]
    amounts = [("amount:" + kind, _r(euros), _r(euros)) for kind, euros in entry["amounts"]]
    return Counter(rates + amounts)


def _predicted(sentence: str) -> Counter:
    terms = read_funding_terms(sentence)
    rates = [("rate:" + kind, low, high) for kind, low, high in terms.rate_figures()]
    amounts = [("amount:" + kind, euros, euros) for kind, euros in terms.amount_figures()]
    return Counter(rates + amounts)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "–"


def main() -> None:
    entries = json.loads(LABELLED.read_text(encoding="utf-8"))["sentences"]
    counts: dict[str, Counter] = defaultdict(Counter)  # group → tp/fp/fn
    misses = []
    started = time.perf_counter()
    for entry in entries:
        expected, predicted = _expected(entry), _predicted(entry["sentence"])
        hits = expected & predicted
        for figure, n in hits.items():
            for group in ("all", entry["origin"], figure[0]):
                counts[group]["tp"] += n
        for figure, n in (predicted - expected).items():
            for group in ("all", entry["origin"], figure[0]):
                counts[group]["fp"] += n
        for figure, n in (expected - predicted).items():
            for group in ("all", entry["origin"], figure[0]):
                counts[group]["fn"] += n
        if expected != predicted:
            misses.append((entry, sorted(expected - predicted, key=str), sorted(predicted - expected, key=str)))
    elapsed = time.perf_counter() - started
    origins = Counter(entry["origin"] for entry in entries)
    print(f"{LABELLED.name}: {len(entries)} sentences ({origins['real']} real, {origins['written']} written)")
    print(f"{'group':26} {'figures':>8} {'precision':>10} {'recall':>8}")
    for group in ["all", "real", "written", *sorted(g for g in counts if ":" in g)]:
        c = counts[group]
        print(
            f"{group:26} {c['tp'] + c['fn']:>8} {_ratio(c['tp'], c['tp'] + c['fp']):>10} "
            f"{_ratio(c['tp'], c['tp'] + c['fn']):>8}"
        )
    exact = len(entries) - len(misses)
    print(f"sentences read exactly: {exact}/{len(entries)}; {len(entries) / elapsed:,.0f} sentences/s")
    if "-v" in sys.argv:
        for entry, missed, extra in misses:
            print(f"\n{entry['sentence'][:160]}\n  missed: {missed}\n  extra:  {extra}")


if __name__ == "__main__":
    main()

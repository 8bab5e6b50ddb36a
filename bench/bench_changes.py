"""Per-type precision and recall of core.changes on the labelled before/after pairs.

The pairs (``tests/fixtures/changes/pairs.json``, built by ``tests/fixtures/changes/build_pairs.py``
from real records) name the change types a clerk must hear of; pairs that must give no type
(unchanged, whitespace, markup, the export's "?" for a lost dash, a deadline moved only by the
calendar) count as false positives for every type they get.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.changes import classify_changes  # noqa: E402
from core.labels import CHANGE_LABELS  # noqa: E402

PAIRS = ROOT / "tests" / "fixtures" / "changes" / "pairs.json"


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "–"


def main() -> None:
    pairs = json.loads(PAIRS.read_text(encoding="utf-8"))["pairs"]
    tp, fp, fn = Counter(), Counter(), Counter()
    wrong = []
    started = time.perf_counter()
    for pair in pairs:
        got = {c.type for c in classify_changes(pair["old"], pair["new"], today=date.fromisoformat(pair["today"]))}
        expected = set(pair["expected"])
        for key in got & expected:
            tp[key] += 1
        for key in got - expected:
            fp[key] += 1
        for key in expected - got:
            fn[key] += 1
        if got != expected:
            wrong.append((pair["name"], sorted(expected), sorted(got)))
    elapsed = time.perf_counter() - started
    quiet = sum(1 for pair in pairs if not pair["expected"])
    print(f"{PAIRS.name}: {len(pairs)} pairs ({quiet} that must give no type)")
    print(f"{'type':26} {'label':34} {'pairs':>5} {'precision':>10} {'recall':>8}")
    for key in CHANGE_LABELS:
        if tp[key] + fp[key] + fn[key] == 0:
            continue
        print(
            f"{key:26} {CHANGE_LABELS[key]:34} {tp[key] + fn[key]:>5} {_ratio(tp[key], tp[key] + fp[key]):>10} "
            f"{_ratio(tp[key], tp[key] + fn[key]):>8}"
        )
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(
        f"{'all':61} {total_tp + total_fn:>5} {_ratio(total_tp, total_tp + total_fp):>10} "
        f"{_ratio(total_tp, total_tp + total_fn):>8}"
    )
    print(f"pairs typed exactly: {len(pairs) - len(wrong)}/{len(pairs)}; {len(pairs) / elapsed:,.0f} pairs/s")
    for name, expected, got in wrong:
        print(f"  {name}: expected {expected}, got {got}")


if __name__ == "__main__":
    main()

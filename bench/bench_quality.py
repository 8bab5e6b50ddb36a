"""Matcher quality on the shipped judged sets, against plain word TF-IDF and BM25 behind the same filters.

Prints, for each judged set (the project's own ``judgments.json`` and the clerk-written
``clerk_judgments.json``, or the files given), the same table as ``foerderradar match evaluate``
plus nDCG@10, recall@20 and the matcher's proposals per profile with the number of relevant
programmes, so a change of the matcher can be judged profile by profile.

    python bench/bench_quality.py [JUDGMENTS.json ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.evaluation import METRICS, SHIPPED, SYSTEMS, evaluate_file  # noqa: E402


def _cell(value: float | None, metric: str) -> str:
    if value is None:
        return "–"
    if metric == "proposals":
        return f"{value:.1f}"
    return f"{value:.0f}" if "ineligible" in metric else f"{value:.3f}"


def report(path: Path) -> None:
    result = evaluate_file(path)
    print(
        f"\n{path.name}: {result.profiles} profiles ({result.profiles_with_relevant} with relevant programmes), "
        f"{result.programmes} programmes"
    )
    print(f"{'system':38} " + " ".join(f"{m:>16}" for m in METRICS))
    for system, values in result.systems.items():
        print(f"{system:38} " + " ".join(f"{_cell(values[m], m):>16}" for m in METRICS))
    counts = sorted(result.relevant.values())
    print(
        f"relevant programmes per profile: min {counts[0]}, median {counts[len(counts) // 2]}, max {counts[-1]}; "
        f"{sum(1 for n in counts if n >= 5)} profiles with ≥ 5, {counts.count(0)} with none"
    )
    print("\nper profile: relevant | nDCG@10 (matcher tfidf bm25) | recall@20 (matcher tfidf bm25) | proposals")
    for slug, relevant in result.relevant.items():
        rows = {s: result.per_profile[s][slug] for s in SYSTEMS}
        ndcg = " ".join(f"{_cell(rows[s]['nDCG@10'], 'nDCG'):>6}" for s in SYSTEMS)
        recall = " ".join(f"{_cell(rows[s]['recall@20'], 'recall'):>6}" for s in SYSTEMS)
        proposals = f"{rows['matcher']['proposals']:.0f} (recall {_cell(rows['matcher']['recall@proposals'], 'r')})"
        print(f"{slug:42} {relevant:3} | {ndcg} | {recall} | {proposals}")


def main() -> None:
    for path in [Path(arg) for arg in sys.argv[1:]] or SHIPPED:
        report(path)


if __name__ == "__main__":
    main()

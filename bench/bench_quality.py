"""Matcher quality on the shipped judged sets, against plain word TF-IDF and BM25 behind the same filters.

Prints, for each judged set (the project's own ``judgments.json``, the clerk-written
``clerk_judgments.json`` and the blind ``blind_judgments.json``, or the files given), the same
table as ``foerderradar match evaluate`` plus nDCG@10, recall@20 and the matcher's proposals per
profile with the number of relevant programmes, so a change of the matcher can be judged profile by
profile.

    python bench/bench_quality.py [JUDGMENTS.json ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.evaluation import METRICS, SHIPPED, SYSTEMS, evaluate_file, format_metric  # noqa: E402


def report(path: Path) -> None:
    result = evaluate_file(path)
    print(
        f"\n{path.name}: {result.profiles} profiles ({result.profiles_with_relevant} with relevant programmes), "
        f"{result.programmes} programmes"
    )
    print(f"{'system':38} " + " ".join(f"{m:>16}" for m in METRICS))
    for system, values in result.systems.items():
        print(f"{system:38} " + " ".join(f"{format_metric(values[m], m):>16}" for m in METRICS))
    spread = result.relevant_spread()
    print(
        f"relevant programmes per profile: min {spread['min']}, median {spread['median']}, max {spread['max']}; "
        f"{spread['at_least_5']} profiles with ≥ 5, {spread['none']} with none"
    )
    print("\nper profile: relevant | nDCG@10 (matcher tfidf bm25) | recall@20 (matcher tfidf bm25) | proposals")
    for slug, relevant in result.relevant.items():
        rows = {s: result.per_profile[s][slug] for s in SYSTEMS}
        ndcg = " ".join(f"{format_metric(rows[s]['nDCG@10'], 'nDCG'):>6}" for s in SYSTEMS)
        recall = " ".join(f"{format_metric(rows[s]['recall@20'], 'recall'):>6}" for s in SYSTEMS)
        proposals = (
            f"{rows['matcher']['proposals']:.0f} (recall {format_metric(rows['matcher']['recall@proposals'], 'r')})"
        )
        print(f"{slug:42} {relevant:3} | {ndcg} | {recall} | {proposals}")


def main() -> None:
    for path in [Path(arg) for arg in sys.argv[1:]] or SHIPPED:
        report(path)


if __name__ == "__main__":
    main()

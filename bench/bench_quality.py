"""Matcher quality on the shipped judged set, against plain word TF-IDF and BM25.

Prints the same table as ``foerderradar match evaluate --judgments matcher/evaluation_data/judgments.json``
plus the per-profile nDCG@10, so a change of the matcher can be judged profile by profile.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.evaluation import METRICS, evaluate_file  # noqa: E402

JUDGMENTS = ROOT / "matcher" / "evaluation_data" / "judgments.json"


def _cell(value: float | None, metric: str) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if "ineligible" in metric else f"{value:.3f}"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else JUDGMENTS
    result = evaluate_file(path)
    print(
        f"{path.name}: {result.profiles} profiles ({result.profiles_with_relevant} with relevant programmes), "
        f"{result.programmes} programmes"
    )
    print(f"{'system':38} " + " ".join(f"{m:>13}" for m in METRICS))
    for system, values in result.systems.items():
        print(f"{system:38} " + " ".join(f"{_cell(values[m], m):>13}" for m in METRICS))
    print("\nnDCG@10 per profile (– = no relevant programme judged)")
    systems = ("matcher", "tfidf", "bm25")
    print(f"{'profile':34} " + " ".join(f"{s:>8}" for s in systems))
    for slug in result.per_profile["matcher"]:
        print(f"{slug:34} " + " ".join(f"{_cell(result.per_profile[s][slug]['nDCG@10'], 'nDCG'):>8}" for s in systems))


if __name__ == "__main__":
    main()

"""Offline evaluation of the matcher against two baselines on judged sets.

A judgments file (JSON, see ``evaluation_data/README.md``) names the evaluation day, a programmes
file (Programme fields as a crawl stores them) and profiles with graded relevance per programme URL.
Every system ranks the same programmes for the same profiles behind the same hard filters: the
baselines (plain word TF-IDF over title + text, and BM25) rank exactly the programmes that pass the
matcher's filters for that profile, so the comparison is about ranking. "Ineligible in top 10"
counts programmes the member could not use at all, by the grading rule (``matcher.grading``), which
is independent of the matcher's filters. "Proposals" are what a member would get: the matcher's
programmes at or above the profile's minimum score, at most its maximum number.

The learning rows show the effect of curation on a held-back split: programmes are split in two
halves by a stable hash of their URL; curators "decide" on the matcher's proposals of the first
half (grade ≥ 1 approved, grade 0 rejected as off-topic) and the second half is ranked with and
without what was learned.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from matcher.grading import unusable_reason
from matcher.index import ProgrammeIndex
from matcher.learning import POSITIVE_BIAS, Signal, learned_values
from matcher.metrics import average_precision, mean, ndcg_at, precision_at, recall_at
from matcher.ranking import Ranker, RankRequest
from matcher.scoring import ProfileQuery
from store.models import Programme

SYSTEMS = ("matcher", "tfidf", "bm25")
METRICS = ("nDCG@10", "P@10", "recall@20", "P@5", "MAP", "proposals", "recall@proposals", "ineligible@10")
SHIPPED = tuple(
    Path(__file__).with_name("evaluation_data") / name
    for name in ("judgments.json", "clerk_judgments.json", "blind_judgments.json")
)
_TOKEN = re.compile(r"\w+")


class JudgmentsError(ValueError):
    """A judgments file that cannot be evaluated; the message names the file and the problem."""


class MissingBaselineError(RuntimeError):
    """A baseline's optional package is not installed; the message says how to install it."""


@dataclass
class JudgedProfile:
    slug: str
    kind: str
    query: ProfileQuery
    relevance: dict[str, int]  # programme URL -> grade; unlisted = 0


@dataclass
class JudgedSet:
    today: date
    programmes: list[Programme]
    profiles: list[JudgedProfile]
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # URL -> the stored fields, for the grading rule


@dataclass
class EvaluationResult:
    systems: dict[str, dict[str, float | None]] = field(default_factory=dict)  # system -> metric -> value
    per_profile: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)
    relevant: dict[str, int] = field(default_factory=dict)  # profile -> programmes graded ≥ 1
    profiles: int = 0
    profiles_with_relevant: int = 0
    programmes: int = 0

    def relevant_spread(self) -> dict[str, int]:
        """How many relevant programmes the profiles have: min, median, max, profiles with ≥ 5 and with none."""
        counts = sorted(self.relevant.values()) or [0]
        return {
            "min": counts[0],
            "median": counts[len(counts) // 2],
            "max": counts[-1],
            "at_least_5": sum(1 for n in counts if n >= 5),
            "none": sum(1 for n in self.relevant.values() if n == 0),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "systems": self.systems,
            "per_profile": self.per_profile,
            "relevant": self.relevant,
            "relevant_spread": self.relevant_spread(),
            "profiles": self.profiles,
            "profiles_with_relevant": self.profiles_with_relevant,
            "programmes": self.programmes,
        }


def format_metric(value: float | None, metric: str) -> str:
    """A metric as shown in tables: counts as whole numbers, the mean number of proposals to one
    decimal, rates to three."""
    if value is None:
        return "–"
    if metric == "proposals":
        return f"{value:.1f}"
    return f"{value:.0f}" if "ineligible" in metric else f"{value:.3f}"


def load_judged_set(path: Path) -> JudgedSet:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise JudgmentsError(f"{path}: nicht lesbar: {exc}") from None
    try:
        today = date.fromisoformat(doc["today"])
        programmes_path = path.parent / doc["programmes"]
        records = json.loads(programmes_path.read_text(encoding="utf-8"))
        programmes = []
        for number, record in enumerate(records, start=1):
            fields = dict(record)
            for name in ("next_deadline", "last_deadline", "opens_on"):
                if fields.get(name):
                    fields[name] = date.fromisoformat(fields[name])
            programmes.append(Programme(id=number, **fields))
        profiles = [
            JudgedProfile(
                slug=p["slug"],
                kind=p.get("kind", "kreisfreie_stadt"),
                query=ProfileQuery(
                    interests=p.get("interests", ""),
                    keywords=p.get("keywords", []),
                    exclude=p.get("exclude", []),
                    topics=p.get("topics", []),
                    funding_types=p.get("funding_types", []),
                ),
                relevance={url: int(g) for url, g in p.get("relevance", {}).items()},
            )
            for p in doc["profiles"]
        ]
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise JudgmentsError(f"{path}: ungültiger Aufbau ({type(exc).__name__}: {exc})") from None
    by_url = {record["url"]: record for record in records}
    if len(by_url) != len(records):
        raise JudgmentsError(f"{programmes_path}: mehrere Programme mit derselben URL")
    for profile in profiles:
        unknown = sorted(set(profile.relevance) - set(by_url))
        if unknown:
            raise JudgmentsError(f"{path}: Profil {profile.slug} bewertet unbekannte Programme: {unknown[:3]}")
    return JudgedSet(today, programmes, profiles, by_url)


# -- systems ------------------------------------------------------------------------------------


def _matcher_scored(
    judged: JudgedSet, programmes: list[Programme] | None = None, signals: dict[str, list[Signal]] | None = None
) -> dict[str, list[tuple[str, float]]]:
    """Per profile: (URL, score) of every programme passing the hard filters, best first."""
    candidates = [p for p in (programmes or judged.programmes) if not p.closed and p.status != "closed"]
    index = ProgrammeIndex.fit(candidates)
    ranker = Ranker(index, judged.today)
    requests = [
        RankRequest(p.kind, p.query, learned_values(index, (signals or {}).get(p.slug, []))) for p in judged.profiles
    ]
    rankings = ranker.rank(requests)
    return {
        p.slug: [(index.programmes[r].url, float(ranking.scores[r])) for r in ranking.rows]
        for p, ranking in zip(judged.profiles, rankings, strict=False)
    }


def matcher_rankings(
    judged: JudgedSet, programmes: list[Programme] | None = None, signals: dict[str, list[Signal]] | None = None
) -> dict[str, list[str]]:
    """The project's matcher: hard filters, then the combined score (no threshold: full ranking)."""
    return {slug: [url for url, _ in scored] for slug, scored in _matcher_scored(judged, programmes, signals).items()}


def _proposals(profile: JudgedProfile, scored: list[tuple[str, float]]) -> list[str]:
    """What the member would be sent: at or above its minimum score, at most its maximum number."""
    return [url for url, score in scored if score >= profile.query.min_score][: profile.query.max_items]


def _plain_text(programme: Programme) -> str:
    return " ".join((programme.title, programme.teaser_text, programme.description_text))


def _query_text(query: ProfileQuery) -> str:
    return " ".join([query.interests, *query.keywords])


def _order(judged: JudgedSet, scores: np.ndarray) -> list[str]:
    return [judged.programmes[i].url for i in np.argsort(-scores, kind="stable")]


def tfidf_rankings(judged: JudgedSet) -> dict[str, list[str]]:
    """Baseline 1: scikit-learn word TF-IDF over title + text, cosine similarity (all programmes)."""
    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform([_plain_text(p) for p in judged.programmes])
    return {
        profile.slug: _order(judged, linear_kernel(vectorizer.transform([_query_text(profile.query)]), matrix).ravel())
        for profile in judged.profiles
    }


def bm25_rankings(judged: JudgedSet) -> dict[str, list[str]]:
    """Baseline 2: Okapi BM25 over lower-cased word tokens of title + text (all programmes)."""
    try:
        from rank_bm25 import BM25Okapi
    except ImportError:
        raise MissingBaselineError(
            "Für den BM25-Vergleich fehlt das Paket rank-bm25. Installieren Sie es mit: pip install '.[eval]'"
        ) from None
    bm25 = BM25Okapi([_TOKEN.findall(_plain_text(p).casefold()) or [""] for p in judged.programmes])
    return {
        profile.slug: _order(judged, bm25.get_scores(_TOKEN.findall(_query_text(profile.query).casefold())))
        for profile in judged.profiles
    }


def behind_filters(rankings: dict[str, list[str]], passing: dict[str, list[str]]) -> dict[str, list[str]]:
    """A baseline ranking cut down to the programmes that pass the matcher's hard filters."""
    result = {}
    for slug, ranked in rankings.items():
        allowed = set(passing[slug])
        result[slug] = [url for url in ranked if url in allowed]
    return result


# -- measuring ------------------------------------------------------------------------------------


def _profile_metrics(
    ranked: list[str], profile: JudgedProfile, judged: JudgedSet, proposals: list[str] | None
) -> dict[str, float | None]:
    ineligible = sum(
        1 for url in ranked[:10] if unusable_reason(judged.records[url], profile.kind, judged.today) is not None
    )
    return {
        "nDCG@10": ndcg_at(ranked, profile.relevance, 10),
        "P@10": precision_at(ranked, profile.relevance, 10),
        "recall@20": recall_at(ranked, profile.relevance, 20),
        "P@5": precision_at(ranked, profile.relevance, 5),
        "MAP": average_precision(ranked, profile.relevance),
        "proposals": None if proposals is None else float(len(proposals)),
        "recall@proposals": None if proposals is None else recall_at(proposals, profile.relevance, None),
        "ineligible@10": float(ineligible),
    }


def _aggregate(per_profile: dict[str, dict[str, float | None]]) -> dict[str, float | None]:
    rows = list(per_profile.values())
    summary = {name: mean([row[name] for row in rows]) for name in METRICS if name != "ineligible@10"}
    summary["ineligible@10"] = float(sum(row["ineligible@10"] or 0 for row in rows))
    summary["max_ineligible@10"] = float(max((row["ineligible@10"] or 0 for row in rows), default=0))
    return summary


def _half(url: str) -> int:
    return int(hashlib.sha256(url.encode("utf-8")).hexdigest(), 16) % 2


def learning_rankings(judged: JudgedSet) -> tuple[dict[str, list[str]], dict[str, list[str]], list[Programme]]:
    """Rankings of the held-back half without and with signals learned on the other half."""
    train = [p for p in judged.programmes if _half(p.url) == 0]
    test = [p for p in judged.programmes if _half(p.url) == 1]
    by_url = {p.url: p for p in judged.programmes}
    signals: dict[str, list[Signal]] = {}
    proposed = _matcher_scored(judged, train)
    for profile in judged.profiles:
        shown = _proposals(profile, proposed[profile.slug])[:10]
        signals[profile.slug] = [
            Signal(by_url[url], POSITIVE_BIAS if profile.relevance.get(url, 0) >= 1 else -1.0) for url in shown
        ]
    return matcher_rankings(judged, test), matcher_rankings(judged, test, signals), test


def evaluate(judged: JudgedSet, *, with_learning: bool = True) -> EvaluationResult:
    scored = _matcher_scored(judged)
    passing = {slug: [url for url, _ in rows] for slug, rows in scored.items()}
    runs = {
        "matcher": passing,
        "tfidf": behind_filters(tfidf_rankings(judged), passing),
        "bm25": behind_filters(bm25_rankings(judged), passing),
    }
    proposals = {p.slug: _proposals(p, scored[p.slug]) for p in judged.profiles}
    result = EvaluationResult(
        profiles=len(judged.profiles),
        programmes=len(judged.programmes),
        relevant={p.slug: sum(1 for g in p.relevance.values() if g >= 1) for p in judged.profiles},
    )
    result.profiles_with_relevant = sum(1 for n in result.relevant.values() if n)
    profiles_by_run = dict.fromkeys(runs, judged.profiles)
    if with_learning:
        before, after, test = learning_rankings(judged)
        test_urls = {p.url for p in test}
        held_back = [
            JudgedProfile(p.slug, p.kind, p.query, {u: g for u, g in p.relevance.items() if u in test_urls})
            for p in judged.profiles
        ]
        for name, rankings in (("matcher (held-back half)", before), ("matcher + learning (held-back half)", after)):
            runs[name] = rankings
            profiles_by_run[name] = held_back
    for system, rankings in runs.items():
        per_profile = {
            p.slug: _profile_metrics(rankings[p.slug], p, judged, proposals[p.slug] if system == "matcher" else None)
            for p in profiles_by_run[system]
        }
        result.per_profile[system] = per_profile
        result.systems[system] = _aggregate(per_profile)
    return result


def evaluate_file(path: Path, *, with_learning: bool = True) -> EvaluationResult:
    return evaluate(load_judged_set(path), with_learning=with_learning)

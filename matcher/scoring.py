"""Profiles as queries, and the 0–100 "Passung" of each programme for each profile.

The score adds points from independent channels (word TF-IDF, character n-grams, Förderbereich
topics, profile keywords, learned preferences). Each channel saturates at a reference similarity,
so one very long programme text cannot outweigh everything else, and a profile that uses only
some channels (e.g. free text without keywords or topics) can still reach the full range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from matcher.analysis import stem_of
from matcher.glossary import english_terms
from matcher.index import ProgrammeIndex
from matcher.vocab import FUNDING_AREAS, SUBAREAS, label

# Maximum points per channel, and the similarity at which a channel gives its maximum.
POINTS = {"word": 45.0, "char": 20.0, "topic": 20.0, "keyword": 15.0}
LEARNED_POINTS = 20.0
WORD_REFERENCE = 0.30
CHAR_FLOOR, CHAR_REFERENCE = 0.08, 0.40  # character n-grams of unrelated German texts overlap a little
KEYWORD_WEIGHT_IN_QUERY = 2.0
TOPIC_WEIGHT_IN_QUERY = 1.0
GLOSSARY_WEIGHT_IN_QUERY = 0.5


@dataclass
class ProfileQuery:
    """What the matcher needs of a profile, independent of where it is stored."""

    interests: str = ""
    keywords: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    funding_types: list[str] = field(default_factory=list)
    min_score: float = 20.0
    max_items: int = 20

    @classmethod
    def from_profile(cls, profile: Any) -> "ProfileQuery":
        return cls(interests=profile.interests or "", keywords=list(profile.keywords or []),
                   exclude=list(profile.exclude or []), topics=list(profile.topics or []),
                   funding_types=list(profile.funding_types or []), min_score=profile.min_score,
                   max_items=profile.max_items)

    def topic_labels(self) -> list[str]:
        return [label(SUBAREAS, t) if "." in t else label(FUNDING_AREAS, t) for t in self.topics]

    def query_fields(self) -> list[tuple[str, float]]:
        """Weighted query texts; English glossary terms bridge to calls published in English."""
        fields = [(self.interests, 1.0), (" ".join(self.keywords), KEYWORD_WEIGHT_IN_QUERY),
                  (" ".join(self.topic_labels()), TOPIC_WEIGHT_IN_QUERY)]
        english = english_terms(" ".join(text for text, _ in fields))
        return fields + [(english, GLOSSARY_WEIGHT_IN_QUERY)]


def _query_vectors(index: ProgrammeIndex, queries: list[ProfileQuery]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Word and character vectors of the queries, built like programme vectors (same IDF)."""
    word_rows, char_rows = [], []
    for query in queries:
        word_counts = None
        char_counts = None
        for text, weight in query.query_fields():
            if not text:
                continue
            w = index.word.query_counts(text) * weight
            c = index.char.query_counts(text) * weight
            word_counts = w if word_counts is None else word_counts + w
            char_counts = c if char_counts is None else char_counts + c
        word_rows.append(word_counts if word_counts is not None else sp.csr_matrix((1, index.word_matrix.shape[1])))
        char_rows.append(char_counts if char_counts is not None else sp.csr_matrix((1, index.char_matrix.shape[1])))
    word = normalize(index.word.tfidf.transform(sp.vstack(word_rows).tocsr()).astype(np.float32))
    char = normalize(index.char.tfidf.transform(sp.vstack(char_rows).tocsr()).astype(np.float32))
    return word, char


def topic_values(index: ProgrammeIndex, topics: list[str]) -> np.ndarray:
    """Share of the profile's Förderbereich codes a programme carries (one hit of two counts fully)."""
    if not topics:
        return np.zeros(len(index.programmes), dtype=np.float32)
    return np.minimum(1.0, index.code_hits("topics", topics) / min(2, len(set(topics))))


def term_hits(index: ProgrammeIndex, terms: list[str], presence: sp.csc_matrix) -> np.ndarray:
    """Programme × term matrix of booleans: every word of the term occurs (as stem or stem prefix)."""
    hits = np.zeros((len(index.programmes), len(terms)), dtype=bool)
    for k, term in enumerate(terms):
        parts = stem_of(term)
        if not parts:
            continue
        present = np.ones(len(index.programmes), dtype=bool)
        for stem in parts:
            columns = index.stem_columns(stem)
            if not columns:
                present[:] = False
                break
            present &= np.asarray(presence[:, columns].sum(axis=1)).ravel() > 0
        hits[:, k] = present
    return hits


@dataclass
class ScoreTable:
    """Points per channel for one profile over all indexed programmes (rows as in the index)."""

    components: dict[str, np.ndarray]
    keyword_hits: np.ndarray
    word_query: sp.csr_matrix

    @property
    def total(self) -> np.ndarray:
        return np.clip(sum(self.components.values()), 0.0, 100.0)


def score_profiles(index: ProgrammeIndex, queries: list[ProfileQuery],
                   learned: list[np.ndarray | None] | None = None) -> list[ScoreTable]:
    """Score every programme for every query in one pass of sparse products."""
    word_q, char_q = _query_vectors(index, queries)
    word_sim = (word_q @ index.word_matrix.T).toarray()
    char_sim = (char_q @ index.char_matrix.T).toarray()
    tables = []
    for i, query in enumerate(queries):
        channels = {"word": np.minimum(1.0, word_sim[i] / WORD_REFERENCE),
                    "char": np.clip((char_sim[i] - CHAR_FLOOR) / (CHAR_REFERENCE - CHAR_FLOOR), 0.0, 1.0)}
        if query.topics:
            channels["topic"] = topic_values(index, query.topics)
        hits = term_hits(index, query.keywords, index.presence)
        if query.keywords:
            channels["keyword"] = np.minimum(1.0, hits.sum(axis=1) / min(3, len(query.keywords)))
        scale = 100.0 / sum(POINTS[name] for name in channels)
        components = {name: (POINTS[name] * scale * values).astype(np.float32) for name, values in channels.items()}
        extra = learned[i] if learned else None
        if extra is not None:
            components["learned"] = (LEARNED_POINTS * extra).astype(np.float32)
        tables.append(ScoreTable(components, hits, word_q[i]))
    return tables

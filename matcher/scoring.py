"""Profiles as queries, and the 0–100 "Passung" of each programme for each profile.

The score adds points from independent channels (word TF-IDF, character n-grams, Förderbereich
topics, profile keywords, learned preferences). Each channel saturates at a reference similarity,
so one very long programme text cannot outweigh everything else, and a profile that uses only
some channels (e.g. free text without keywords or topics) can still reach the full range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from core.vocab import topic_label
from matcher.analysis import stem_of, surface_words, trim_stop_words
from matcher.glossary import english_terms
from matcher.index import ProgrammeIndex

# Maximum points per channel, and the similarity at which a channel gives its maximum.
POINTS = {"word": 45.0, "char": 20.0, "topic": 20.0, "keyword": 15.0}
LEARNED_POINTS = 20.0
WORD_REFERENCE = 0.30
CHAR_FLOOR, CHAR_REFERENCE = 0.08, 0.40  # character n-grams of unrelated German texts overlap a little
KEYWORD_WEIGHT_IN_QUERY = 2.0
TOPIC_WEIGHT_IN_QUERY = 1.0
GLOSSARY_WEIGHT_IN_QUERY = 0.5
# A single interest phrase is short, so its similarities run higher; it counts a little less than
# the whole profile would at the same strength.
PHRASE_WEIGHT = 0.85
PHRASE_WORD_REFERENCE, PHRASE_CHAR_REFERENCE = 0.45, 0.55
PHRASE_CHUNK = 256


_PHRASE_SPLIT = re.compile(r"[,;:.()\n]+|\s+(?:und|oder|sowie|bzw)\s+")
MAX_PHRASES = 24


def interest_phrases(interests: str) -> list[str]:
    """The single interests of a free-text profile ("Radverkehr, Klimaschutz und Schulen" → three)."""
    phrases = []
    for phrase in _PHRASE_SPLIT.split(interests or ""):
        phrase = trim_stop_words(phrase.strip(" -–"))
        if phrase and surface_words(phrase) and phrase not in phrases:
            phrases.append(phrase)
    return phrases[:MAX_PHRASES]


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
    def from_profile(cls, profile: Any) -> ProfileQuery:
        return cls(
            interests=profile.interests or "",
            keywords=list(profile.keywords or []),
            exclude=list(profile.exclude or []),
            topics=list(profile.topics or []),
            funding_types=list(profile.funding_types or []),
            min_score=profile.min_score,
            max_items=profile.max_items,
        )

    def topic_labels(self) -> list[str]:
        return [topic_label(t) for t in self.topics]

    def query_fields(self) -> list[tuple[str, float]]:
        """Weighted query texts; English glossary terms bridge to calls published in English."""
        fields = [
            (self.interests, 1.0),
            (" ".join(self.keywords), KEYWORD_WEIGHT_IN_QUERY),
            (" ".join(self.topic_labels()), TOPIC_WEIGHT_IN_QUERY),
        ]
        return _with_english(fields)

    def phrases(self) -> list[str]:
        return interest_phrases(self.interests)


def _with_english(fields: list[tuple[str, float]]) -> list[tuple[str, float]]:
    english = english_terms(" ".join(text for text, _ in fields))
    return fields + [(english, GLOSSARY_WEIGHT_IN_QUERY)]


def _vectorise(index: ProgrammeIndex, queries: list[list[tuple[str, float]]]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Word and character vectors of weighted query texts, built like programme vectors (same IDF).

    All texts go through each vectorizer in one call; a sparse matrix then adds up every query's
    weighted texts.
    """
    owners, texts, weights = [], [], []
    for number, fields in enumerate(queries):
        for text, weight in fields:
            if text:
                owners.append(number)
                texts.append(text)
                weights.append(weight)
    combine = sp.csr_matrix(
        (np.array(weights, dtype=np.float32), (owners, range(len(texts)))), shape=(len(queries), len(texts))
    )
    vectors = []
    for channel, matrix in ((index.word, index.word_matrix), (index.char, index.char_matrix)):
        counts = channel.query_counts(texts) if texts else sp.csr_matrix((0, matrix.shape[1]), dtype=np.float32)
        vectors.append(normalize(channel.tfidf.transform(combine @ counts).astype(np.float32)))
    return vectors[0], vectors[1]


def _best_phrase_similarities(
    index: ProgrammeIndex, queries: list[ProfileQuery]
) -> tuple[np.ndarray, np.ndarray, list[sp.csr_matrix]]:
    """Per profile and programme, the best word and char similarity of any single interest phrase.

    A profile that lists twelve interests should meet a programme about one of them as well as a
    profile about that one interest alone; the whole-profile vector dilutes it twelvefold.
    Phrases are scored in chunks, so memory stays flat however many profiles there are.
    """
    owners, fields = [], []
    for number, query in enumerate(queries):
        for phrase in query.phrases():
            owners.append(number)
            fields.append(_with_english([(phrase, 1.0)]))
    n = len(index.programmes)
    best_word = np.zeros((len(queries), n), dtype=np.float32)
    best_char = np.zeros((len(queries), n), dtype=np.float32)
    word_vectors, char_vectors = _vectorise(index, fields)
    for start in range(0, len(owners), PHRASE_CHUNK):
        stop = min(start + PHRASE_CHUNK, len(owners))
        word_sim = index.similarities(word_vectors[start:stop], "word")
        char_sim = index.similarities(char_vectors[start:stop], "char")
        for offset, owner in enumerate(owners[start:stop]):
            np.maximum(best_word[owner], word_sim[offset], out=best_word[owner])
            np.maximum(best_char[owner], char_sim[offset], out=best_char[owner])
    owners_array = np.array(owners, dtype=np.int64)
    per_profile = [word_vectors[np.flatnonzero(owners_array == number)] for number in range(len(queries))]
    return best_word, best_char, per_profile


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
    phrase_queries: sp.csr_matrix  # word vectors of the interest phrases, in ``ProfileQuery.phrases()`` order

    @property
    def total(self) -> np.ndarray:
        return np.clip(sum(self.components.values()), 0.0, 100.0)


def _char_value(similarity: np.ndarray, reference: float) -> np.ndarray:
    return np.clip((similarity - CHAR_FLOOR) / (reference - CHAR_FLOOR), 0.0, 1.0)


def score_profiles(
    index: ProgrammeIndex, queries: list[ProfileQuery], learned: list[np.ndarray | None] | None = None
) -> list[ScoreTable]:
    """Score every programme for every query with a few sparse products.

    Each channel gives a value in [0, 1]; the word and character channels take the better of the
    whole profile and its best single interest phrase. Points are scaled to 0–100 over the channels
    that apply: a profile without keywords, or a programme without Förderbereich codes, is not
    marked down for what it does not have.
    """
    word_q, char_q = _vectorise(index, [q.query_fields() for q in queries])
    word_sim = index.similarities(word_q, "word")
    char_sim = index.similarities(char_q, "char")
    phrase_word, phrase_char, phrase_vectors = _best_phrase_similarities(index, queries)
    has_codes = index.code_hits("topics", list(index.code_matrix("topics")[0])) > 0
    tables = []
    for i, query in enumerate(queries):
        channels = {
            "word": np.maximum(
                np.minimum(1.0, word_sim[i] / WORD_REFERENCE),
                PHRASE_WEIGHT * np.minimum(1.0, phrase_word[i] / PHRASE_WORD_REFERENCE),
            ),
            "char": np.maximum(
                _char_value(char_sim[i], CHAR_REFERENCE),
                PHRASE_WEIGHT * _char_value(phrase_char[i], PHRASE_CHAR_REFERENCE),
            ),
        }
        available = np.full(len(index.programmes), POINTS["word"] + POINTS["char"], dtype=np.float32)
        if query.topics:
            channels["topic"] = topic_values(index, query.topics)
            available += POINTS["topic"] * has_codes
        hits = term_hits(index, query.keywords, index.presence)
        if query.keywords:
            channels["keyword"] = np.minimum(1.0, hits.sum(axis=1) / min(3, len(query.keywords)))
            available += POINTS["keyword"]
        scale = 100.0 / available
        components = {name: (POINTS[name] * scale * values).astype(np.float32) for name, values in channels.items()}
        extra = learned[i] if learned else None
        if extra is not None:
            components["learned"] = (LEARNED_POINTS * extra).astype(np.float32)
        tables.append(ScoreTable(components, hits, word_q[i], phrase_vectors[i]))
    return tables

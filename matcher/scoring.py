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
from matcher import fusion
from matcher.analysis import stem_of, surface_words, trim_stop_words
from matcher.glossary import english_terms, related_terms
from matcher.index import ProgrammeIndex
from matcher.topics import InferredTopic

# Maximum points per channel, and the similarity at which a channel gives its maximum.
POINTS = {"word": 45.0, "char": 20.0, "topic": 20.0, "keyword": 15.0}
LEARNED_POINTS = 20.0
WORD_REFERENCE = 0.30
CHAR_FLOOR, CHAR_REFERENCE = 0.08, 0.40  # character n-grams of unrelated German texts overlap a little
KEYWORD_WEIGHT_IN_QUERY = 2.0
TOPIC_WEIGHT_IN_QUERY = 1.0
GLOSSARY_WEIGHT_IN_QUERY = 0.75
RELATED_WEIGHT_IN_QUERY = 0.5
# A single interest phrase is short, so its similarities run higher; it counts a little less than
# the whole profile would at the same strength.
PHRASE_WEIGHT = 0.85
PHRASE_WORD_REFERENCE, PHRASE_CHAR_REFERENCE = 0.45, 0.55
PHRASE_CHUNK = 256
PART_CHAR_SHARE = 0.1  # on a part's own list, shared letter sequences only order equal word matches
WHOLE_PROFILE_WEIGHT = 3.0  # the whole-profile list counts like three parts' lists
PART_WEIGHT = 1.0
TOPIC_LIST_WEIGHT = 1.0  # the programmes of the profile's Förderbereiche count like one part's list
PART_STRENGTH = 0.3  # word similarity at which a part's list counts fully
INFERRED_TOPIC_SHARE = 0.5  # an inferred topic is a guess: half the points of a chosen code
# Evidence a programme needs to be proposed at all: an interest phrase with at least this word
# similarity, a keyword it contains, a Förderbereich of the profile, or this many learned points.
MIN_PHRASE_SIMILARITY = 0.05  # below it, a phrase shares only incidental words
LEARNED_EVIDENCE = 5.0
# Points that count as evidence on their own: outside the character channel (translated words of an
# English call, word beginnings), and in it (compounds: "Busverkehr" ~ "Verkehr"), where a few points
# are only the letter sequences all German texts share.
EVIDENCE_POINTS, CHAR_EVIDENCE_POINTS = 1.0, 5.0


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
    excluded_topics: list[str] = field(default_factory=list)  # inferred topics the member or staff removed
    # Topics the classifier read from the plain words (``Matcher.infer``); used only without ``topics``.
    inferred: list[InferredTopic] = field(default_factory=list)

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
            excluded_topics=list(getattr(profile, "excluded_topics", None) or []),
        )

    def classifier_texts(self) -> list[str]:
        """What the topic classifier reads: the whole profile, each interest phrase, each keyword."""
        return [" ".join([self.interests, *self.keywords]), *self.phrases(), *self.keywords]

    def parts(self) -> list[str]:
        """The parts that each retrieve their own list: interest phrases, then keywords not among them."""
        parts = self.phrases()
        known = {p.casefold() for p in parts}
        return parts + [k for k in self.keywords if k.strip() and k.casefold() not in known]

    def topic_labels(self) -> list[str]:
        return [topic_label(t) for t in self.topics]

    def query_fields(self) -> list[tuple[str, float]]:
        """Weighted query texts, widened by the glossary and the thesaurus (``_widened``)."""
        fields = [
            (self.interests, 1.0),
            (" ".join(self.keywords), KEYWORD_WEIGHT_IN_QUERY),
            (" ".join(self.topic_labels()), TOPIC_WEIGHT_IN_QUERY),
        ]
        return _widened(fields)

    def phrases(self) -> list[str]:
        return interest_phrases(self.interests)


def _widened(fields: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The fields plus the English words of their topic words (so German profiles meet English calls)
    and the funding texts' words for their everyday words ("Solaranlagen" → "erneuerbare Energien")."""
    text = " ".join(text for text, _ in fields)
    return fields + [(english_terms(text), GLOSSARY_WEIGHT_IN_QUERY), (related_terms(text), RELATED_WEIGHT_IN_QUERY)]


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


def _phrase_similarities(
    index: ProgrammeIndex, queries: list[ProfileQuery], eligible: list[np.ndarray], fused: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[sp.csr_matrix]]:
    """Per profile and programme, the best word and char similarity of any single interest phrase;
    and every part (phrase or keyword) adds its own ranked list to ``fused`` (in place).

    A profile that lists twelve interests should meet a programme about one of them as well as a
    profile about that one interest alone; the whole-profile vector dilutes it twelvefold.
    Parts are scored in chunks, so memory stays flat however many profiles there are.
    """
    owners, fields, is_phrase = [], [], []
    for number, query in enumerate(queries):
        phrases = query.phrases()
        for part in query.parts():
            owners.append(number)
            fields.append(_widened([(part, 1.0)]))
            is_phrase.append(part in phrases)
    n = len(index.programmes)
    best_word = np.zeros((len(queries), n), dtype=np.float32)
    best_char = np.zeros((len(queries), n), dtype=np.float32)
    word_vectors, char_vectors = _vectorise(index, fields)
    for start in range(0, len(owners), PHRASE_CHUNK):
        stop = min(start + PHRASE_CHUNK, len(owners))
        word_sim = index.similarities(word_vectors[start:stop], "word")
        char_sim = index.similarities(char_vectors[start:stop], "char")
        for offset, owner in enumerate(owners[start:stop]):
            if is_phrase[start + offset]:
                np.maximum(best_word[owner], word_sim[offset], out=best_word[owner])
                np.maximum(best_char[owner], char_sim[offset], out=best_char[owner])
            part_value = word_sim[offset] + PART_CHAR_SHARE * _char_value(char_sim[offset], PHRASE_CHAR_REFERENCE)
            part_value[word_sim[offset] <= 0] = 0.0  # a shared letter sequence alone retrieves nothing
            fusion.add_list(fused[owner], part_value, eligible[owner], PART_WEIGHT, PART_STRENGTH)
    owners_array = np.array(owners, dtype=np.int64)
    phrase_rows = np.array(is_phrase, dtype=bool)
    per_profile = [word_vectors[np.flatnonzero((owners_array == k) & phrase_rows)] for k in range(len(queries))]
    return best_word, best_char, per_profile


def topic_values(index: ProgrammeIndex, topics: list[str]) -> np.ndarray:
    """Share of the profile's Förderbereich codes a programme carries (one hit of two counts fully);
    a programme without codes counts with its inferred topics."""
    if not topics:
        return np.zeros(len(index.programmes), dtype=np.float32)
    return np.minimum(1.0, index.code_hits("topics_all", topics) / min(2, len(set(topics))))


def inferred_topic_values(index: ProgrammeIndex, inferred: list[InferredTopic]) -> np.ndarray:
    """Per programme, the confidence of the strongest inferred profile topic it carries, relative to
    the profile's strongest topic (the best-recognised topic counts fully)."""
    values = np.zeros(len(index.programmes), dtype=np.float32)
    if not inferred:
        return values
    strongest = max(t.confidence for t in inferred)
    for topic in inferred:
        carries = index.code_hits("topics_all", [topic.code]) > 0
        np.maximum(values, carries * (topic.confidence / strongest), out=values)
    return values


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
    """Points per channel for one profile over all indexed programmes (rows as in the index), and the
    calibrated "Passung" the programmes are ranked and proposed by."""

    components: dict[str, np.ndarray]
    keyword_hits: np.ndarray
    word_query: sp.csr_matrix
    phrase_queries: sp.csr_matrix  # word vectors of the interest phrases, in ``ProfileQuery.phrases()`` order
    passung: np.ndarray
    evidence: np.ndarray  # per programme: something the member wrote or taught meets it (never proposed otherwise)

    @property
    def absolute(self) -> np.ndarray:
        """The channel points added up (0–100): how much the profile and a programme share."""
        return absolute_points(self.components)


def absolute_points(components: dict[str, np.ndarray]) -> np.ndarray:
    return np.clip(sum(components.values()), 0.0, 100.0)


def _char_value(similarity: np.ndarray, reference: float) -> np.ndarray:
    return np.clip((similarity - CHAR_FLOOR) / (reference - CHAR_FLOOR), 0.0, 1.0)


def score_profiles(
    index: ProgrammeIndex,
    queries: list[ProfileQuery],
    learned: list[np.ndarray | None] | None = None,
    eligible: list[np.ndarray] | None = None,
) -> list[ScoreTable]:
    """Score every programme for every query with a few sparse products.

    Each channel gives a value in [0, 1]; the word and character channels take the better of the
    whole profile and its best single interest phrase. Points are scaled to 0–100 over the channels
    that apply: a profile without keywords, or a programme without Förderbereich codes, is not
    marked down for what it does not have. The ranking fuses one list per part of the profile with
    the list of these points (``matcher.fusion``); ``eligible`` (per query, programmes that pass the
    hard filters) decides which programmes take places on the lists.
    """
    n = len(index.programmes)
    eligible = eligible or [np.ones(n, dtype=bool)] * len(queries)
    fused = np.zeros((len(queries), n), dtype=np.float32)
    word_q, char_q = _vectorise(index, [q.query_fields() for q in queries])
    word_sim = index.similarities(word_q, "word")
    char_sim = index.similarities(char_q, "char")
    phrase_word, phrase_char, phrase_vectors = _phrase_similarities(index, queries, eligible, fused)
    has_codes = index.code_hits("topics_all", list(index.code_matrix("topics_all")[0])) > 0
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
        available = np.full(n, POINTS["word"] + POINTS["char"], dtype=np.float32)
        topic_points = POINTS["topic"]
        if query.topics:
            channels["topic"] = topic_values(index, query.topics)
        elif query.inferred:
            channels["topic"] = inferred_topic_values(index, query.inferred)
            topic_points = POINTS["topic"] * INFERRED_TOPIC_SHARE
        if "topic" in channels:
            available += topic_points * has_codes
        hits = term_hits(index, query.keywords, index.presence)
        if query.keywords:
            channels["keyword"] = np.minimum(1.0, hits.sum(axis=1) / min(3, len(query.keywords)))
            available += POINTS["keyword"]
        scale = 100.0 / available
        points = dict(POINTS, topic=topic_points)
        components = {name: (points[name] * scale * values).astype(np.float32) for name, values in channels.items()}
        extra = learned[i] if learned else None
        if extra is not None:
            components["learned"] = (LEARNED_POINTS * extra).astype(np.float32)
        absolute = absolute_points(components)
        fusion.add_list(fused[i], absolute, eligible[i], WHOLE_PROFILE_WEIGHT)
        if "topic" in channels:
            # The topic list: programmes of the profile's topics, the best-fitting first.
            fusion.add_list(fused[i], channels["topic"] * (1.0 + absolute / 100.0), eligible[i], TOPIC_LIST_WEIGHT)
        passung = fusion.calibrated(fused[i], absolute, eligible[i])
        if "learned" in components:  # what curation taught moves the Passung itself, by up to ±20
            passung = np.clip(passung + components["learned"] * (passung > 0.01), 0.0, 100.0)
        evidence = (np.maximum(phrase_word[i], word_sim[i]) >= MIN_PHRASE_SIMILARITY) | hits.any(axis=1)
        if "topic" in channels:
            evidence |= channels["topic"] > 0
        if "learned" in components:
            evidence |= components["learned"] >= LEARNED_EVIDENCE
        char_points = components["char"]
        evidence |= (absolute - char_points >= EVIDENCE_POINTS) | (char_points >= CHAR_EVIDENCE_POINTS)
        passung = np.where(evidence, passung, fusion.unlisted(absolute)).astype(np.float32)
        tables.append(ScoreTable(components, hits, word_q[i], phrase_vectors[i], passung, evidence))
    return tables

"""The programme index: weighted TF-IDF vectors of the open programmes, fitted once per run.

Fields do not count alike: a word in the title says more about a programme than the same word deep
in its legal basis. Each field is counted separately, weighted, summed per programme and only then
turned into TF-IDF, so that the weights act like repeating a field without re-reading any text.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from matcher import analysis
from matcher.vocab import FUNDING_AREAS, FUNDING_TYPES, SUBAREAS, label

# Field weights of the word channel. Legal texts are long and generic: low weight, and cut.
WORD_FIELD_WEIGHTS: dict[str, float] = {
    "title": 3.0, "teaser": 2.0, "keywords": 1.5, "labels": 1.5, "eligibility": 1.0, "description": 1.0,
    "legal": 0.3,
}
# The character channel reads only the short fields that say what a programme is about.
CHAR_FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "teaser": 1.5, "keywords": 1.0, "labels": 1.0}
MAX_FIELD_CHARS = {"description": 6000, "eligibility": 3000, "legal": 4000}


def category_labels(programme: Any) -> str:
    """Category codes as words: "staedtebau_stadterneuerung" becomes "Städtebau & Stadterneuerung"."""
    parts = [label(FUNDING_AREAS, c) for c in programme.funding_areas or []]
    parts += [label(SUBAREAS, c) for c in programme.funding_subareas or []]
    parts += [label(FUNDING_TYPES, c) for c in programme.funding_types or []]
    return " ".join(parts)


def field_texts(programme: Any) -> dict[str, str]:
    texts = {
        "title": programme.title or "",
        "teaser": programme.teaser_text or "",
        "keywords": programme.keywords or "",
        "labels": category_labels(programme),
        "eligibility": programme.eligibility_text or "",
        "description": programme.description_text or "",
        "legal": programme.legal_text or "",
    }
    return {name: text[: MAX_FIELD_CHARS[name]] if name in MAX_FIELD_CHARS else text for name, text in texts.items()}


class WeightedChannel:
    """One TF-IDF channel (word or character features) over weighted fields."""

    def __init__(self, vectorizer: CountVectorizer, weights: dict[str, float]) -> None:
        self.vectorizer = vectorizer
        self.weights = weights
        self.tfidf = TfidfTransformer(sublinear_tf=True)

    def _weighted_counts(self, rows: list[dict[str, str]], fit: bool) -> sp.csr_matrix:
        names = list(self.weights)
        flat = [row.get(name, "") for row in rows for name in names]
        counts = self.vectorizer.fit_transform(flat) if fit else self.vectorizer.transform(flat)
        weights = np.array([self.weights[name] for name in names], dtype=np.float32)
        combine = sp.kron(sp.identity(len(rows), dtype=np.float32, format="csr"), weights.reshape(1, -1), format="csr")
        return (combine @ counts).tocsr()

    def fit_transform(self, rows: list[dict[str, str]]) -> sp.csr_matrix:
        counts = self._weighted_counts(rows, fit=True)
        return normalize(self.tfidf.fit_transform(counts).astype(np.float32))

    def transform(self, rows: list[dict[str, str]]) -> sp.csr_matrix:
        return normalize(self.tfidf.transform(self._weighted_counts(rows, fit=False)).astype(np.float32))


@dataclass
class ProgrammeIndex:
    """Vectors of a fixed list of programmes; the order of ``programmes`` is the row order."""

    programmes: list[Any]
    word: WeightedChannel
    char: WeightedChannel
    word_matrix: sp.csr_matrix
    char_matrix: sp.csr_matrix
    presence: sp.csc_matrix  # programme × stem, 1 where the stem occurs anywhere (keyword hits)
    topic_presence: sp.csc_matrix  # programme × stem, 1 where it occurs in title/teaser/keywords (exclusions)

    @classmethod
    def fit(cls, programmes: list[Any]) -> "ProgrammeIndex":
        if not programmes:
            raise ValueError("no programmes to index")
        min_df = 1 if len(programmes) < 500 else 2
        rows = [field_texts(p) for p in programmes]
        word = WeightedChannel(CountVectorizer(analyzer=analysis.word_features, min_df=min_df, dtype=np.float32),
                               WORD_FIELD_WEIGHTS)
        char = WeightedChannel(CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=False,
                                               preprocessor=analysis.char_text, min_df=min_df, dtype=np.float32),
                               CHAR_FIELD_WEIGHTS)
        word_matrix = word.fit_transform(rows)
        char_matrix = char.fit_transform(rows)
        presence = (word_matrix > 0).astype(np.float32).tocsc()  # column slices for keyword hits
        topic_counts = word.vectorizer.transform([" ".join((r["title"], r["teaser"], r["keywords"])) for r in rows])
        topic_presence = (topic_counts > 0).astype(np.float32).tocsc()
        return cls(programmes, word, char, word_matrix, char_matrix, presence, topic_presence)

    # -- vocabulary helpers -----------------------------------------------------------------

    @property
    def features(self) -> np.ndarray:
        return self.word.vectorizer.get_feature_names_out()

    def stem_columns(self, stem: str) -> list[int]:
        """Columns of unigram features equal to ``stem`` or, for stems of 4+ letters, starting with it.

        The prefix rule lets the keyword "Radweg" count in "Radwegebau" and "Schule" in "Schulhof".
        """
        vocabulary = self._sorted_unigrams()
        terms, columns = vocabulary
        if len(stem) < 4:
            column = self.word.vectorizer.vocabulary_.get(stem)
            return [column] if column is not None else []
        start = bisect_left(terms, stem)
        found = []
        for position in range(start, len(terms)):
            if not terms[position].startswith(stem):
                break
            found.append(columns[position])
        return found

    def _sorted_unigrams(self) -> tuple[list[str], list[int]]:
        cached = getattr(self, "_unigrams", None)
        if cached is None:
            pairs = sorted((t, c) for t, c in self.word.vectorizer.vocabulary_.items() if " " not in t)
            cached = ([t for t, _ in pairs], [c for _, c in pairs])
            self._unigrams = cached
        return cached

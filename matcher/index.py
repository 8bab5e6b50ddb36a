"""The programme index: weighted TF-IDF vectors of the open programmes, fitted once per run.

Fields do not count alike: a word in the title says more about a programme than the same word deep
in its legal basis. Each field is counted separately, weighted, summed per programme and only then
turned into TF-IDF, so that the weights act like repeating a field without re-reading any text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from core import vocab
from matcher import analysis

# Field weights of the word channel. Legal texts are long and generic: low weight, and cut.
WORD_FIELD_WEIGHTS: dict[str, float] = {
    "title": 3.0,
    "teaser": 2.0,
    "keywords": 1.5,
    "labels": 1.5,
    "eligibility": 1.0,
    "description": 1.0,
    "legal": 0.3,
}
# The character channel reads only the short fields that say what a programme is about.
CHAR_FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "teaser": 1.5, "keywords": 1.0, "labels": 1.0}
MIN_COMPOUND_STEM, MIN_COMPOUND_REST = 4, 4  # "schul" + "sanier": a compound; "schul" + "ung": not
# Function words that tell an English call from a German text. The glossary bridges only to English:
# a German programme that contains "Sport" or "Transport" has not answered in English.
_ENGLISH_MARKERS = frozenset(["the", "and", "of", "to", "for", "with", "on", "by", "is", "are", "be", "this"])
_GERMAN_MARKERS = frozenset(["der", "die", "das", "und", "für", "mit", "von", "zu", "den", "des", "ist", "sind"])
_MARKER_WORD = re.compile(r"[^\W\d_]+")
MAX_FIELD_CHARS = {"description": 5000, "eligibility": 2500, "legal": 1500}  # legal: its opening says most


def _words(kind: str, code: str) -> str:
    """A code's label; an unknown (new upstream) code as its words, so it still counts for matching."""
    return vocab.labels_table(kind).get(code) or code.replace("_", " ")


def category_labels(programme: Any) -> str:
    """Category codes as words: "staedtebau_stadterneuerung" becomes "Städtebau & Stadterneuerung"."""
    parts = [_words("foerderbereich", c) for c in programme.funding_areas or []]
    parts += [_words("unterfoerderbereich", c) for c in programme.funding_subareas or []]
    parts += [_words("foerderart", c) for c in programme.funding_types or []]
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


def _field_sum(n_rows: int, weights: np.ndarray, counts: sp.csr_matrix) -> sp.csr_matrix:
    """Sum the per-field rows of ``counts`` (row-major: programme, then field) with field weights."""
    combine = sp.kron(sp.identity(n_rows, dtype=np.float32, format="csr"), weights.reshape(1, -1), format="csr")
    return (combine @ counts).tocsr()


def field_word_features(document: tuple[str, str]) -> list[str]:
    """The word analyzer on a (field, text) pair: the long legal text gives unigrams only, which
    saves a third of the fitting time and loses nothing its low weight would have carried."""
    field, text = document
    return analysis.word_features(text, bigrams=field != "legal")


class WeightedChannel:
    """One TF-IDF channel (word or character features) over weighted fields.

    With ``tagged`` the vectorizer sees (field, text) pairs instead of texts (see above).
    """

    def __init__(self, vectorizer: CountVectorizer, weights: dict[str, float], tagged: bool = False) -> None:
        self.vectorizer = vectorizer
        self.weights = weights
        self.tagged = tagged
        self.tfidf = TfidfTransformer(sublinear_tf=True)

    def _documents(self, pairs: list[tuple[str, str]]) -> list[Any]:
        return pairs if self.tagged else [text for _, text in pairs]

    def field_counts(self, rows: list[dict[str, str]], fit: bool = False) -> sp.csr_matrix:
        """Counts per (programme, field) row, in the order of ``weights``."""
        flat = self._documents([(name, row.get(name, "")) for row in rows for name in self.weights])
        return self.vectorizer.fit_transform(flat) if fit else self.vectorizer.transform(flat)

    def query_counts(self, texts: list[str]) -> sp.csr_matrix:
        """Counts of query texts (one row each), analysed like a programme's main text."""
        return self.vectorizer.transform(self._documents([("query", text) for text in texts]))

    def field_presence(self, n_rows: int, counts: sp.csr_matrix, fields: set[str]) -> sp.csc_matrix:
        """Programme × feature, 1 where the feature occurs in one of ``fields``."""
        mask = np.array([1.0 if name in fields else 0.0 for name in self.weights], dtype=np.float32)
        return (_field_sum(n_rows, mask, counts) > 0).astype(np.float32).tocsc()

    def vectors(
        self, n_rows: int, counts: sp.csr_matrix, fit: bool = False, leave_out: frozenset[str] = frozenset()
    ) -> sp.csr_matrix:
        """TF-IDF rows of the weighted fields; fields in ``leave_out`` count zero (IDF as fitted)."""
        weights = np.array([0.0 if n in leave_out else w for n, w in self.weights.items()], dtype=np.float32)
        weighted = _field_sum(n_rows, weights, counts)
        tfidf = self.tfidf.fit_transform(weighted) if fit else self.tfidf.transform(weighted)
        return normalize(tfidf.astype(np.float32))

    def transform(self, rows: list[dict[str, str]]) -> sp.csr_matrix:
        return self.vectors(len(rows), self.field_counts(rows))


@dataclass
class ProgrammeIndex:
    """Vectors of a fixed list of programmes; the order of ``programmes`` is the row order."""

    programmes: list[Any]
    word: WeightedChannel
    char: WeightedChannel
    word_matrix: sp.csr_matrix
    char_matrix: sp.csr_matrix
    presence: sp.csc_matrix  # programme × stem, 1 where the stem occurs outside the legal text (keyword hits)
    topic_presence: sp.csc_matrix  # programme × stem, 1 where it occurs in title/teaser/keywords (exclusions)
    # Word TF-IDF without the category label words: what the topic classifier learns from, so that it
    # learns the programmes' prose, not the labels it is asked to predict (matcher/topics.py).
    topic_matrix: sp.csr_matrix
    inferred_topics: dict[int, list[str]] = field(default_factory=dict)  # row -> inferred codes (no own codes)

    @cached_property
    def written_in_english(self) -> np.ndarray:
        """Per row: the programme's own text is English (``written_in_english``)."""
        return np.array([written_in_english(p) for p in self.programmes], dtype=bool)

    @classmethod
    def fit(cls, programmes: list[Any]) -> ProgrammeIndex:
        if not programmes:
            raise ValueError("no programmes to index")
        min_df = 1 if len(programmes) < 500 else 2
        rows = [field_texts(p) for p in programmes]
        word = WeightedChannel(
            CountVectorizer(analyzer=field_word_features, min_df=min_df, dtype=np.float32),
            WORD_FIELD_WEIGHTS,
            tagged=True,
        )
        char = WeightedChannel(
            CountVectorizer(
                analyzer="char_wb",
                ngram_range=(3, 5),
                lowercase=False,
                preprocessor=analysis.char_text,
                min_df=min_df,
                dtype=np.float32,
            ),
            CHAR_FIELD_WEIGHTS,
        )
        word_counts = word.field_counts(rows, fit=True)
        word_matrix = word.vectors(len(rows), word_counts, fit=True)
        topic_matrix = word.vectors(len(rows), word_counts, leave_out=frozenset({"labels"}))
        char_matrix = char.vectors(len(rows), char.field_counts(rows, fit=True), fit=True)
        presence = word.field_presence(len(rows), word_counts, set(WORD_FIELD_WEIGHTS) - {"legal"})
        topic_presence = word.field_presence(len(rows), word_counts, {"title", "teaser", "keywords"})
        return cls(programmes, word, char, word_matrix, char_matrix, presence, topic_presence, topic_matrix)

    # -- vocabulary helpers -----------------------------------------------------------------

    def similarities(self, queries: sp.csr_matrix, channel: str) -> np.ndarray:
        """Dense queries × programmes cosine similarities for the "word" or "char" channel.

        The transposed programme matrix is kept in CSR form: converting it on every product would
        cost more than the product itself.
        """
        cache = self.__dict__.setdefault("_transposed", {})
        if channel not in cache:
            cache[channel] = (self.word_matrix if channel == "word" else self.char_matrix).T.tocsr()
        product: np.ndarray = (queries @ cache[channel]).toarray()
        return product

    @property
    def features(self) -> np.ndarray:
        cached = getattr(self, "_features", None)
        if cached is None:
            cached = self._features = self.word.vectorizer.get_feature_names_out()
        features: np.ndarray = cached
        return features

    def set_inferred_topics(self, inferred: dict[int, list[str]]) -> None:
        """Inferred Förderbereich codes of rows without codes (``matcher.topics``); "topics_all" uses them."""
        self.inferred_topics = inferred
        self.__dict__.get("_codes", {}).pop("topics_all", None)

    def code_matrix(self, name: str) -> tuple[dict[str, int], sp.csc_matrix]:
        """Programme × code booleans for a list field ("funding_types", or "topics": areas, sub-areas
        and their parents; "topics_all": the same, inferred codes for rows without any), built once
        per index so profile filters are column sums."""
        cache = self.__dict__.setdefault("_codes", {})
        if name not in cache:
            columns: dict[str, int] = {}
            rows, cols = [], []
            for row, programme in enumerate(self.programmes):
                if name in ("topics", "topics_all"):
                    subareas = programme.funding_subareas or []
                    codes = set(programme.funding_areas or []) | set(subareas) | {c.split(".", 1)[0] for c in subareas}
                    if name == "topics_all" and not codes:
                        codes = set(self.inferred_topics.get(row, ()))
                else:
                    codes = set(getattr(programme, name) or [])
                for code in codes:
                    rows.append(row)
                    cols.append(columns.setdefault(code, len(columns)))
            matrix = sp.csc_matrix(
                (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(self.programmes), max(len(columns), 1))
            )
            cache[name] = (columns, matrix)
        found: tuple[dict[str, int], sp.csc_matrix] = cache[name]
        return found

    def code_hits(self, name: str, wanted: list[str]) -> np.ndarray:
        """How many of the ``wanted`` codes each programme carries."""
        columns, matrix = self.code_matrix(name)
        selected = [columns[c] for c in set(wanted) if c in columns]
        if not selected:
            return np.zeros(len(self.programmes), dtype=np.float32)
        return np.asarray(matrix[:, selected].sum(axis=1)).ravel()

    def stem_columns(self, stem: str) -> list[int]:
        """Columns of unigram features equal to ``stem`` or compounds starting with it.

        A longer feature counts as a compound when at least ``MIN_COMPOUND_REST`` letters follow the
        stem, so the keyword "Radweg" counts in "Radwegebau" and "Schule" in "Schulsanierung", while
        "Schule" does not count in "Schulung" nor "Rad" anywhere but in "Rad".
        """
        terms, columns = self._sorted_unigrams()
        found = []
        column = self.word.vectorizer.vocabulary_.get(stem)
        if column is not None:
            found.append(column)
        if len(stem) < MIN_COMPOUND_STEM:
            return found
        for position in range(bisect_left(terms, stem), len(terms)):
            term = terms[position]
            if not term.startswith(stem):
                break
            if len(term) - len(stem) >= MIN_COMPOUND_REST:
                found.append(columns[position])
        return found

    def _sorted_unigrams(self) -> tuple[list[str], list[int]]:
        cached = getattr(self, "_unigrams", None)
        if cached is None:
            pairs = sorted(
                (t, c)
                for t, c in self.word.vectorizer.vocabulary_.items()
                if " " not in t and not t.startswith(analysis.PREFIX_MARK)
            )
            cached = ([t for t, _ in pairs], [c for _, c in pairs])
            self._unigrams = cached
        return cached


def written_in_english(programme: Any) -> bool:
    """Whether the programme's own text is English: more English than German function words in its
    title, Kurztext and description (the EU portal writes calls in English only). A call whose few
    words have neither ("Urban Mobility Explained (UMX) Open Call") counts as English when it is an EU call.
    """
    text = " ".join((programme.title or "", programme.teaser_text or "", (programme.description_text or "")[:3000]))
    words = _MARKER_WORD.findall(analysis.clean(text))
    english = sum(word in _ENGLISH_MARKERS for word in words)
    german = sum(word in _GERMAN_MARKERS for word in words)
    if english == german == 0:
        return bool(programme.level == "eu")
    return english > german

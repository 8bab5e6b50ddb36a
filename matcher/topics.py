"""Förderbereich topics from plain words, learned from the programmes' own categories.

Members write "Dach, Fenster und Heizung der Grundschule", not ``infrastruktur.aus_weiterbildung``.
The Förderdatenbank files every programme under Förderbereich codes (and sub-areas) that nobody here
wrote; a linear classifier (one-vs-rest logistic regression fitted by stochastic gradient descent,
over the index's word TF-IDF with the category label words left out, so it learns from the
programmes' own prose) learns text → code from them each time the matcher is fitted, i.e. after
every crawl. It is applied to

- each profile without codes (its whole text and each interest phrase and keyword), giving the
  topics the topic channel scores with, and
- each programme without codes (NKI, EFRE, Bezirksregierung, EU calls, manual records), giving the
  inferred topics shown as such and used to route a digest item to a department with topics.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import normalize

from matcher.index import ProgrammeIndex

ALPHA = 1e-3  # L2 strength of the logistic regression
# Passes of stochastic gradient descent: about UPDATES updates per class, between 5 and 20 passes
# (a few dozen coded programmes need many passes, thousands converge in a few).
UPDATES, MIN_EPOCHS, MAX_EPOCHS = 30_000, 5, 20
MIN_SUPPORT = 3  # a code needs this many coded programmes to be learned
MAX_TRAINING = 6000  # coded programmes used for training, evenly spread (fit time stays flat)
PROFILE_THRESHOLD = 0.5  # probability from which a profile text is said to be about a topic
PROGRAMME_THRESHOLD = 0.6  # the same for a programme without codes (stored and routed: be surer)
MAX_PROFILE_TOPICS = 4
MAX_PROGRAMME_TOPICS = 3


def programme_codes(programme: Any) -> set[str]:
    """The Förderbereich codes a programme carries: areas, sub-areas and the sub-areas' parents."""
    subareas = programme.funding_subareas or []
    return set(programme.funding_areas or []) | set(subareas) | {c.split(".", 1)[0] for c in subareas}


@dataclass
class InferredTopic:
    code: str
    confidence: float  # the classifier's probability, 0–1


class TopicModel:
    """One-vs-rest logistic regression (SGD) from word TF-IDF (without category labels) to Förderbereich codes."""

    def __init__(self, index: ProgrammeIndex, classes: list[str], model: OneVsRestClassifier) -> None:
        self.index = index
        self.classes = classes
        self.model = model

    @classmethod
    def fit(cls, index: ProgrammeIndex) -> TopicModel | None:
        """Learn from the coded programmes of the index; ``None`` when there is too little to learn from."""
        coded = [row for row, p in enumerate(index.programmes) if programme_codes(p)]
        if len(coded) > MAX_TRAINING:
            coded = coded[:: -(-len(coded) // MAX_TRAINING)]
        support = Counter(code for row in coded for code in programme_codes(index.programmes[row]))
        classes = sorted(code for code, n in support.items() if n >= MIN_SUPPORT and n < len(coded))
        if len(classes) < 2:
            return None
        position = {code: k for k, code in enumerate(classes)}
        labels = np.zeros((len(coded), len(classes)), dtype=np.int8)
        for i, row in enumerate(coded):
            for code in programme_codes(index.programmes[row]) & position.keys():
                labels[i, position[code]] = 1
        epochs = min(MAX_EPOCHS, max(MIN_EPOCHS, UPDATES // len(coded)))
        model = OneVsRestClassifier(
            SGDClassifier(
                loss="log_loss", alpha=ALPHA, class_weight="balanced", max_iter=epochs, tol=None, random_state=0
            )
        )
        model.fit(index.topic_matrix[coded], labels)
        return cls(index, classes, model)

    def probabilities(self, vectors: sp.csr_matrix) -> np.ndarray:
        """Rows × classes probabilities."""
        if vectors.shape[0] == 0:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        return np.asarray(self.model.predict_proba(vectors), dtype=np.float32)

    def vectorise(self, texts: list[str]) -> sp.csr_matrix:
        """Query texts as rows of the classifier's feature space (same vocabulary and IDF as programmes)."""
        counts = self.index.word.query_counts(texts)
        return normalize(self.index.word.tfidf.transform(counts).astype(np.float32))

    def infer_texts(self, groups: list[list[str]], exclude: list[set[str]] | None = None) -> list[list[InferredTopic]]:
        """Topics of each group of texts (a profile's whole text, its phrases and keywords): a code is
        inferred when any text of the group reaches ``PROFILE_THRESHOLD``; strongest first."""
        owners, texts = [], []
        for number, group in enumerate(groups):
            for text in group:
                if text.strip():
                    owners.append(number)
                    texts.append(text)
        best = np.zeros((len(groups), len(self.classes)), dtype=np.float32)
        if texts:
            probabilities = self.probabilities(self.vectorise(texts))
            for owner, row in zip(owners, probabilities, strict=True):
                np.maximum(best[owner], row, out=best[owner])
        excluded = exclude or [set()] * len(groups)
        limit = MAX_PROFILE_TOPICS
        return [_chosen(self.classes, row, PROFILE_THRESHOLD, limit, excluded[k]) for k, row in enumerate(best)]

    def infer_programmes(self, rows: list[int]) -> dict[int, list[InferredTopic]]:
        """Inferred topics of the given index rows (meant for programmes without codes)."""
        if not rows:
            return {}
        probabilities = self.probabilities(self.index.topic_matrix[rows])
        return {
            row: _chosen(self.classes, probabilities[k], PROGRAMME_THRESHOLD, MAX_PROGRAMME_TOPICS, set())
            for k, row in enumerate(rows)
        }


def _chosen(
    classes: list[str], row: np.ndarray, threshold: float, limit: int, exclude: set[str]
) -> list[InferredTopic]:
    """Codes at or above the threshold, strongest first, none that was excluded (nor below one)."""
    found: dict[str, float] = {}
    for k in np.argsort(-row, kind="stable"):
        if row[k] < threshold or len(found) >= limit:
            break
        code = classes[k]
        if code in exclude or code.split(".", 1)[0] in exclude:
            continue
        found.setdefault(code, float(row[k]))
    return [InferredTopic(code, confidence) for code, confidence in found.items()]

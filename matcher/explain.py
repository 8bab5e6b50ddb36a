"""Why a programme was proposed: the ``store.explanation.Explanation`` stored with every match.

The review page and the digest show these lines as they are, so they are German and short.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from core.eu_glossary import PROGRAMME_SIGNAL, signal_label
from core.vocab import MUNICIPAL_APPLICANTS, label, topic_label
from matcher import analysis
from matcher.index import ProgrammeIndex, category_labels
from matcher.scoring import ProfileQuery
from matcher.topics import programme_codes
from store.explanation import Explanation

MAX_TERMS = 8
MIN_PHRASE_SIMILARITY = 0.05  # an interest phrase below this shares only incidental words


def profile_features(query: ProfileQuery) -> set[str]:
    """The word features of what the member wrote (interests and keywords): a shared term must be one
    of these, never a glossary translation or a category label the query was widened with."""
    return set(analysis.word_features(" ".join([query.interests, *query.keywords])))


def _readable_terms(
    index: ProgrammeIndex, vector: sp.csr_matrix, query_vector: sp.csr_matrix, programme: Any, own: set[str]
) -> list[str]:
    """The word features that contributed most and occur in the member's own words, written as
    words of the programme text."""
    common, in_query, in_programme = np.intersect1d(
        query_vector.indices, vector.indices, assume_unique=True, return_indices=True
    )
    if not len(common):
        return []
    features = index.features
    # A five-letter beginning ("~trans") finds related words but is no shared word ("Transformation" is
    # not "transition"): only whole stems and bigrams the member wrote are named.
    written = np.array([features[c] in own and not features[c].startswith(analysis.PREFIX_MARK) for c in common])
    common, in_query, in_programme = common[written], in_query[written], in_programme[written]
    contribution = query_vector.data[in_query] * vector.data[in_programme]
    order = np.argsort(-contribution)
    text = " ".join(
        (
            programme.title,
            programme.teaser_text,
            programme.keywords,
            category_labels(programme),
            programme.description_text,
            programme.eligibility_text,
        )
    )
    words = analysis.surface_words(text)
    surface: dict[str, str] = {}
    for stem, word in zip(analysis.stems(words), words, strict=False):
        surface.setdefault(stem, word)
    terms: list[str] = []
    for position in order:
        feature = features[common[position]]
        readable = " ".join(surface.get(part, part) for part in feature.split(" "))
        if readable not in terms and not any(readable in t.split(" ") for t in terms):
            terms.append(readable)
        if len(terms) == MAX_TERMS:
            break
    return terms


def _carrying_interests(
    query: ProfileQuery, keyword_hits: np.ndarray, programme: Any, phrase_similarity: np.ndarray
) -> list[str]:
    """Profile keywords, topics and interest phrases that this programme answers, strongest first.

    A topic is named only when the programme itself carries that Förderbereich (its own codes, not
    codes inferred for it); an inferred profile topic likewise.
    """
    carried = [keyword for keyword, hit in zip(query.keywords, keyword_hits, strict=False) if hit]
    codes = programme_codes(programme)
    carried += [name for code, name in zip(query.topics, query.topic_labels(), strict=False) if code in codes]
    if not query.topics:
        carried += [topic_label(t.code) for t in query.inferred if t.code in codes]
    phrases = query.phrases()
    for position in np.argsort(-phrase_similarity, kind="stable"):
        if phrase_similarity[position] >= MIN_PHRASE_SIMILARITY:
            carried.append(phrases[position])
    unique: list[str] = []
    for item in carried:
        if item.casefold() not in {u.casefold() for u in unique}:
            unique.append(item)
    return unique


def eligibility_line(programme: Any) -> str:
    codes = programme.eligible_applicants or []
    if codes:
        ordered = sorted(codes, key=lambda c: (c not in MUNICIPAL_APPLICANTS, codes.index(c)))
        return "Antragsberechtigt: " + ", ".join(label("foerderberechtigte", c) for c in ordered)
    if programme.municipal_signals:
        # Found in the call's own text, or known from the rules of its programme (then: please check).
        text = [signal_label(s) for s in programme.municipal_signals if not s.startswith(PROGRAMME_SIGNAL)]
        rules = [signal_label(s) for s in programme.municipal_signals if s.startswith(PROGRAMME_SIGNAL)]
        parts = []
        if text:
            parts.append("laut Ausschreibung auch " + ", ".join(dict.fromkeys(text)))
        if rules:
            parts.append("je nach Aufruf auch " + ", ".join(dict.fromkeys(rules)) + " – bitte Ausschreibung prüfen")
        return "Antragsberechtigt: " + "; ".join(parts)
    return "Antragsberechtigt: siehe Programmtext"


def region_line(programme: Any) -> str:
    regions = programme.regions or []
    if regions:
        return "Fördergebiet: " + ", ".join(label("foerdergebiet", r) if r != "eu" else "EU" for r in regions)
    if programme.level == "eu":
        return "Fördergebiet: EU"
    return "Fördergebiet: keine Angabe"


def _summary(interests: list[str], terms: list[str], components: dict[str, float]) -> str:
    if interests:
        return "Passt zu Ihren Interessen: " + ", ".join(interests[:3])
    if components.get("learned", 0.0) >= 5.0:
        return "Ähnlich zu Programmen, die für Sie als passend markiert wurden"
    if terms:
        return "Gemeinsame Begriffe mit Ihrem Profil: " + ", ".join(terms[:3])
    return "Schwache Übereinstimmung mit Ihrem Profil"


def explain(
    index: ProgrammeIndex,
    row: int,
    query: ProfileQuery,
    *,
    query_vector: sp.csr_matrix,
    phrase_vectors: sp.csr_matrix,
    components: dict[str, float],
    keyword_hits: np.ndarray,
) -> Explanation:
    """The explanation of the programme in ``row`` of the index for ``query``."""
    programme = index.programmes[row]
    vector = index.word_matrix[row]
    terms = _readable_terms(index, vector, query_vector, programme, profile_features(query))
    phrase_similarity = phrase_vectors[:, vector.indices] @ vector.data
    interests = _carrying_interests(query, keyword_hits, programme, phrase_similarity)
    rounded = {name: round(float(value), 1) for name, value in components.items()}
    return Explanation(
        summary=_summary(interests, terms, rounded),
        terms=terms,
        interests=interests,
        eligibility=eligibility_line(programme),
        region=region_line(programme),
        components=rounded,
        inferred_topics=[topic_label(code) for code in index.inferred_topics.get(row, [])],
    )

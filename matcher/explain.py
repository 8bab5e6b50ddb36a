"""Why a programme was proposed: the ``store.explanation.Explanation`` stored with every match.

The review page and the digest show these lines as they are, so they are German and short.
An English EU call often meets a German profile only through the glossary (``matcher.glossary``):
then the explanation names the English words of the call that answered each interest
(``Explanation.translated``) instead of claiming a weak match or a German word the call does not have.
A German programme may meet a clerk's everyday words only through the thesaurus (``glossary.RELATED``:
"Solaranlagen" → "erneuerbare Energien"): then it names the programme's own words (``Explanation.related``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp

from core.eu_glossary import PROGRAMME_SIGNAL, signal_label
from core.vocab import MUNICIPAL_APPLICANTS, label, topic_label
from matcher import analysis
from matcher.glossary import QUALIFIERS, english_terms, glossary_hits, related_hits, related_phrases, related_terms
from matcher.index import ProgrammeIndex, field_texts
from matcher.scoring import LEARNED_EVIDENCE, MIN_PHRASE_SIMILARITY, ProfileQuery
from matcher.topics import programme_codes
from store.explanation import Explanation

MAX_TERMS = 8
# English (or related German) words the one-line summary names: per named interest, and in all (the
# line stays short).
MAX_TRANSLATED_PER_INTEREST, MAX_TRANSLATED_IN_SUMMARY = 2, 5
IN_ENGLISH, IN_PROGRAMME = "im englischen Aufruf", "im Programmtext"


def profile_features(query: ProfileQuery) -> set[str]:
    """The word features of what the member wrote (interests and keywords): a shared term must be one
    of these, never a glossary translation or a category label the query was widened with."""
    return set(analysis.word_features(" ".join([query.interests, *query.keywords])))


@lru_cache(maxsize=8192)
def _features(text: str, bigrams: bool) -> frozenset[str]:
    """``analysis.word_features`` of a short text, kept: every row explained for a profile asks again
    for the features of the same phrases, keywords and glossary words."""
    return frozenset(analysis.word_features(text, bigrams=bigrams))


@lru_cache(maxsize=8192)
def _widened(part: str) -> bool:
    """Whether the query widened a part with glossary or thesaurus words (``scoring._widened``)."""
    return bool(english_terms(part) or related_terms(part))


def _programme_text(programme: Any) -> str:
    """The texts the index reads, legal text last (NFKC, soft hyphens removed, case kept)."""
    texts = field_texts(programme)
    text = " ".join(
        texts[name] for name in ("title", "teaser", "keywords", "labels", "description", "eligibility", "legal")
    )
    return unicodedata.normalize("NFKC", text).replace(analysis.SOFT_HYPHEN, "")


def _surface_forms(text: str) -> dict[str, list[str]]:
    """Stem → the words of the programme text with that stem, first seen first, to name features as
    written there."""
    words = list(dict.fromkeys(analysis.surface_words(text)))  # each word once, first seen first
    surface: dict[str, list[str]] = {}
    for stem, word in zip(analysis.stems(words), words, strict=True):
        surface.setdefault(stem, []).append(word)
    return surface


def _readable_terms(
    index: ProgrammeIndex,
    vector: sp.csr_matrix,
    query_vector: sp.csr_matrix,
    surface: dict[str, list[str]],
    own: set[str],
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
    terms: list[str] = []
    for position in order:
        feature = features[common[position]]
        readable = " ".join(surface.get(part, [part])[0] for part in feature.split(" "))
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
    codes inferred for it); an inferred profile topic likewise. For an English call ``phrase_similarity``
    counts only the member's own words (``_own_phrase_similarity``).
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


def _own_phrase_similarity(
    index: ProgrammeIndex, phrase_vectors: sp.csr_matrix, vector: sp.csr_matrix, phrases: list[str]
) -> np.ndarray:
    """Per interest phrase, its word similarity with an English call through the member's own words.

    The ranking's phrase vectors carry the phrase's glossary translation too, so an English call meets
    them through English words; then the phrase is carried by translation, not by what the member
    wrote. Keeping only the phrase's own features and normalising again gives the vector of the phrase
    alone (exact but for a word the phrase shares with its translation, such as "Sport"). A shared
    five-letter beginning ("~natur" of "Naturschutz" and "nature") is not the member's word in an English
    call either, so only whole stems and bigrams count.
    """
    vocabulary = index.word.vectorizer.vocabulary_
    similarity = np.zeros(len(phrases), dtype=np.float32)
    for position, phrase in enumerate(phrases):
        own = [
            vocabulary[feature]
            for feature in _features(phrase, True)
            if feature in vocabulary and not feature.startswith(analysis.PREFIX_MARK)
        ]
        start, stop = phrase_vectors.indptr[position], phrase_vectors.indptr[position + 1]
        indices, data = phrase_vectors.indices[start:stop], phrase_vectors.data[start:stop]
        keep = np.isin(indices, own)
        indices, data = indices[keep], data[keep]
        norm = float(np.sqrt(data @ data))
        if not norm:
            continue
        _, in_phrase, in_programme = np.intersect1d(indices, vector.indices, assume_unique=True, return_indices=True)
        similarity[position] = float(data[in_phrase] @ vector.data[in_programme]) / norm
    return similarity


def _own_phrase_vectors(index: ProgrammeIndex, phrase_vectors: sp.csr_matrix, phrases: list[str]) -> sp.csr_matrix:
    """The ranking's phrase vectors with only the member's own features, for German programmes; worked
    out once per profile (every row explained for it asks again).

    A phrase vector carries the phrase's glossary and thesaurus words too (``scoring._widened``), so a
    German programme meets "Solaranlagen" through "erneuerbare Energien"; then the phrase is carried by
    those, not by what the member wrote. Only the phrase's own features are kept (stems, bigrams and
    five-letter beginnings: in a German text a beginning is the member's word in another form, "sanieren" /
    "Sanierung"), without normalising again: the similarity is the part of the ranked one that the
    member's own words give, never more, so no phrase is named that the ranking did not count. A phrase
    the query did not widen keeps its vector as ranked.
    """
    cache = phrase_vectors.__dict__.setdefault("_explain_own", {})
    key = tuple(phrases)
    if key not in cache:
        vocabulary = index.word.vectorizer.vocabulary_
        keep = np.ones(len(phrase_vectors.data), dtype=bool)
        for position, phrase in enumerate(phrases):
            if _widened(phrase):
                own = [vocabulary[feature] for feature in _features(phrase, True) if feature in vocabulary]
                start, stop = phrase_vectors.indptr[position], phrase_vectors.indptr[position + 1]
                keep[start:stop] = np.isin(phrase_vectors.indices[start:stop], own)
        own_vectors = phrase_vectors.copy()
        own_vectors.data = np.where(keep, own_vectors.data, 0).astype(own_vectors.data.dtype)
        own_vectors.eliminate_zeros()
        cache[key] = own_vectors
    vectors: sp.csr_matrix = cache[key]
    return vectors


def _same_english_word(glossary_word: str, written: str) -> bool:
    """Whether a word of the call is the glossary word or its plural ("risk", "risks"; "ecosystems",
    "ecosystem").

    The German stemmer is no English one: it makes "for" of "forest", so an equal stem alone would
    find the glossary's "forest" in every "for" of a call, and "taken" in the glossary's "take".
    """
    shorter, longer = sorted((glossary_word, written), key=len)
    return longer in (shorter, shorter + "s", shorter + "es")


def _translated_words(part: str, weights: dict[str, float], surface: dict[str, list[str]]) -> tuple[list[str], float]:
    """The English words the glossary gives for one interest or keyword that occur in the programme,
    as written there, and their summed weight in the programme's word vector.

    Stems are compared as the index made them (``word_features(..., bigrams=False)``) and the word
    of the call must be the glossary word up to its ending. A word the member wrote itself ("Sport",
    "Innovation") is no translation; a qualifier ("public", "protection") counts only beside a word of
    the same glossary entry that names a topic, or when the call has the entry's every word ("city centre").
    """
    own = _features(part, False)
    found: list[str] = []
    strength = 0.0
    for _, english in glossary_hits(part):
        entry: list[tuple[str, str, float]] = []  # (word as written in the call, glossary word, weight)
        for word in analysis.surface_words(english):
            stem = analysis.stems([word])[0]
            if stem not in weights or stem in own:
                continue
            written = next((w for w in surface.get(stem, []) if _same_english_word(word, w)), None)
            if written is not None:
                entry.append((written, word, weights[stem]))
        words = {word for _, word, _ in entry}
        if words <= QUALIFIERS and words != set(analysis.surface_words(english)):
            continue  # only qualifiers of the entry, not the whole term
        for written, _, weight in entry:
            if written not in found:
                found.append(written)
                strength += weight
    return found, strength


def _as_written(word: str, text: str) -> str:
    """A (casefolded) word of the programme as first written in its text: "energien" → "Energien"."""
    found = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text, re.IGNORECASE)
    return found.group(0) if found else word


def _related_words(
    part: str,
    weights: dict[str, float],
    surface: dict[str, list[str]],
    text: str,
    own: set[str],
) -> tuple[list[str], float]:
    """The funding texts' words (``glossary.RELATED``) for one interest or keyword that occur in the
    programme as whole words, as written there, and their summed weight in the programme's word vector.

    Stems are compared as the index made them (``word_features(..., bigrams=False)``). A term of several
    words ("erneuerbare Energien") counts when the programme has every one of them, and reads as the
    programme writes it; a term the member wrote itself (``own``: anywhere in the profile) is no related word.
    """
    found: list[str] = []
    strength = 0.0
    for _, related in related_hits(part):
        for term in related_phrases(related):
            words = analysis.surface_words(term)
            stems = analysis.stems(words)
            if not stems or set(stems) <= own or not all(stem in weights and stem in surface for stem in stems):
                continue
            phrase = re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, term.split())) + r"(?!\w)", text, re.IGNORECASE)
            if phrase:  # the term itself, as the programme writes it ("Kinder- und Jugendhilfe")
                written = " ".join(phrase.group(0).split())
            else:  # its words, each as the programme writes it (the related word's own form if it has it)
                pairs = zip(words, stems, strict=True)
                forms = [word if word in surface[stem] else surface[stem][0] for word, stem in pairs]
                written = " ".join(_as_written(form, text) for form in forms)
            if written not in found:
                found.append(written)
                strength += sum(weights[stem] for stem in set(stems))
    return found, strength


def _answered_only_through(
    parts: list[str], carried: list[str], words_of: Callable[[str], tuple[list[str], float]]
) -> dict[str, list[str]]:
    """Interest phrases and keywords (``ProfileQuery.parts``) the programme answers only through words
    the query was widened with: part → the programme's words (``words_of``), strongest first. Parts
    carried by the member's own words are left out."""
    known = {item.casefold() for item in carried}
    found = []
    for part in parts:
        if part.casefold() in known:
            continue
        words, strength = words_of(part)
        if words:
            found.append((strength, part, words))
    found.sort(key=lambda item: -item[0])
    return {part: words for _, part, words in found}


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


def _summary(
    interests: list[str],
    terms: list[str],
    components: dict[str, float],
    bridged: dict[str, list[str]],
    where: str,
) -> str:
    """One German line. Named interests that the programme answers only through other words say which
    words it uses (``where``: "im englischen Aufruf" for the glossary's English words, "im Programmtext"
    for related German ones), so "Naturschutz" is not read as a word of the call."""
    if interests:
        named = interests[:3]
        words = list(
            dict.fromkeys(word for part in named for word in bridged.get(part, [])[:MAX_TRANSLATED_PER_INTEREST])
        )[:MAX_TRANSLATED_IN_SUMMARY]
        line = "Passt zu Ihren Interessen: " + ", ".join(named)
        if words:
            line += f" ({where}: " + ", ".join(words) + ")"
        return line
    if components.get("learned", 0.0) >= LEARNED_EVIDENCE:
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
    """The explanation of the programme in ``row`` of the index for ``query``.

    Interests carried by the member's own words come first; those an English call answers only through
    the glossary follow, with their English words in ``translated``, and those a German programme answers
    only through the thesaurus, with the programme's words in ``related``.
    """
    programme = index.programmes[row]
    vector = index.word_matrix[row]
    text = _programme_text(programme)
    surface = _surface_forms(text)
    own = profile_features(query)
    terms = _readable_terms(index, vector, query_vector, surface, own)
    english = bool(index.written_in_english[row])
    if english:
        phrase_similarity = _own_phrase_similarity(index, phrase_vectors, vector, query.phrases())
    else:
        phrase_similarity = _own_phrase_vectors(index, phrase_vectors, query.phrases())[:, vector.indices] @ vector.data
    interests = _carrying_interests(query, keyword_hits, programme, phrase_similarity)
    weights = dict(zip(index.features[vector.indices], vector.data.tolist(), strict=True))
    if english:  # the glossary's English words; a German thesaurus word in an English call is no answer
        translated = _answered_only_through(
            query.parts(), interests, lambda part: _translated_words(part, weights, surface)
        )
        related: dict[str, list[str]] = {}
    else:  # English glossary words in a German text are no translation ("Sport", "Engagement")
        translated = {}
        related = _answered_only_through(
            query.parts(), interests, lambda part: _related_words(part, weights, surface, text, own)
        )
    interests += list(translated) + list(related)
    rounded = {name: round(float(value), 1) for name, value in components.items()}
    bridged, where = (translated, IN_ENGLISH) if english else (related, IN_PROGRAMME)
    return Explanation(
        summary=_summary(interests, terms, rounded, bridged, where),
        terms=terms,
        interests=interests,
        translated=[f"{part} → {', '.join(words)}" for part, words in translated.items()],
        related=[f"{part} → {', '.join(words)}" for part, words in related.items()],
        eligibility=eligibility_line(programme),
        region=region_line(programme),
        components=rounded,
        inferred_topics=[topic_label(code) for code in index.inferred_topics.get(row, [])],
    )

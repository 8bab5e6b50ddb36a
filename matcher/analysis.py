"""German text analysis for matching: cleaning, stop words, stems, word n-grams and character n-grams.

Programme texts are stored unmodified; everything here happens only on the way into the matcher.
Two channels complement each other: the *word* channel (Snowball stems, 1–2-grams) is precise and
readable in explanations; the *character* channel (``char_wb`` 3–5-grams over transliterated text)
lets German compounds meet their parts, so "Radverkehrsinfrastruktur" finds "Radweg" and
"Schulsanierung" finds "Sanierung von Schulen".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from stop_words import get_stop_words

SOFT_HYPHEN = "\u00ad"
PREFIX_MARK, PREFIX_LETTERS = "~", 5
# The Förderdatenbank export replaces characters outside Latin-1 (dashes, typographic quotes) by "?".
_EXPORT_SUBSTITUTION = re.compile(r"\?")
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e", "à": "a"})
_WORD = re.compile(r"[^\W\d_]{2,}")
_NON_LETTER = re.compile(r"[^a-z]+")

# Words that carry no topic in funding texts, on top of the general German stop words. Words that
# name the applicant ("Kommunen", "Gemeinden") are among them: every programme a member is shown is
# open to municipalities anyway, so they would only make unrelated programmes look similar; so are
# the verbs of wanting that free-text profiles start with ("Wir möchten …").
DOMAIN_STOP_WORDS = frozenset(
    [
        "förderung",
        "fördern",
        "gefördert",
        "förderprogramm",
        "programm",
        "sowie",
        "bzw",
        "ggf",
        "insbesondere",
        "rahmen",
        "maßnahmen",
        "maßnahme",
        "vorhaben",
        "projekte",
        "projekt",
        "erhalten",
        "können",
        "sollen",
        "unterstützt",
        "bestimmten",
        "voraussetzungen",
        "zuschuss",
        "antrag",
        "antragsteller",
        "zuwendung",
        "zuwendungen",
        "zuwendungsempfänger",
        "antragsberechtigt",
        "gewährt",
        "höhe",
        "euro",
        "prozent",
        "förderfähig",
        "zuwendungsfähig",
        "kommune",
        "kommunen",
        "gemeinde",
        "gemeinden",
        "städte",
        "landkreise",
        "möchten",
        "möchte",
        "wollen",
        "suchen",
        "brauchen",
        "benötigen",
        "planen",
        "interessieren",
        "interessiert",
    ]
)
# How clerks write about money and about their wishes, in the forms they use: "Wir suchen Zuschüsse",
# "Dafür fehlt uns das Geld", "bessere Daten", "einen langen Stromausfall". Such words occur in
# nearly every programme text too, so a short interest phrase would meet programmes through them
# alone ("langen" met a programme for long-term unemployed people).
GENERIC_WORDS = frozenset(
    f"{stem}{ending}"
    for word_stems, endings in (
        (("zuschüss", "fördergeld", "fördermittel", "geld", "mittel"), ("", "e", "en", "er", "ern", "es", "s")),
        (("lang", "neu", "alt", "gut", "groß", "klein", "viel", "ganz", "best"), ("", "e", "em", "en", "er", "es")),
        (("besser", "größer", "kleiner", "mehrer"), ("", "e", "em", "en", "er", "es")),
        (("finanzierung", "unterstützung", "hilfe", "möglichkeit"), ("", "en")),
    )
    for stem in word_stems
    for ending in endings
) | frozenset(["zuschusses", "außerdem", "dafür", "dabei", "dazu", "deshalb", "mehr", "weniger", "fehlt", "fehlen"])


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    return frozenset(w.casefold() for w in get_stop_words("german")) | DOMAIN_STOP_WORDS | GENERIC_WORDS


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    stemmer = Stemmer.Stemmer("german")
    stemmer.maxCacheSize = 200_000
    return stemmer


def clean(text: str) -> str:
    """NFKC, soft hyphens removed, the export's "?" substitutions turned into spaces, casefolded."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).replace(SOFT_HYPHEN, "")
    return _EXPORT_SUBSTITUTION.sub(" ", text).casefold()


def transliterate(text: str) -> str:
    """ä→ae, ö→oe, ü→ue, ß→ss: spelling variants meet in the character channel."""
    return text.translate(_TRANSLITERATION)


def trim_stop_words(phrase: str) -> str:
    """A phrase without its leading stop words, for display ("Wir möchten unsere Schulen sanieren"
    becomes "Schulen sanieren")."""
    words = phrase.split()
    while words and clean(words[0]).strip(" ,.;:") in stop_words():
        words.pop(0)
    return " ".join(words)


def surface_words(text: str) -> list[str]:
    """The content words of a text (cleaned, stop words removed), in order."""
    stops = stop_words()
    return [w for w in _WORD.findall(clean(text)) if w not in stops]


def stems(words: list[str]) -> list[str]:
    stemmed: list[str] = _stemmer().stemWords(words)
    return stemmed


# Last parts of German compounds that carry their own topic: "Gebäudesanierung" is a Sanierung,
# "Sportstätten" are Stätten. A compound that ends in one of them also gets that part's beginning,
# so "Sportanlagen sanieren" meets "Gebäudesanierung" and "Hochwasserschutz" meets "Schutz".
COMPOUND_HEADS = (
    "sanierung",
    "modernisierung",
    "erneuerung",
    "entwicklung",
    "planung",
    "anpassung",
    "schutz",
    "anlage",
    "anlagen",
    "stätte",
    "stätten",
    "gebäude",
    "verkehr",
    "infrastruktur",
    "versorgung",
    "beleuchtung",
    "konzept",
    "strategie",
    "management",
    "bildung",
    "betreuung",
    "beratung",
    "wärme",
    "energie",
    "mobilität",
    "sicherheit",
    "pflege",
    "kultur",
    "wirtschaft",
    "forschung",
    "technik",
    "technologie",
    "ausstattung",
    "fläche",
    "flächen",
    "wasser",
    "gewässer",
    "zentrum",
    "halle",
    "hallen",
    "schule",
    "schulen",
    "plätze",
)
MIN_MODIFIER_LETTERS = 3  # "Ortskernsanierung" is a compound, "Ansanierung" is no word worth splitting


@lru_cache(maxsize=200_000)
def compound_head(word: str) -> str | None:
    """The topic-bearing last part of a compound ("schulsanierung" → "sanierung"), or None."""
    if not word.endswith(COMPOUND_HEADS):
        return None
    heads = [h for h in COMPOUND_HEADS if word.endswith(h) and len(word) >= len(h) + MIN_MODIFIER_LETTERS]
    return max(heads, key=len, default=None)


def word_features(text: str, bigrams: bool = True) -> list[str]:
    """The word channel's analyzer: stemmed unigrams, bigrams (joined by a space) and word beginnings.

    The stemmer leaves verb and noun apart ("sanieren" → "sani", "Sanierung" → "sanier") and
    adjectives apart from their nouns ("energetisch", "Energie"); the first five letters of a longer
    word (marked "~") bring them together, so free-text profiles written in verbs still meet
    programme texts written in nouns. ``bigrams=False`` gives stems only (for long legal texts).
    """
    words = surface_words(text)
    unigrams = stems(words)
    if not bigrams:
        return unigrams
    beginnings = [PREFIX_MARK + transliterate(w)[:PREFIX_LETTERS] for w in words if len(w) > PREFIX_LETTERS]
    beginnings += [PREFIX_MARK + transliterate(head)[:PREFIX_LETTERS] for head in map(compound_head, words) if head]
    return unigrams + [f"{a} {b}" for a, b in zip(unigrams, unigrams[1:], strict=False)] + beginnings


def char_text(text: str) -> str:
    """The character channel's preprocessor: cleaned, transliterated, letters only."""
    return _NON_LETTER.sub(" ", transliterate(clean(text))).strip()


def stem_of(term: str) -> list[str]:
    """Stems of a short user term (keyword, exclusion), for comparing with programme stems."""
    return stems(surface_words(term))

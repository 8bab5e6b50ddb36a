"""Sentences of German prose, and the first few of them as a short description.

Mails quote the source's own text (CC BY-ND), so a description is cut only where a sentence ends,
never inside one. A period ends a sentence only before a capital letter, an opening quote or
bracket, and not after an abbreviation ("z. B.", "Nr.", "e. V.") or a number ("31. März").
"""

from __future__ import annotations

import re

# ".", "!", "?" or "…" (closing quotes and brackets may follow), then space and a sentence start.
_BOUNDARY = re.compile(r"[.!?…][“\"')\]]*\s+(?=[A-ZÄÖÜ„\"(])|\n\s*\n")
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:\d+|[A-Za-zÄÖÜäöü]|bzw|ggf|vgl|ca|Nr|Abs|gem|inkl|zzgl|evtl|bzgl|Art|Ziff|lit|Dr|Prof|St|"
    r"Mio|Mrd|Tel|Str|sog|insb|usw|etc|max|min|mind|Buchst|Bst|Kap|Anl|Verf|Hrsg|Jh|Jan|Feb|Febr|Apr|Aug|Sept|"
    r"Okt|Nov|Dez|i\.\s?V|z\.\s?B|u\.\s?a|e\.\s?V|d\.\s?h|o\.\s?ä|s\.\s?o|s\.\s?u)\.$"
)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, each as written (inner whitespace kept, outer stripped)."""
    sentences: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(text or ""):
        if boundary.group().strip() and _ABBREVIATION.search(text[start : boundary.start() + 1]):
            continue
        sentence = text[start : boundary.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = boundary.end()
    tail = (text or "")[start:]
    if tail.strip():
        sentences.append(tail.strip())
    return sentences


def leading_sentences(text: str, *, count: int = 3, max_chars: int = 400) -> str:
    """At most ``count`` sentences from the start of ``text``, as long as they fit in ``max_chars``.

    The first sentence is always kept whole, however long: a sentence is never cut.
    """
    chosen: list[str] = []
    length = 0
    for sentence in split_sentences(text)[:count]:
        if chosen and length + 1 + len(sentence) > max_chars:
            break
        chosen.append(sentence)
        length += len(sentence) + (1 if length else 0)
    return " ".join(chosen)

"""German prose → sentences, for every reader that quotes the sentence it read a fact from, and for
the short description a mail quotes.

Deadlines, funding rates, conditions and change summaries all keep "the sentence that states it",
so they must agree on what a sentence is; the mail quotes the source's own text (CC BY-ND), so a
description is cut only where a sentence ends, never inside one.

A sentence ends at ".", "!", "?", "…" (closing quotes and brackets may follow) before a capital
letter, an opening quote or bracket, or a numbered clause of a Richtlinie ("… förderfähig. 5.5 Die
…"); at a line break; and, for the readers, at ";" (a Richtlinie lists conditions that way). A
period after an abbreviation ("z. B.", "Nr.", "e. V.", "1 Mio.") or a day or month ("31. März",
"1. Nov. 2024") does not end one. A line that leaves a bracket open continues on the next line.
"""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?P<end>[.!?;…][“\"')\]]*)\s+(?=[A-ZÄÖÜ„\"(]|\d+\.\d+\.?\s+[A-ZÄÖÜ])|\n+")
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:\d{1,2}|[A-Za-zÄÖÜäöü]|bzw|ggf|vgl|ca|Nr|Abs|gem|inkl|zzgl|evtl|bzgl|Art|Ziff|lit|Dr|Prof|"
    r"St|Mio|Mrd|Tel|Str|sog|insb|usw|etc|max|min|mind|Buchst|Bst|Kap|Anl|Verf|Hrsg|Jh|Jan|Febr?|Apr|Aug|"
    r"Sept?|Okt|Nov|Dez|i\.\s?V|z\.\s?B|u\.\s?a|e\.\s?V|d\.\s?h|o\.\s?ä|s\.\s?o|s\.\s?u)\.$"
)


def _join_wrapped_lines(text: str) -> str:
    """Join a line that leaves a bracket open with the next one: a hard wrap inside a sentence."""
    lines = text.split("\n")
    joined = [lines[0]]
    for line in lines[1:]:
        if joined[-1].count("(") > joined[-1].count(")") and line.strip():
            joined[-1] += " " + line
        else:
            joined.append(line)
    return "\n".join(joined)


def split_sentences(text: str, *, at_semicolons: bool = True) -> list[str]:
    """The sentences of ``text``, whitespace inside each collapsed to single spaces.

    ``at_semicolons=False`` keeps clauses joined by ";" in one sentence (for quoting to people).
    """
    text = _join_wrapped_lines(text or "")
    sentences: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        punctuation = boundary.group("end")
        if punctuation:
            period_at = boundary.start() + 1
            if punctuation[0] == ";" and not at_semicolons:
                continue
            if punctuation[0] == "." and _ABBREVIATION.search(text[start:period_at]):
                continue
            head = text[start : boundary.start() + len(punctuation)]
        else:
            head = text[start : boundary.start()]
        if head.strip():
            sentences.append(" ".join(head.split()))
        start = boundary.end()
    tail = text[start:]
    if tail.strip():
        sentences.append(" ".join(tail.split()))
    return sentences


def leading_sentences(text: str, *, count: int = 3, max_chars: int = 400) -> str:
    """At most ``count`` sentences from the start of ``text``, as long as they fit in ``max_chars``.

    The first sentence is always kept whole, however long: a sentence is never cut.
    """
    chosen: list[str] = []
    length = 0
    for sentence in split_sentences(text, at_semicolons=False)[:count]:
        if chosen and length + 1 + len(sentence) > max_chars:
            break
        chosen.append(sentence)
        length += len(sentence) + (1 if length else 0)
    return " ".join(chosen)

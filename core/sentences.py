"""German prose → sentences, for every reader that quotes the sentence it read a fact from.

Deadlines, funding rates and change summaries all keep "the sentence that states it", so they
must agree on what a sentence is. Dates ("31. März"), abbreviations ("z. B.", "Nr.", "1 Mio.
Euro") and numbered points do not end a sentence; a line break always does.
"""

from __future__ import annotations

import re

# A sentence also ends before a numbered clause of a Richtlinie ("… förderfähig. 5.5 Die …").
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÄÖÜ„\"(]|\d+\.\d+\.?\s+[A-ZÄÖÜ])|\n+")
_NO_SPLIT_BEFORE = re.compile(
    r"\b(?:\d{1,2}|[a-zA-Z]|bzw|ggf|vgl|ca|Nr|Abs|gem|inkl|zzgl|evtl|bzgl|Art|Ziff|lit|Dr|St|Mio|Mrd|"
    r"Jan|Febr?|Apr|Aug|Sept?|Okt|Nov|Dez)\.$"
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


def split_sentences(text: str) -> list[str]:
    """Sentences of German prose, keeping "31. März", "1. Nov. 2024" and "z. B." inside their sentence."""
    text = _join_wrapped_lines(text)
    sentences: list[str] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        head = text[start : boundary.start()]
        if "\n" not in boundary.group() and _NO_SPLIT_BEFORE.search(head):
            continue
        if head.strip():
            sentences.append(" ".join(head.split()))
        start = boundary.end()
    tail = text[start:]
    if tail.strip():
        sentences.append(" ".join(tail.split()))
    return sentences

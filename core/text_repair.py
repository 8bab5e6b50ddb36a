"""Restore the characters the Förderdatenbank export lost, for display only.

The export writes every character outside Latin-1 as "?": the en dash ("Gebäude ? Nichtwohngebäude"),
the German quotes ("?E-Sport-Verband?"), the apostrophe ("Arm?s-length"), the ellipsis ("[?]").
Umlauts, "ß", "§" and "é" survive. The source's own web pages show the true characters, so putting
them back restores the source text; it does not rewrite it (the texts are CC BY-ND). Stored texts
stay exactly as delivered: this module is applied where a text is shown (mail, pages, feeds).

The repair is deterministic and replaces one "?" by one character, nothing else. It reads each
"?" from its neighbours:

- between two digits, or after "2." before a digit: a range dash ("2021?2027", "2.?4.");
- between two letters: an apostrophe ("Arm?s-length");
- "[?]": an ellipsis;
- before a word, after a space or an opening bracket: an opening quote „;
- after a word, before a space or punctuation: a closing quote “ when a quote is open; otherwise a
  real question mark ("Wer wird gefördert? Es werden …"), unless it cannot end a sentence (after a
  period, or before a small letter or a comma), where it closes a quote whose opening was lost;
- between spaces: a dash, or an opening quote if the next "?" closes it soon and cannot be a
  question mark ("Merkblatt ? KMU -Definition? unter" → „ KMU -Definition“).

URLs and HTML tags are left alone: their "?" are real ("index.php?auswahl=…").
"""

from __future__ import annotations

import re

DASH, OPENING, CLOSING, APOSTROPHE, ELLIPSIS = "–", "„", "“", "’", "…"
# Sources whose texts went through the lossy export; other sources' "?" are left as written.
LOSSY_SOURCES = frozenset({"foerderdatenbank"})

# Spans whose "?" are real: tags, URLs, and query strings ("…/public?lang=de").
_PROTECTED = re.compile(r"<[^>]*>|(?:https?://|www\.)[^\s<>\"]*|\?(?=[\w.-]+=)")
# Tags that end a paragraph: a quote never runs across them.
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|br|h[1-6]|tr|td|th|dd|dt|dl|table)\b", re.IGNORECASE)
_OPENERS = "([/"
_PAIR_REACH = 80  # a spaced "?" opens a quote only if its closing "?" follows within this many characters


def _is_blank(char: str) -> bool:
    return not char or char.isspace() or char in "<>"


def _cannot_end_sentence(before: str, after: str, after_next: str) -> bool:
    """A "?" here is no question mark: it follows a period, or small words or a comma follow it."""
    if before == ".":
        return True
    if after.isspace():
        return after_next.islower()
    return after in ",;:-"


class _Repair:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out = list(text)
        self.protected = [False] * len(text)
        self.breaks: list[int] = []
        for match in _PROTECTED.finditer(text):
            self.protected[match.start() : match.end()] = [True] * (match.end() - match.start())
            if _BLOCK_TAG.match(match.group()):
                self.breaks.append(match.start())
        self.marks = [i for i, char in enumerate(text) if char == "?" and not self.protected[i]]

    def char(self, i: int) -> str:
        return self.text[i] if 0 <= i < len(self.text) else ""

    def kind(self, i: int) -> str:
        """What the "?" at ``i`` is by its neighbours alone: dash, apostrophe, ellipsis, open, close, spaced."""
        before, after = self.char(i - 1), self.char(i + 1)
        if before == "[" and after == "]":
            return "ellipsis"
        if after.isdigit() and (before.isdigit() or before == "."):
            return "dash"
        if before.isalnum() and after.isalnum():
            return "apostrophe"
        if (_is_blank(before) or before in _OPENERS) and after.isalpha():
            return "open"
        if not _is_blank(before) and before not in _OPENERS and not after.isalnum():
            return "close"
        if _is_blank(before) and after == "-":  # '? Joint Call ?-Sekretariat': a closing quote
            return "close"
        return "spaced"

    def closes_soon(self, position: int, i: int) -> bool:
        """Whether the next "?" after the spaced one at ``i`` closes a quote and is no question mark."""
        following = self.marks[position + 1] if position + 1 < len(self.marks) else None
        if following is None or following - i > _PAIR_REACH or self.paragraph_break(i, following):
            return False
        if self.kind(following) != "close":
            return False
        after = self.char(following + 1)
        return after == ")" or _cannot_end_sentence(self.char(following - 1), after, self.char(following + 2))

    def paragraph_break(self, start: int, end: int) -> bool:
        return "\n" in self.text[start:end] or any(start < b < end for b in self.breaks)

    def run(self) -> str:
        quote_open_at: int | None = None
        for position, i in enumerate(self.marks):
            if quote_open_at is not None and self.paragraph_break(quote_open_at, i):
                quote_open_at = None
            kind = self.kind(i)
            if kind == "close":
                before, after = self.char(i - 1), self.char(i + 1)
                if quote_open_at is not None or _cannot_end_sentence(before, after, self.char(i + 2)):
                    self.out[i], quote_open_at = CLOSING, None
                continue  # otherwise a real question mark
            if kind == "spaced" and quote_open_at is None and self.closes_soon(position, i):
                kind = "open"
            if kind == "open":
                self.out[i], quote_open_at = OPENING, i
            else:
                self.out[i] = {"dash": DASH, "apostrophe": APOSTROPHE, "ellipsis": ELLIPSIS, "spaced": DASH}[kind]
        return "".join(self.out)


def restore_lost_characters(text: str) -> str:
    """The text with the export's "?" stand-ins put back (see the module docstring for the rules)."""
    if not text or "?" not in text:
        return text
    return _Repair(text).run()


def shown_text(text: str, source_key: str) -> str:
    """A stored text as it is shown: repaired when its source went through the lossy export."""
    return restore_lost_characters(text) if source_key in LOSSY_SOURCES else text

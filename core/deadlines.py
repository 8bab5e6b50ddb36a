"""German deadline prose → structured deadlines, for every spider.

No source states deadlines as data: the Förderdatenbank writes them as prose ("Reichen Sie bitte
Ihren Antrag … bis spätestens 31.7.2023 ein"), NRW pages likewise. This module reads that prose
and keeps the sentence it read the dates from, so a reader can check the result against the text.

Rules, in short:
- dates: "31.7.2023", "31.07.23", "31. Juli 2023", "30.09." / "30. September" (no year);
- a date without a year takes the year of a later date in the same sentence ("vom 1.3. bis
  30.4.2026"); otherwise it recurs every year and the next occurrence on or after ``today`` counts;
- only sentences that talk about deadlines count ("bis", "Frist", "Stichtag", "einreichen" …), so
  a Richtlinie's issue date is not taken for a deadline; "ab dem …" / "vom … bis" give ``opens_on``;
- impossible dates (31.02.2026) and implausible years (0207) are ignored, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "januar": 1,
    "jänner": 1,
    "jan": 1,
    "februar": 2,
    "febr": 2,
    "feb": 2,
    "märz": 3,
    "maerz": 3,
    "mär": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "dez": 12,
}
MONTH_NAMES = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
MIN_YEAR, MAX_YEAR = 1990, 2100

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
# One date mention: numeric "31.7.2023" / "31.07.23" / "30.09." or written "31. Juli 2023".
_DATE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?:"
    r"(?P<m>\d{1,2})\.(?:\s?(?P<y>\d{4}|\d{2})(?![\d]))?"
    r"|\s?(?P<mn>" + _MONTH_ALT + r")\.?(?:\s+(?P<yn>\d{4})(?!\d))?(?![a-zäöüß])"
    r")",
    re.IGNORECASE,
)
_OPENING = re.compile(r"(?:\bab(?:\s+dem)?|\bvom|\bbeginnend\s+(?:mit\s+dem|am))\s*$", re.IGNORECASE)
_CUES = re.compile(
    r"\bbis\b|frist|stichtag|einreich|eingereicht|spätestens|\bantr[aä]g|termin|einsend|vorleg|"
    r"bewerb|jeden\s+jahres|jährlich|\bab\s+(?:dem\s+)?\d|einreichungsrunde|skizze",
    re.IGNORECASE,
)
_ROLLING = re.compile(
    r"(?<![a-zäöüß])(?:fort)?laufend|jederzeit|ganzjährig|keine\s+(?:antrags|einreichungs)?frist|"
    r"ohne\s+(?:antrags)?frist|nicht\s+an\s+(?:eine\s+)?frist|stichtag(?:e)?\s+entf[aä]ll",
    re.IGNORECASE,
)
# Cheap substring test before the rolling regex runs over long texts.
_ROLLING_WORDS = ("laufend", "jederzeit", "ganzjährig", "frist", "stichtag")
_APPLYING = re.compile(r"antr[aä]g|einreich|eingereicht|skizze|bewerb|frist|stichtag", re.IGNORECASE)
# Status-note closure, including the misspellings seen in the data (Antagstellung, merh).
_CLOSED = re.compile(
    r"nicht\s+(?:mehr|merh|meht)\s+m[öo]glich|(?:derzeit|zurzeit|zur\s+zeit|aktuell)\s+nicht\s+m[öo]glich|"
    r"ausgelaufen|abgelaufen|beendet|eingestellt|geschlossen|keine\s+(?:neuen\s+)?antr[äa]ge\s+(?:mehr\s+)?",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÄÖÜ„\"(])|\n+")
_NO_SPLIT_BEFORE = re.compile(
    r"\b(?:\d{1,2}|[a-zA-Z]|bzw|ggf|vgl|ca|Nr|Abs|gem|inkl|zzgl|evtl|bzgl|Art|Ziff|lit|Dr|St|Mio|Mrd)\.$"
)


@dataclass(frozen=True)
class DeadlineInfo:
    deadlines: tuple[date, ...]  # application deadlines read, ascending, de-duplicated
    next_deadline: date | None  # first deadline >= today
    last_deadline: date | None
    opens_on: date | None  # start of an application window if stated ("ab dem 1. März")
    rolling: bool  # laufend / jederzeit / fortlaufend / keine Frist
    closed: bool  # "Antragstellung nicht mehr möglich", "ausgelaufen", "derzeit nicht möglich"…
    sentence: str  # the source sentence(s) the dates were read from


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    day: int
    month: int
    year: int | None  # None: not written


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    year = int(raw)
    return 2000 + year if len(raw) == 2 else year


def _mentions(text: str) -> list[_Mention]:
    found = []
    for match in _DATE.finditer(text):
        day = int(match["d"])
        month = int(match["m"]) if match["m"] else MONTHS.get((match["mn"] or "").lower(), 0)
        year = _year(match["y"] or match["yn"])
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            continue
        if not 1 <= month <= 12 or _safe_date(year or 2000, month, day) is None:
            continue
        found.append(_Mention(match.start(), match.end(), day, month, year))
    return found


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_occurrence(month: int, day: int, today: date) -> date | None:
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        candidate = _safe_date(year, month, day)  # 29.02. exists only in leap years
        if candidate is not None and candidate >= today:
            return candidate
    return None


def parse_german_date(text: str, *, default_year: int | None = None) -> date | None:
    """The first valid German date written in ``text``, or None.

    A date without a year uses ``default_year``; without that it is skipped.
    """
    try:
        for mention in _mentions(text or ""):
            year = mention.year if mention.year is not None else default_year
            if year is not None and MIN_YEAR <= year <= MAX_YEAR:
                found = _safe_date(year, mention.month, mention.day)
                if found is not None:
                    return found
    except (TypeError, ValueError):
        return None
    return None


def split_sentences(text: str) -> list[str]:
    """Sentences of German prose, keeping "31. März" and "z. B." inside their sentence."""
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


def _dates_of_sentence(sentence: str, today: date) -> tuple[list[date], list[date]]:
    """(deadlines, window openings) written in one sentence."""
    mentions = _mentions(sentence)
    deadlines: list[date] = []
    openings: list[date] = []
    for index, mention in enumerate(mentions):
        year = mention.year
        if year is None:
            later = next((m.year for m in mentions[index + 1 :] if m.year is not None), None)
            if later is not None:
                year = later
        if year is None:
            when = _next_occurrence(mention.month, mention.day, today)
        else:
            when = _safe_date(year, mention.month, mention.day)
        if when is None:
            continue
        before = sentence[max(0, mention.start - 25) : mention.start]
        after = sentence[mention.end : mention.end + 20]
        if _OPENING.search(before):
            if before.rstrip().lower().endswith("vom") and not re.match(r"\s*(?:bis|[-–])", after):
                continue  # "Bekanntmachung vom 16.01.2023": an issue date, not a window
            openings.append(when)
        else:
            deadlines.append(when)
    return deadlines, openings


def _is_rolling(sentence: str) -> bool:
    """ "Anträge laufend" but not "laufende Zuschüsse": the word must be about applying (or stand alone)."""
    return bool(_ROLLING.search(sentence)) and (bool(_APPLYING.search(sentence)) or len(sentence.split()) <= 6)


def parse_deadlines(text: str, *, today: date, status_note: str = "") -> DeadlineInfo:
    """Read deadlines, window start and rolling/closed flags from deadline prose and a status note."""
    text = text or ""
    status_note = status_note or ""
    deadlines: set[date] = set()
    openings: list[date] = []
    used: list[str] = []
    rolling_sentence = ""
    try:
        lowered = text.lower()
        if not _DATE.search(text) and not any(word in lowered for word in _ROLLING_WORDS):
            text = ""  # nothing to read: skip the sentence work (long descriptions, legal texts)
        for sentence in split_sentences(text.replace("\u00a0", " ")):
            if not rolling_sentence and _is_rolling(sentence):
                rolling_sentence = sentence
            if not _CUES.search(sentence):
                continue
            found, opened = _dates_of_sentence(sentence, today)
            if found or opened:
                deadlines.update(found)
                openings.extend(opened)
                used.append(sentence)
        closed = bool(_CLOSED.search(status_note)) or bool(
            re.search(
                r"antr\w*\s+(?:ist\s+)?(?:derzeit\s+|zurzeit\s+)?nicht\s+(?:mehr|merh)\s+m[öo]glich",
                text,
                re.IGNORECASE,
            )
        )
    except (TypeError, ValueError):
        return DeadlineInfo((), None, None, None, False, False, "")
    ordered = tuple(sorted(deadlines))
    upcoming = [d for d in ordered if d >= today]
    if not used and rolling_sentence:
        used.append(rolling_sentence)
    return DeadlineInfo(
        deadlines=ordered,
        next_deadline=upcoming[0] if upcoming else None,
        last_deadline=ordered[-1] if ordered else None,
        opens_on=min(openings) if openings else None,
        rolling=bool(rolling_sentence),
        closed=closed,
        sentence=" ".join(used),
    )


def parse_first_deadlines(texts: list[str], *, today: date, status_note: str = "") -> DeadlineInfo:
    """Deadlines from the first of several texts (most trusted first) that states any.

    Sources keep deadline prose in a field of its own ("Fristen") but sometimes only in the
    description; a later text is read only when the earlier ones say nothing about deadlines.
    """
    first = None
    for text in texts:
        info = parse_deadlines(text, today=today, status_note=status_note)
        if info.deadlines or info.rolling or info.opens_on:
            return info
        first = first or info
    return first or parse_deadlines("", today=today, status_note=status_note)


def format_date(when: date, *, written: bool = False) -> str:
    """German form of a date: "31.7.2023" or, with ``written``, "31. Juli 2023"."""
    if written:
        return f"{when.day}. {MONTH_NAMES[when.month - 1]} {when.year}"
    return f"{when.day}.{when.month}.{when.year}"

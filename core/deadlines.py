"""German (and plain English) deadline prose → structured deadlines, for every source.

No source states deadlines as data: the Förderdatenbank writes them as prose ("Reichen Sie bitte
Ihren Antrag … bis spätestens 31.7.2023 ein"), NRW pages likewise, and a Richtlinie is full of dates
that are no deadline at all ("vom 16.01.2023", "gilt bis 31.12.2026", "nach dem 12.10.2021
begonnen"). This module reads the prose and keeps the sentences it read the dates from, so a reader
can check the result against the text.

A date is a deadline only when both hold:
- its clause talks about applying (Antrag, einreichen, Skizze, Bewerbung, Stichtag, Frist, Aufruf …)
  and not about validity, start, proof of use or reporting (gilt, befristet, begonnen, Verwendungsnachweis …);
- the words right before it make it a limit: "bis (zum|spätestens)", "zum", "endet am", "Stichtag ist der",
  "Antragsfrist:", "until", "extended to" — or it continues a list of such dates ("zum 16.03., 08.07.").
"ab dem", "vom … bis", "zwischen dem … und", "beginnt am", "opens on" give the window's opening.
A date written without a year recurs every year ("bis zum 30. September für das folgende
Programmjahr") unless a dated neighbour lends it its year ("vom 1.3. bis 30.4.2027").
"Weitere Förderzeiträume folgen" marks a next window as expected. Impossible dates are ignored;
nothing here raises. The labelled sentences in tests/fixtures/deadlines/ are the yardstick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.sentences import split_sentences

MONTHS = {
    "januar": 1,
    "jänner": 1,
    "january": 1,
    "jan": 1,
    "februar": 2,
    "february": 2,
    "febr": 2,
    "feb": 2,
    "märz": 3,
    "maerz": 3,
    "march": 3,
    "mär": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "december": 12,
    "dez": 12,
    "dec": 12,
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
# One date mention: numeric "31.7.2023" / "31.07.23" / "30.09.", written "31. Juli 2023" / "8 March 2022",
# or English "March 8, 2022". A numeric day-month followed by a digit ("2.1.2") is a section number.
_DATE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?:"
    r"(?P<m>\d{1,2})\.(?:\s?(?P<y>\d{4}|\d{2})(?!\d))?(?!\d)"
    r"|\s?(?P<mn>" + _MONTH_ALT + r")\.?(?:\s+(?P<yn>\d{4})(?!\d))?(?![a-zäöüß])"
    r")"
    r"|(?<![\d.])(?P<ed>\d{1,2})(?:st|nd|rd|th)?\s+(?P<em>" + _MONTH_ALT + r")\b\.?(?:\s+(?P<ey>\d{4})(?!\d))?"
    r"|\b(?P<um>" + _MONTH_ALT + r")\s+(?P<ud>\d{1,2}),\s+(?P<uy>\d{4})(?!\d)",
    re.IGNORECASE,
)
# Words that make a clause be about applying.
_APPLYING = re.compile(
    r"antr[aä]g|beantrag|einreich|eingereicht|einzureichen|skizze|bewerb|stichtag|frist(?:en)?\b|einsendeschluss|"
    r"teilnahmeschluss|einsend|förderfenster|antragsfenster|aufruf|wettbewerb|einreichungsrunde|anmeldung|"
    r"vorschlagsliste|zuwendungsbedarf|für\s+das\s+(?:folgende\s+programmjahr|folgejahr)|deadline|submission|submit|cut-off|"
    r"\bcall\b|closes|proposals",
    re.IGNORECASE,
)
# Applying words strong enough to make "ab dem …" an opening (not "Ausgaben ab dem 1. Januar des Programmjahres").
_OPENING_CUE = re.compile(
    r"antr[aä]g|beantrag|einreich|eingereicht|skizze|bewerb|fenster|aufruf|wettbewerb|\bcall\b|opening|opens",
    re.IGNORECASE,
)
# Near the date, these make it a validity, start, payment, proof-of-use or reporting date.
_NOT_APPLYING = re.compile(
    r"in\s+kraft|außer\s+kraft|\bgilt\b|\bgelten\b|gültig|befristet|laufzeit|begonnen|abgeschlossen|bewilligt|"
    r"verwendungsnachweis|nachzuweisen|bericht|aufzubewahren|ausgezahlt|auszahlung|getätigt|erbracht|verwendet|"
    r"entstehen|entstanden|erstellt\b|statt\b",
    re.IGNORECASE,
)
_NEAR_BEFORE, _NEAR_AFTER = 50, 45
_DEADLINE_BEFORE = re.compile(
    r"(?:\bbis(?:\s+(?:zum|spätestens|einschließlich|längstens|zu))*(?:\s+zum)?"
    r"|\bspätestens(?:\s+(?:zum|am|bis))*"
    r"|\b(?:jeweils\s+)?zum"
    r"|\b(?:endet|endete|enden|endeten|schließt|läuft|lief)\s+(?:jährlich\s+|jeweils\s+)?am"
    r"|\b(?:ist|sind|war|waren)\s+(?:jeweils\s+|jährlich\s+)?(?:der|am)"
    r"|\bstichtag(?:e|en)?(?:\s+ist)?(?:\s+der)?"
    r"|(?:frist|stichtag\w*|schluss|termin\w*|deadline\w*|submission|cut-offs?|dates?|runde\s*\d?)[^:.\d]{0,30}:\s*(?:bis\s+)?"
    r"|\buntil|\bextended\s+to|\bcloses\s+on|\bclosing\s+date:?"
    r")\s*(?:dem\s+|den\s+)?$",
    re.IGNORECASE,
)
_LATE_BEFORE = re.compile(r"\bnach\s+dem\s*$", re.IGNORECASE)  # "Anträge, die nach dem … eingehen, …"
_LATE_CLAUSE = re.compile(r"nicht\s+(?:mehr\s+)?berücksichtigt|verspätet", re.IGNORECASE)
_OPENING_BEFORE = re.compile(
    r"(?:\bab(?:\s+dem)?|\bbeginnend\s+(?:mit\s+dem|am)|\b(?:beginnt|beginnen|startet|starten)\s+(?:am|mit\s+dem)"
    r"|\bopens\s+on|\bopening\s*:|\bopening\s+date:?)\s*$",
    re.IGNORECASE,
)
_RANGE_START_BEFORE = re.compile(r"(?:\bvom|\bvon|\bzwischen\s+dem|\bfrom)\s*$", re.IGNORECASE)
_RANGE_NEXT = re.compile(r"^\s*(?:bis(?:\s+zum)?|und(?:\s+dem)?|[-–]|to|until)\s*$", re.IGNORECASE)
_BARE_RANGE_NEXT = re.compile(r"^\s*(?:bis|[-–])\s*$", re.IGNORECASE)  # "01. Nov. 2024 bis 31. Dez. 2027"
_OPENED_AFTER = re.compile(r"^\s*(?:eröffnet|geöffnet)", re.IGNORECASE)
_ON_BEFORE = re.compile(r"\bam\s*$", re.IGNORECASE)
_LIST_GAP = re.compile(
    r"^\s*(?:,|und|oder|sowie|bzw\.?|and|&)?\s*(?:(?:bis|zum|der|dem|den|spätestens)\s+)*$", re.IGNORECASE
)
# A numeric date without a year ("30.9.") counts only after one of these words, else it is a section number.
_YEARLESS_NUMERIC_BEFORE = re.compile(
    r"(?:\bbis|\bzum|\bam|\bab|\bvom|\bdem|\bden|\bder|\bund|\boder|\bzwischen|spätestens|einschließlich|jeweils|"
    r"stichtag\w*|frist\w*|:|,)\s*$",
    re.IGNORECASE,
)
# Clause limits inside long legal sentences: ";" and numbered items ("… 7.1 Anträge …").
_CLAUSE_END = re.compile(r";|\s\d{1,2}(?:\.\d{1,2})*\.?\s(?=[A-ZÄÖÜ])(?!(?i:" + _MONTH_ALT + r")\b)")
_WORDS_OF_A_LINE = 14  # a short line with a bare range "01. Nov. 2024 bis 31. Dez. 2027" is a window
_ROLLING = re.compile(
    r"(?<![a-zäöüß])(?:fort)?laufend\b|jederzeit|ganzjährig|keine\s+(?:antrags|einreichungs)?frist|"
    r"ohne\s+(?:antrags)?frist|nicht\s+an\s+(?:eine\s+)?frist|stichtag(?:e)?\s+entf[aä]ll|bis\s+auf\s+weiteres",
    re.IGNORECASE,
)
_NEXT_WINDOW = re.compile(
    r"weitere\w*\s+(?:förder|antrags|einreichungs)?(?:zeiträume|fenster|aufrufe|runden|stichtage)\s+"
    r"(?:folgen|sind\s+geplant|werden\s+folgen|sind\s+vorgesehen)"
    r"|weiterer\s+(?:förder)?aufruf\s+ist\s+(?:für\s+\d{4}\s+)?(?:geplant|vorgesehen)"
    r"|nächste[ns]?\s+(?:förder|antrags)?(?:fenster|aufruf|runde)",
    re.IGNORECASE,
)
# Status-note closure, including the misspellings seen in the data (Antagstellung, merh).
CLOSED_NOTE = re.compile(
    r"nicht\s+(?:mehr|merh|meht)\s+m[öo]glich|(?:derzeit|zurzeit|zur\s+zeit|aktuell)\s+nicht\s+m[öo]glich|"
    r"ausgelaufen|abgelaufen|beendet|eingestellt|geschlossen|keine\s+(?:neuen\s+)?antr[äa]ge\s+(?:mehr\s+)?",
    re.IGNORECASE,
)
# Closure said in the prose itself: conservative ("Der Aufruf ist beendet, ein weiterer folgt" is not closed).
_CLOSED_TEXT = re.compile(
    r"antr\w*\s+(?:ist\s+)?(?:derzeit\s+|zurzeit\s+|leider\s+)?nicht\s+(?:mehr|merh)\s+m[öo]glich"
    r"|antragstellung\s+ist\s+(?:derzeit|zurzeit)\s+nicht\s+m[öo]glich"
    r"|keine\s+(?:neuen\s+)?antr[äa]ge\s+mehr|(?:programm|förderung|aufruf)\s+wurde\s+(?:\S+\s+){0,5}eingestellt",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DeadlineInfo:
    """What deadline prose says; ``next_deadline`` and ``last_deadline`` are relative to the day it was read."""

    deadlines: tuple[date, ...] = ()  # dated deadlines, ascending, de-duplicated
    yearly: tuple[str, ...] = ()  # "MM-DD" of deadlines that recur every year, ascending
    opens_on: date | None = None  # start of an application window if stated ("ab dem 1. März 2027")
    rolling: bool = False  # laufend / jederzeit / keine Frist
    closed: bool = False  # "Antragstellung nicht mehr möglich", "ausgelaufen", "keine Anträge mehr"
    next_window_expected: bool = False  # "weitere Förderzeiträume folgen"
    next_deadline: date | None = None  # first dated or yearly deadline on or after the day of reading
    last_deadline: date | None = None  # last dated deadline
    sentence: str = ""  # the source sentence(s) the facts were read from


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    day: int
    month: int
    year: int | None  # None: not written
    numeric: bool


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    year = int(raw)
    return 2000 + year if len(raw) == 2 else year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _mentions(text: str) -> list[_Mention]:
    found = []
    for match in _DATE.finditer(text):
        if match["d"]:
            day, numeric = int(match["d"]), bool(match["m"])
            month = int(match["m"]) if match["m"] else MONTHS.get((match["mn"] or "").lower(), 0)
            year = _year(match["y"] or match["yn"])
        elif match["ed"]:
            day, month, year, numeric = int(match["ed"]), MONTHS.get(match["em"].lower(), 0), _year(match["ey"]), False
        else:
            day, month, year, numeric = int(match["ud"]), MONTHS.get(match["um"].lower(), 0), _year(match["uy"]), False
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            continue
        if not 1 <= month <= 12 or _safe_date(year or 2000, month, day) is None:  # 2000: 29.02. may exist
            continue
        found.append(_Mention(match.start(), match.end(), day, month, year, numeric))
    return found


def next_occurrence(month: int, day: int, today: date) -> date | None:
    """The first day ``day``.``month`` on or after ``today`` (29.02. only in leap years)."""
    for year in range(today.year, today.year + 5):
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


def next_yearly(yearly: list[str] | tuple[str, ...], today: date) -> date | None:
    """The next occurrence of any "MM-DD" in ``yearly`` on or after ``today``; malformed entries are skipped."""
    upcoming = []
    for entry in yearly or ():
        month, _, day = str(entry).partition("-")
        if month.isdigit() and day.isdigit() and (when := next_occurrence(int(month), int(day), today)):
            upcoming.append(when)
    return min(upcoming) if upcoming else None


def parse_german_date(text: str, *, default_year: int | None = None) -> date | None:
    """The first valid date written in ``text``, or None; a date without a year uses ``default_year``."""
    for mention in _mentions(text or ""):
        year = mention.year if mention.year is not None else default_year
        if year is not None and MIN_YEAR <= year <= MAX_YEAR:
            found = _safe_date(year, mention.month, mention.day)
            if found is not None:
                return found
    return None


def _clause_bounds(sentence: str, position: int) -> tuple[int, int]:
    start, end = 0, len(sentence)
    for limit in _CLAUSE_END.finditer(sentence):
        if limit.end() <= position:
            start = limit.end()
        elif limit.start() >= position:
            end = limit.start()
            break
    return start, end


@dataclass(frozen=True)
class _Read:
    deadlines: list[tuple[_Mention, int | None]]  # mention and the year it was given (None: recurs)
    openings: list[tuple[_Mention, int | None]]


def _roles(sentence: str) -> _Read:
    """Sort the dates of one sentence into deadlines and openings; the rest are not about applying."""
    mentions = _mentions(sentence)
    short_line = len(sentence.split()) <= _WORDS_OF_A_LINE and not _NOT_APPLYING.search(sentence)
    roles: list[str | None] = []
    for index, mention in enumerate(mentions):
        start, end = _clause_bounds(sentence, mention.start)
        clause = sentence[start:end]
        before = sentence[start : mention.start]
        after = sentence[mention.end : end]
        near = sentence[max(start, mention.start - _NEAR_BEFORE) : min(end, mention.end + _NEAR_AFTER)]
        previous = mentions[index - 1] if index else None
        role = None
        if mention.numeric and mention.year is None and not _YEARLESS_NUMERIC_BEFORE.search(before[-30:]):
            roles.append(None)  # "Nummer 2.1." / "1.2. Das Ministerium": a section number
            continue
        applying = bool(_APPLYING.search(clause)) and not _NOT_APPLYING.search(near)
        gap = sentence[mention.end : mentions[index + 1].start] if index + 1 < len(mentions) else ""
        opens_range = (applying and _RANGE_START_BEFORE.search(before[-20:]) and _RANGE_NEXT.match(gap)) or (
            short_line and _BARE_RANGE_NEXT.match(gap)
        )
        opening_words = _OPENING_BEFORE.search(before[-30:]) or (
            _ON_BEFORE.search(before[-10:]) and _OPENED_AFTER.match(after)
        )
        if opens_range or (opening_words and _OPENING_CUE.search(clause) and not _NOT_APPLYING.search(near)):
            role = "opening"
        elif previous is not None and roles[-1] is not None and _LIST_GAP.match(sentence[previous.end : mention.start]):
            role = "deadline"  # "zum 16.03.2026, 08.07.2026" or the end of "vom 1.3. bis 30.4.2027"
        elif applying and (
            _DEADLINE_BEFORE.search(before[-60:]) or (_LATE_BEFORE.search(before[-20:]) and _LATE_CLAUSE.search(clause))
        ):
            role = "deadline"
        roles.append(role)
    deadlines: list[tuple[_Mention, int | None]] = []
    openings: list[tuple[_Mention, int | None]] = []
    for index, (mention, role) in enumerate(zip(mentions, roles, strict=True)):
        if role is None:
            continue
        year = mention.year if mention.year is not None else _lent_year(mentions, roles, index)
        (deadlines if role == "deadline" else openings).append((mention, year))
    return _Read(deadlines, openings)


def _lent_year(mentions: list[_Mention], roles: list[str | None], index: int) -> int | None:
    """The year of the nearest dated window date within reach ("vom 1.3. bis 30.4.2027"), else None."""
    mention = mentions[index]
    lenders = [
        other
        for other, role in zip(mentions, roles, strict=True)
        if role is not None and other.year is not None and abs(other.start - mention.start) <= 80
    ]
    if not lenders:
        return None
    return min(lenders, key=lambda other: abs(other.start - mention.start)).year


def _is_rolling(sentence: str) -> bool:
    """ "Anträge laufend" but not "laufende Zuschüsse": the word must be about applying (or stand alone)."""
    return bool(_ROLLING.search(sentence)) and (bool(_APPLYING.search(sentence)) or len(sentence.split()) <= 6)


def parse_deadlines(text: str, *, today: date, status_note: str = "") -> DeadlineInfo:
    """Read deadlines, window opening and rolling / closed / next-window facts from prose and a status note."""
    try:
        return _parse(str(text or ""), today, str(status_note or ""))
    except (TypeError, ValueError, OverflowError):  # never let odd input stop a crawl
        return DeadlineInfo()


def _parse(text: str, today: date, status_note: str) -> DeadlineInfo:
    dated: set[date] = set()
    yearly: set[str] = set()
    openings: list[date] = []
    yearly_openings: list[tuple[int, int]] = []
    used: list[str] = []
    rolling = next_window = closed_text = False
    for sentence in split_sentences(text.replace("\u00a0", " ")):
        read = _roles(sentence) if _DATE.search(sentence) else _Read([], [])
        sentence_rolling = _is_rolling(sentence)
        sentence_next = bool(_NEXT_WINDOW.search(sentence))
        sentence_closed = bool(_CLOSED_TEXT.search(sentence))
        for mention, year in read.deadlines:
            if year is None:
                yearly.add(f"{mention.month:02d}-{mention.day:02d}")
            elif (when := _safe_date(year, mention.month, mention.day)) is not None:
                dated.add(when)
        for mention, year in read.openings:
            if year is None:
                yearly_openings.append((mention.month, mention.day))
            elif (when := _safe_date(year, mention.month, mention.day)) is not None:
                openings.append(when)
        rolling |= sentence_rolling
        next_window |= sentence_next
        closed_text |= sentence_closed
        if read.deadlines or read.openings or sentence_rolling or sentence_next or sentence_closed:
            used.append(sentence)
    ordered = tuple(sorted(dated))
    recurring = tuple(sorted(yearly))
    upcoming = [d for d in ordered if d >= today]
    if (next_recurring := next_yearly(recurring, today)) is not None:
        upcoming.append(next_recurring)
    next_deadline = min(upcoming) if upcoming else None
    if not openings and yearly_openings:
        openings = _yearly_openings(yearly_openings, next_deadline, today)
    return DeadlineInfo(
        deadlines=ordered,
        yearly=recurring,
        opens_on=min(openings) if openings else None,
        rolling=rolling,
        closed=bool(CLOSED_NOTE.search(status_note)) or closed_text,
        next_window_expected=next_window,
        next_deadline=next_deadline,
        last_deadline=ordered[-1] if ordered else None,
        sentence=" ".join(used),
    )


def _yearly_openings(days: list[tuple[int, int]], next_deadline: date | None, today: date) -> list[date]:
    """A yearly window's opening in the year of its next closing ("zwischen dem 31.8. und dem 15.10.")."""
    found = []
    for month, day in days:
        if next_deadline is not None:
            year = (
                next_deadline.year
                if (month, day) <= (next_deadline.month, next_deadline.day)
                else next_deadline.year - 1
            )
            when = _safe_date(year, month, day)
        else:
            when = next_occurrence(month, day, today)
        if when is not None:
            found.append(when)
    return found


def parse_first_deadlines(texts: list[str], *, today: date, status_note: str = "") -> DeadlineInfo:
    """Deadlines from the first of several texts (most trusted first) that states any.

    Sources keep deadline prose in a field of its own ("Fristen") but sometimes only in the
    description; a later text is read only when the earlier ones say nothing about deadlines.
    """
    first = None
    for text in texts:
        info = parse_deadlines(text, today=today, status_note=status_note)
        if info.deadlines or info.yearly or info.rolling or info.opens_on or info.next_window_expected:
            return info
        first = first or info
    return first or parse_deadlines("", today=today, status_note=status_note)


def format_date(when: date, *, written: bool = False) -> str:
    """German form of a date: "31.7.2023" or, with ``written``, "31. Juli 2023"."""
    if written:
        return f"{when.day}. {MONTH_NAMES[when.month - 1]} {when.year}"
    return f"{when.day}.{when.month}.{when.year}"

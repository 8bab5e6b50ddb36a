"""One digest item: what a clerk needs to decide on a programme, built once and shown everywhere.

The mail (HTML and text), the staff's digest preview, the member's Atom feed and the staff's
programme page all show a programme through ``DigestItem``, so they say the same. Texts are the
source's own: plain text (``plain``), the Förderdatenbank's lost characters restored
(``core.text_repair``), a description cut only at sentence ends (``core.sentences``).

The deadline line is the one status of ``core.deadline_status`` (the same words as in ``match
explain`` and on the pages); the rate is as the source writes it; "Warum" is the matcher's summary.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import nh3

from core import vocab
from core.cooperation import joint_application_sentence
from core.deadline_status import deadline_status
from core.labels import LEVEL_LABELS, label
from core.sentences import leading_sentences, split_sentences
from core.text_repair import shown_text
from store.explanation import OwnShareLine
from store.models import Match, Programme, row_id

DESCRIPTION_SENTENCES = 3
# Bounds on every other field; they bound the mail's size (Gmail clips mails over ~102 KB).
TITLE_CHARS = 220
LINE_CHARS = 240
APPLICANTS_CHARS = 300  # an eligibility sentence longer than this is cut at a word
RATE_CHARS = 80
SOURCE_SENTENCE_CHARS = 300  # the quoted sentence under the own share
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Contact:
    """Who answers questions: a person or an office, and how to reach them (each part optional)."""

    name: str
    phone: str = ""
    email: str = ""  # only a well-formed address; a malformed one stays in ``email_as_written``
    email_as_written: str = ""
    web: str = ""  # an http(s) address only

    @property
    def web_label(self) -> str:
        """The web address as a short link text: its host without "www."."""
        return (urlsplit(self.web).hostname or self.web).removeprefix("www.")

    def line(self) -> str:
        parts = [self.name]
        if self.phone:
            parts.append(f"Tel. {self.phone}")
        if self.email or self.email_as_written:
            parts.append(self.email or self.email_as_written)
        if self.web:
            parts.append(self.web)
        return " · ".join(part for part in parts if part)


@dataclass
class DigestItem:
    programme_id: int
    match_id: int | None
    title: str
    url: str
    funder: str
    level: str
    description: str  # the source's short text, at most three whole sentences
    applicants: str  # "Wer kann beantragen"
    funding_types: list[str] = field(default_factory=list)  # Förderart labels
    funding_rate: str = ""  # as the source writes it
    deadline_label: str = ""  # the deadline status on the digest's day: "Frist am 31.03.2027 (noch 118 Tage)"
    why: str = ""  # the matcher's summary
    contact: Contact | None = None
    attribution: str = ""
    # For this member (``store.explanation``): what to check because a fact is unknown, the own share
    # the stated rate leaves, and the other members that received a programme made for joint bids.
    checks: list[str] = field(default_factory=list)  # "bitte prüfen: GRW-Fördergebiet – …"
    own_share: OwnShareLine | None = None
    joint: str = ""  # the sentence that invites joint applications; "" when none does
    peers: list[str] = field(default_factory=list)  # filled by the assembler (``store.peers``)

    @property
    def own_share_source(self) -> str:
        return shorten(self.own_share.sentence, SOURCE_SENTENCE_CHARS) if self.own_share else ""

    def fit_lines(self) -> list[str]:
        """The member's own lines as plain text: checks, own share (how, source), peers."""
        lines = [f"Bitte prüfen: {check.split(': ', 1)[-1]}" for check in self.checks]
        if self.own_share:
            lines += [
                f"Eigenanteil für Sie: {self.own_share.text}",
                f"Wie berechnet: {self.own_share.how}",
                f"Quelle: „{self.own_share_source}“",
            ]
        if self.joint and self.peers:
            lines.append(f"Gemeinsam beantragen? Diese Woche auch erhalten: {', '.join(self.peers)}")
        return lines

    @property
    def facts(self) -> str:
        """Funder and level, e.g. "Bundesagentur für Arbeit (BA) · Bund" (no dangling separator)."""
        return " · ".join(dict.fromkeys(part for part in (self.funder, self.level) if part))

    def text_lines(self) -> list[str]:
        """The item below its title as plain-text lines (text mail, feed)."""
        lines = [self.facts, self.description]
        if self.applicants:
            lines.append(f"Wer kann beantragen: {self.applicants}")
        if self.funding_types:
            lines.append(f"Förderart: {', '.join(self.funding_types)}")
        if self.funding_rate:
            lines.append(f"Förderquote: {self.funding_rate}")
        lines.append(f"Antragstellung: {self.deadline_label}")
        if self.why:
            lines.append(f"Warum passt das? {self.why}")
        lines += self.fit_lines()
        if self.contact:
            lines.append(f"Kontakt: {self.contact.line()}")
        return [line for line in lines if line]


def build_item(programme: Programme, match: Match | None, *, today: date, max_chars: int) -> DigestItem:
    """The item of ``programme`` (the record the member is shown) for ``match``."""

    def text(value: str, limit: int = LINE_CHARS) -> str:
        return shorten(shown_text(plain(value), programme.source_key), limit)

    return DigestItem(
        programme_id=row_id(programme),
        match_id=match.id if match else None,
        title=text(programme.title, TITLE_CHARS) or "(ohne Titel)",
        url=programme.url,
        funder=text(programme.funder),
        level=label(LEVEL_LABELS, programme.level) if programme.level != "other" else "",
        description=description_of(programme, max_chars),
        applicants=applicants_line(programme),
        funding_types=[vocab.label("foerderart", code) for code in programme.funding_types],
        funding_rate=text(programme.funding_rate, RATE_CHARS),
        deadline_label=deadline_status(programme, today).label(today),
        why=shorten(plain(match.explanation.summary), LINE_CHARS) if match else "",
        contact=contact_of(programme, text),
        attribution=programme.attribution,
        checks=[shorten(line.line(), LINE_CHARS) for line in match.explanation.conditions if line.outcome == "unknown"]
        if match
        else [],
        own_share=match.explanation.own_share if match else None,
        joint=joint_application_sentence(programme),
    )


def description_of(programme: Programme, max_chars: int) -> str:
    """The source's short text (Kurztext, else the description, else the opening of the legal text):
    up to three whole sentences within ``max_chars``. Only a first sentence longer than twice that (no
    real record has one) is cut at a word, with an ellipsis, so that one odd record cannot make the
    mail too big."""
    source = programme.teaser_text or programme.description_text or body_opening(programme.legal_text)
    text = shown_text(plain(source), programme.source_key)
    return shorten(leading_sentences(text, count=DESCRIPTION_SENTENCES, max_chars=max_chars), 2 * max_chars)


def body_opening(text: str) -> str:
    """What a text written under headings says first about the programme's aim.

    About a third of the Förderdatenbank's records leave Kurztext and description empty and state
    their aim only in the legal text: under "Ziel und Gegenstand" (sometimes run together into one
    paragraph), or as the first prose paragraphs, where a heading is a paragraph that does not end
    like a sentence. Records that hold only their legal basis get nothing: no description is invented."""
    text = text or ""
    aim = _AIM_SECTION.search(text)
    if aim:
        return _NEXT_HEADING.split(aim.group(1), maxsplit=1)[0].strip()
    opening: list[str] = []
    for paragraph in (part.strip() for part in text.split("\n\n")):
        if paragraph and paragraph[-1] in ".!?" and not paragraph.startswith("Rechtsgrundlage"):
            opening.append(paragraph)
        elif paragraph and opening:
            break
    return "\n\n".join(opening)


_AIM_SECTION = re.compile(r"\bZiel und Gegenstand\s+(.+)", re.S)
_NEXT_HEADING = re.compile(
    r"\s(?:Antragsberechtigte|Voraussetzungen|Art und Höhe der Förderung|Rechtsgrundlage|Antragsverfahren)\s"
)


def applicants_line(programme: Programme) -> str:
    """Who may apply: the Förderberechtigte labels (municipal ones first) or the eligibility text's first sentence."""
    codes = list(programme.eligible_applicants or [])
    if codes:
        codes.sort(key=lambda code: code not in vocab.MUNICIPAL_APPLICANTS)
        return ", ".join(vocab.label("foerderberechtigte", code) for code in codes)
    eligibility = shown_text(plain(programme.eligibility_text), programme.source_key)
    return shorten(next(iter(split_sentences(eligibility)), ""), APPLICANTS_CHARS)


def contact_of(programme: Programme, text: Callable[..., str]) -> Contact | None:
    """The contact the source names: the Förderdatenbank's linked contact document, or a contact
    section's first line (NRW pages)."""
    stored = programme.contact or {}
    name = text(str(stored.get("name") or stored.get("unit") or ""))
    if not name:
        first_line = next((line for line in str(stored.get("text", "")).splitlines() if line.strip()), "")
        return Contact(name=text(first_line)) if first_line else None
    email = str(stored.get("email", "")).strip()
    well_formed = bool(email) and not stored.get("email_invalid") and bool(_EMAIL.match(email))
    web = str(stored.get("website", "")).strip()
    return Contact(
        name=name,
        phone=text(str(stored.get("phone", ""))),
        email=email if well_formed else "",
        email_as_written="" if well_formed else email,
        web=web if urlsplit(web).scheme in ("http", "https") else "",
    )


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------


def plain(value: str) -> str:
    """Scraped text as plain text: tags removed (nh3), entities decoded, whitespace collapsed.

    The templates escape on output, so what remains can never become markup in the mail.
    """
    if not value:
        return ""
    return " ".join(html.unescape(nh3.clean(value, tags=set())).split())


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary with an ellipsis; the full text is one click away at the source."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.-–")
    return cut + " …"


def german_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def days_label(days_left: int | None) -> str:
    if days_left is None:
        return ""
    if days_left == 0:
        return "heute"
    if days_left == 1:
        return "noch 1 Tag"
    return f"noch {days_left} Tage"

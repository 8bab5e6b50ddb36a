"""Turn a digest's content into the subject, the HTML part (MJML) and the plain-text part.

Both parts come from one context so they always say the same. Every text reaching the
templates is plain text (see ``items.plain``) and Jinja escapes it in the MJML, so scraped
markup can never become markup in a mail. Lengths are bounded here, which bounds the mail size:
Gmail clips messages over ~102 KB, and a clipped digest hides the unsubscribe link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from mjml import mjml2html

from core.labels import week_label
from mailer.assemble import Change, DigestContent
from mailer.config import MailConfig
from mailer.items import TITLE_CHARS, DigestItem, days_label, german_date, shorten
from mailer.periods import parse_period, urgent_day
from mailer.tokens import (
    VERDICT_DOES_NOT_FIT,
    VERDICT_FITS,
    FeedbackClaim,
    make_feedback_token,
    make_unsubscribe_token,
)

MAX_HTML_BYTES = 95 * 1024

_env = Environment(
    loader=PackageLoader("templates", "email"),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=select_autoescape(enabled_extensions=("mjml",), default=False),
)


class DigestTooLarge(RuntimeError):
    """The rendered HTML would be clipped by Gmail; raised instead of sending a clipped mail."""


@dataclass
class RenderedDigest:
    subject: str
    preheader: str
    html: str
    text: str


def render_digest(content: DigestContent, config: MailConfig) -> RenderedDigest:
    context = digest_context(content, config)
    html = mjml2html(_env.get_template("digest.mjml").render(context), disable_comments=True, fonts={})
    if len(html.encode("utf-8")) > MAX_HTML_BYTES:
        raise DigestTooLarge(
            f"Digest {content.member_slug} {content.period}: HTML {len(html.encode())} Bytes > {MAX_HTML_BYTES}"
        )
    text = _env.get_template("digest.txt").render(context)
    return RenderedDigest(subject=context["subject"], preheader=context["preheader"], html=html, text=text)


def digest_context(content: DigestContent, config: MailConfig) -> dict[str, Any]:
    recipient_id = content.recipient.id if content.recipient and content.recipient.id else 0
    name = content.recipient.name if content.recipient else ""
    if content.urgent:
        subject, when = urgent_subject(content), f"Eilmeldung vom {german_date(urgent_day(content.period))}"
    else:
        subject, when = subject_line(content, parse_period(content.period)[1]), week_label(content.period)
    return {
        "subject": subject,
        "preheader": preheader(content),
        "week_label": when,
        "heading": f"Förderhinweise für {content.member_name}",
        "greeting": f"Guten Tag {name}," if name else "Guten Tag,",
        "intro": intro(content),
        "items": [_item_context(item, content, recipient_id, config) for item in content.items],
        "reminders": [
            {
                "title": shorten(r.title, TITLE_CHARS),
                "url": r.url,
                "deadline_label": german_date(r.deadline),
                "days_label": days_label(r.days_left),
            }
            for r in content.reminders
        ],
        "urgent_changes": [_change_context(c) for c in content.changes if c.urgent],
        "changes": [_change_context(c) for c in content.changes if not c.urgent],
        "more_items": content.more_items,
        "more_items_note": (
            f"Weitere {content.more_items} passende Angebote folgen im nächsten Digest, "
            "damit diese Nachricht übersichtlich bleibt."
        ),
        "health_line": health_line(content),
        "attributions": content.attributions,
        "disclaimer": content.disclaimer,
        "member_name": content.member_name,
        "profile_url": content.profile_url,
        "proposals_url": content.proposals_url,
        "unsubscribe_url": unsubscribe_url(config, recipient_id),
    }


def _change_context(change: Change) -> dict[str, object]:
    title = shorten(change.title, TITLE_CHARS)
    return {"title": title, "url": change.url, "labels": change.labels, "detail": change.detail}


def _item_context(item: DigestItem, content: DigestContent, recipient_id: int, config: MailConfig) -> dict[str, Any]:
    """The item with the recipient's own feedback links."""
    token = make_feedback_token(
        config.secret_key,
        FeedbackClaim(
            recipient_id=recipient_id,
            member_id=content.member_id,
            programme_id=item.programme_id,
            match_id=item.match_id,
        ),
    )
    feedback = config.url(f"/m/feedback/{token}/")
    return {"item": item, "fits_url": feedback + VERDICT_FITS, "not_fits_url": feedback + VERDICT_DOES_NOT_FIT}


def unsubscribe_url(config: MailConfig, recipient_id: int) -> str:
    return config.url(f"/m/abmelden/{make_unsubscribe_token(config.secret_key, recipient_id)}")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def subject_line(content: DigestContent, week: int) -> str:
    if content.items:
        what = _count(len(content.items), "neues Förderangebot", "neue Förderangebote")
    elif content.reminders:
        what = _count(len(content.reminders), "Fristerinnerung", "Fristerinnerungen")
    elif content.changes:
        what = _count(len(content.changes), "Änderung", "Änderungen")
    else:
        what = "diese Woche nichts Neues"
    return f"Förderradar KW {week}: {what} für {content.member_name}"


def urgent_subject(content: DigestContent) -> str:
    """ "Dringend: Frist vorgezogen – Einstiegsgeld" (the first change; the count of the others)."""
    first = content.changes[0] if content.changes else None
    what = f"{', '.join(first.labels)} – {shorten(first.title, 80)}" if first else "Änderung bei einem Förderprogramm"
    if len(content.changes) > 1:
        what += f" und {_count(len(content.changes) - 1, 'weitere Änderung', 'weitere Änderungen')}"
    return f"Dringend: {what} ({content.member_name})"


def preheader(content: DigestContent) -> str:
    parts = []
    if content.items:
        parts.append(_count(len(content.items), "neues Angebot", "neue Angebote"))
    if content.reminders:
        parts.append(_count(len(content.reminders), "Frist läuft bald ab", "Fristen laufen bald ab"))
    if content.changes:
        parts.append(_count(len(content.changes), "Änderung", "Änderungen") + " bei gemeldeten Programmen")
    if not parts:
        return "Diese Woche gibt es keine neuen passenden Förderangebote."
    return ", ".join(parts) + "."


def intro(content: DigestContent) -> str:
    """The opening sentence names what the mail holds: new offers, reminders, changes."""
    if content.urgent:
        return (
            "eine Änderung bei einem Förderprogramm, das wir für Sie ausgewählt haben, kann nicht bis zum "
            "nächsten Digest warten. Bitte prüfen Sie, ob Sie jetzt handeln müssen."
            if len(content.changes) <= 1
            else "Änderungen bei Förderprogrammen, die wir für Sie ausgewählt haben, können nicht bis zum "
            "nächsten Digest warten. Bitte prüfen Sie, ob Sie jetzt handeln müssen."
        )
    if content.nothing_new:
        return (
            "diese Woche haben wir keine neuen passenden Förderangebote für Sie gefunden. "
            "Die geprüften Quellen sehen Sie unten."
        )
    parts = []
    if content.items:
        parts.append(_count(len(content.items), "neues Förderangebot", "neue Förderangebote"))
    if content.reminders:
        parts.append(_count(len(content.reminders), "Erinnerung an eine Frist", "Erinnerungen an Fristen"))
    if len(content.changes) == 1:
        parts.append("1 Änderung bei einem Programm, das wir für Sie ausgewählt haben")
    elif content.changes:
        parts.append(f"{len(content.changes)} Änderungen bei Programmen, die wir für Sie ausgewählt haben")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " und " + parts[-1]
    text = f"in dieser Nachricht finden Sie {listed}."
    urgent = sum(change.urgent for change in content.changes)
    if urgent:
        text += " Bitte sehen Sie sich zuerst " + (
            "die dringende Änderung an." if urgent == 1 else f"die {urgent} dringenden Änderungen an."
        )
    if content.items:
        text += (
            " Die Angebote hat das Team des Regionalverbands Ruhr für Sie ausgewählt; mit „passt“ oder "
            "„passt nicht“ helfen Sie uns, die Auswahl zu verbessern."
        )
    return text


def health_line(content: DigestContent) -> str:
    checked = ", ".join(content.health.checked) or "keine Quelle"
    line = f"Diese Woche geprüft: {checked}"
    if content.health.unreachable:
        line += f"; nicht erreichbar: {', '.join(content.health.unreachable)}"
    return line + "."

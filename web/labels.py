"""German labels for codes shown on the pages (vocabulary of the Förderdatenbank, states, levels)."""

from __future__ import annotations

from core import vocab
from store.models import RejectReason

LEVEL_LABELS = {"bund": "Bund", "land": "Land NRW", "eu": "EU", "other": "Sonstige"}
STATE_LABELS = {"proposed": "vorgeschlagen", "approved": "freigegeben", "rejected": "abgelehnt", "sent": "versendet"}
REASON_LABELS = {
    RejectReason.topic: "Thema passt nicht",
    RejectReason.not_eligible: "Nicht antragsberechtigt",
    RejectReason.own_share: "Eigenanteil zu hoch",
    RejectReason.too_small: "Zu klein",
    RejectReason.known: "Schon bekannt",
    RejectReason.other: "Sonstiges",
}
FREQUENCY_LABELS = {
    "weekly": "wöchentlich",
    "biweekly": "alle zwei Wochen",
    "monthly": "monatlich",
    "paused": "pausiert",
}


def label(kind: str, code: str) -> str:
    """The German label of a vocabulary code; the code itself when the vocabulary does not know it."""
    return vocab.label(kind, code)


def labels(kind: str) -> dict[str, str]:
    return vocab.labels(kind)


def level_label(code: str) -> str:
    return LEVEL_LABELS.get(code, code)


def state_label(code: str) -> str:
    return STATE_LABELS.get(code, code)

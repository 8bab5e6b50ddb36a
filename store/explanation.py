"""Why the matcher proposed a programme to a member: the typed explanation stored with every match.

The matcher writes it, the review page, the digest, the feeds, the API and the CLI read it. It is a
versioned pydantic model stored as JSON (``Match.explanation``), so every reader sees the same fields
and an old row still reads: fields added later have defaults, and unknown fields are ignored. The
contract for readers is in docs/explanation.md.

Lines are German and short because people read them as they are. The deadline status is not part
of it: it changes from day to day, so readers compute it when they show it (``core.deadline_status``).
An explanation says only what is true of the pair: ``terms`` are words that occur in both the profile
and the programme, ``interests`` are the parts of the profile that carried the score, ``translated``
names the English words of a call that carried an interest through the glossary, ``related`` the words
of a German programme that carried an everyday word of the member through the thesaurus.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON
from sqlalchemy.types import TypeDecorator

# 4: conditions (area, size, task) and own share; 5: inferred topics; 6: ``translated`` (the English words
# of a call that answered an interest through the glossary), and ``interests`` lists the parts carried in
# German before those carried only in English; 7: ``related`` (the words of a German programme that answered
# an interest through the thesaurus ``glossary.RELATED``: "Solaranlagen → erneuerbare Energien"), and a German
# programme's interests are those carried by the member's own words first, then those carried only so.
EXPLANATION_VERSION = 7


class ConditionLine(BaseModel):
    """How one condition of the programme fits the member (``core.conditions``, ``matcher.scope``).

    ``reason`` is the short line ("bitte prüfen: GRW-Fördergebiet", "erfüllt: Kohleregion"),
    ``detail`` says why, ``sentence`` is the programme's own sentence that states the condition.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    outcome: str  # pass | unknown | contradicted (only shown by ``match explain``: it filters the programme)
    label: str
    reason: str
    detail: str = ""
    sentence: str = ""

    def line(self) -> str:
        """ "bitte prüfen: GRW-Fördergebiet – Nur Teile Ihres Gebiets …" """
        return f"{self.reason} – {self.detail}" if self.detail else self.reason


class OwnShareLine(BaseModel):
    """The rate the programme states and the own share it leaves this member (``core.rates``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    text: str  # "Förderquote bis zu 90 % → Eigenanteil mindestens 10 %"
    how: str  # "wie berechnet"
    sentence: str  # the source sentence that states the rate
    missing: list[str] = Field(default_factory=list)  # member facts the rule needs that are unknown


class Explanation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int = EXPLANATION_VERSION
    summary: str = ""  # one line: "Passt zu Ihren Interessen: Radverkehr, Schulsanierung"
    terms: list[str] = Field(default_factory=list)  # shared words, as written in the programme
    interests: list[str] = Field(default_factory=list)  # keywords, topics, interest phrases that carried it
    # (version 6) interests an English call answered only through the glossary, with the call's English
    # words: "Gesundheitsamt → health". Empty for German programmes and for rows written before.
    translated: list[str] = Field(default_factory=list)
    # (version 7) interests a German programme answered only through the thesaurus, with the programme's
    # words: "Solaranlagen → erneuerbare Energien". Empty for English calls and for rows written before.
    related: list[str] = Field(default_factory=list)
    eligibility: str = ""  # "Antragsberechtigt: Kommune, Öffentliche Einrichtung"
    region: str = ""  # "Fördergebiet: Nordrhein-Westfalen"
    components: dict[str, float] = Field(default_factory=dict)  # points per score channel
    # Förderbereich labels the matcher's classifier inferred for a programme the source filed under
    # none (shown as "erkannt", never as the source's own category).
    inferred_topics: list[str] = Field(default_factory=list)
    conditions: list[ConditionLine] = Field(default_factory=list)  # area, size and task conditions
    own_share: OwnShareLine | None = None  # None: no sentence states a rate

    @property
    def checks(self) -> list[str]:
        """What the member has to check itself: "bitte prüfen: GRW-Fördergebiet" per unknown fact."""
        return [line.reason for line in self.conditions if line.outcome == "unknown"]

    @classmethod
    def from_stored(cls, value: Any) -> Explanation:
        """An explanation from a stored JSON value; ``None`` or an empty value give an empty one."""
        if isinstance(value, Explanation):
            return value
        return cls.model_validate(value or {})


class ExplanationType(TypeDecorator[Explanation]):
    """A JSON column holding an ``Explanation``: dumped on the way in, validated on the way out."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dict[str, Any]:
        return Explanation.from_stored(value).model_dump(mode="json")

    def process_result_value(self, value: Any, dialect: Any) -> Explanation:
        return Explanation.from_stored(value)

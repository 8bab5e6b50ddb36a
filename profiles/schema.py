"""The member profile document: what a profile YAML file holds, and its validation.

The same schema checks profile files (``foerderradar profiles import``), the seed profiles in
``profiles/members/`` and the member's own edits on the web, so all three agree on what is valid.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from core.member_facts import CONFIDENCE_LABELS, FACT_FIELDS, check_value
from store.limits import column_limit
from store.models import Member, Profile

MEMBER_KINDS = ("kreisangehoerige_gemeinde", "kreisfreie_stadt", "kreis", "verband")
DIGEST_FREQUENCIES = ("weekly", "biweekly", "monthly", "paused")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_PATTERN = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)?$")
PRESET_FROM_FACTS = "Voreinstellung aus den Gemeindedaten"
MAX_SOURCE_LENGTH = 2048
MAX_NOTE_LENGTH = 2000
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def slugify(name: str) -> str:
    """``Mülheim an der Ruhr`` → ``muelheim-an-der-ruhr``; ``Fröndenberg/Ruhr`` → ``froendenberg-ruhr``."""
    ascii_name = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATION)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def normalise_email(value: str) -> str:
    """A checked, normalised address; raises ValueError naming the address when it is not one."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"{value!r} ist keine gültige E-Mail-Adresse ({exc})") from None


def _clean_terms(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        term = " ".join(str(value).split())
        if term and term.casefold() not in seen:
            seen[term.casefold()] = term
    return list(seen.values())


class RecipientDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    name: str = ""
    topics: list[str] = Field(default_factory=list)

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        return normalise_email(value)

    @field_validator("topics")
    @classmethod
    def _valid_topics(cls, value: list[str]) -> list[str]:
        return _codes(value)


def _codes(values: list[str]) -> list[str]:
    bad = [v for v in values if not CODE_PATTERN.match(str(v))]
    if bad:
        raise ValueError(f"ungültige Codes {bad}: erwartet z. B. 'mobilitaet' oder 'infrastruktur.verkehr'")
    return sorted(set(values))


class FactDoc(BaseModel):
    """One fact with its provenance. ``value: null`` means unknown; a known value needs a source
    (a web address) and a confidence, so nobody can store a guess without saying where it is from."""

    model_config = ConfigDict(extra="forbid")

    value: bool | int | float | str | None = None
    source: str = Field(default="", max_length=MAX_SOURCE_LENGTH)
    as_of: date | None = None
    confidence: str = ""
    note: str = Field(default="", max_length=MAX_NOTE_LENGTH)

    @model_validator(mode="after")
    def _provenance(self) -> FactDoc:
        if self.source and not re.match(r"^https?://\S+$", self.source):
            raise ValueError(f"Quelle {self.source!r} ist keine Internetadresse (http:// oder https://)")
        if self.confidence and self.confidence not in CONFIDENCE_LABELS:
            raise ValueError(f"Sicherheit {self.confidence!r} unbekannt; erlaubt: {', '.join(CONFIDENCE_LABELS)}")
        if self.value is not None and not (self.source and self.confidence):
            raise ValueError("ein bekannter Wert braucht eine Quelle und eine Sicherheit (hoch, mittel, niedrig)")
        return self


def _fact_check(name: str):
    def check(cls, fact: FactDoc | None) -> FactDoc | None:
        if fact is not None:
            fact.value = check_value(name, fact.value)
        return fact

    return field_validator(name)(check)


_FACT_FIELD_DEFINITIONS: dict[str, Any] = {name: (FactDoc | None, None) for name in FACT_FIELDS}

FactsDoc = create_model(
    "FactsDoc",
    __config__=ConfigDict(extra="forbid"),
    __doc__="The facts of one member by name (``core.member_facts.FACT_FIELDS``); a missing one is not stated.",
    __validators__={f"_check_{name}": _fact_check(name) for name in FACT_FIELDS},
    **_FACT_FIELD_DEFINITIONS,
)


def stated_facts(facts: BaseModel) -> dict[str, FactDoc]:
    """The facts a document states, by name."""
    return {name: fact for name in FACT_FIELDS if (fact := getattr(facts, name)) is not None}


class ProfileDoc(BaseModel):
    """One member with its interest profile and recipients."""

    model_config = ConfigDict(extra="forbid")

    slug: str
    name: str = Field(min_length=1)
    kind: str
    kreis: str = ""
    ags: str = ""
    bezirksregierung: str = ""
    preset: str = ""  # set while the interests are the default written from the member's facts
    interests: str = ""
    keywords: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    # Förderbereiche the matcher must not infer from the plain words (staff or the member removed them).
    excluded_topics: list[str] = Field(default_factory=list)
    funding_types: list[str] = Field(default_factory=list)
    min_score: float = Field(default=20.0, ge=0, le=100)
    max_items: int = Field(default=20, ge=1, le=100)
    digest_frequency: str = "weekly"
    send_nothing_new: bool = False
    auto_approve_score: float | None = Field(default=None, ge=0, le=100)
    recipients: list[RecipientDoc] = Field(default_factory=list)
    facts: FactsDoc = Field(default_factory=FactsDoc)

    @field_validator("slug", "ags", "preset")
    @classmethod
    def _fits_its_column(cls, value: str, info) -> str:
        """Checked here so that SQLite (which would store it) and PostgreSQL (which would refuse it) agree."""
        model = Profile if info.field_name == "preset" else Member
        limit = column_limit(model, info.field_name)
        if len(value) > limit:
            raise ValueError(f"{len(value)} Zeichen, höchstens {limit} erlaubt")
        return value

    @field_validator("slug")
    @classmethod
    def _valid_slug(cls, value: str) -> str:
        if not SLUG_PATTERN.match(value):
            raise ValueError(f"{value!r} ist kein gültiger Kurzname (nur a–z, 0–9 und Bindestriche)")
        return value

    @field_validator("kind")
    @classmethod
    def _valid_kind(cls, value: str) -> str:
        if value not in MEMBER_KINDS:
            raise ValueError(f"{value!r} ist keine bekannte Art; erlaubt: {', '.join(MEMBER_KINDS)}")
        return value

    @field_validator("digest_frequency")
    @classmethod
    def _valid_frequency(cls, value: str) -> str:
        if value not in DIGEST_FREQUENCIES:
            raise ValueError(f"{value!r} ist kein bekannter Rhythmus; erlaubt: {', '.join(DIGEST_FREQUENCIES)}")
        return value

    @field_validator("keywords", "exclude")
    @classmethod
    def _terms(cls, value: list[str]) -> list[str]:
        return _clean_terms(value)

    @field_validator("topics", "excluded_topics", "funding_types")
    @classmethod
    def _topic_codes(cls, value: list[str]) -> list[str]:
        return _codes(value)

    @field_validator("recipients")
    @classmethod
    def _unique_recipients(cls, value: list[RecipientDoc]) -> list[RecipientDoc]:
        emails = [r.email.casefold() for r in value]
        doubles = sorted({e for e in emails if emails.count(e) > 1})
        if doubles:
            raise ValueError(f"Empfänger doppelt eingetragen: {', '.join(doubles)}")
        return value

    @model_validator(mode="after")
    def _agrees_with_facts(self) -> ProfileDoc:
        """``ags`` and ``bezirksregierung`` repeat two facts; where both are given they must agree."""
        for name in ("ags", "bezirksregierung"):
            fact = getattr(self.facts, name)
            if fact is not None and fact.value is not None and getattr(self, name) not in ("", fact.value):
                raise ValueError(f"{name} {getattr(self, name)!r} widerspricht facts.{name} {fact.value!r}")
        return self

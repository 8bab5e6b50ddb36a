"""The member profile document: what a profile YAML file holds, and its validation.

The same schema checks profile files (``foerderradar profiles import``), the seed profiles in
``profiles/members/`` and the member's own edits on the web, so all three agree on what is valid.
"""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, field_validator

MEMBER_KINDS = ("kreisangehoerige_gemeinde", "kreisfreie_stadt", "kreis", "verband")
DIGEST_FREQUENCIES = ("weekly", "biweekly", "monthly", "paused")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_PATTERN = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)?$")
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


class ProfileDoc(BaseModel):
    """One member with its interest profile and recipients."""

    model_config = ConfigDict(extra="forbid")

    slug: str
    name: str = Field(min_length=1)
    kind: str
    kreis: str = ""
    ags: str = ""
    bezirksregierung: str = ""
    interests: str = ""
    keywords: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    funding_types: list[str] = Field(default_factory=list)
    min_score: float = Field(default=20.0, ge=0, le=100)
    max_items: int = Field(default=20, ge=1, le=100)
    digest_frequency: str = "weekly"
    send_nothing_new: bool = False
    auto_approve_score: float | None = Field(default=None, ge=0, le=100)
    recipients: list[RecipientDoc] = Field(default_factory=list)

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

    @field_validator("topics", "funding_types")
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

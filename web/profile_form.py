"""The member's profile form: from form fields to a validated ``ProfileDoc`` and back.

Validation is the profile schema's own (``profiles.schema``), so the web, the YAML files and the
seed profiles agree on what is valid. Errors come back as German sentences naming the field.
"""

from __future__ import annotations

import re

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData

from core.vocab import labels
from profiles.schema import ProfileDoc

FIELD_NAMES = {
    "interests": "Interessen",
    "keywords": "Stichwörter",
    "exclude": "Ausschlüsse",
    "topics": "Förderbereiche",
    "funding_types": "Förderarten",
    "digest_frequency": "Rhythmus",
    "recipients": "Empfänger",
    "email": "E-Mail-Adresse",
}
MAX_INTERESTS = 5000
_SPLIT = re.compile(r"[\n,;]+")


class ProfileFormError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def split_terms(text: str) -> list[str]:
    """Keywords as typed: one per line or separated by commas/semicolons."""
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def join_terms(terms: list[str]) -> str:
    return "\n".join(terms)


def _known(codes: list[str], kind: str, field: str) -> list[str]:
    unknown = sorted(set(codes) - set(labels(kind)))
    if unknown:
        raise ProfileFormError([f"{FIELD_NAMES[field]}: unbekannte Auswahl {', '.join(unknown)}."])
    return codes


def validated(doc: ProfileDoc, **changes) -> ProfileDoc:
    """The document with the changes applied, checked by the profile schema."""
    try:
        return ProfileDoc.model_validate({**doc.model_dump(), **changes})
    except ValidationError as exc:
        raise ProfileFormError([_message(error) for error in exc.errors()]) from None


def _message(error: ErrorDetails) -> str:
    field = str(error["loc"][0]) if error["loc"] else "Profil"
    text = str(error["msg"]).removeprefix("Value error, ")
    return f"{FIELD_NAMES.get(field, field)}: {text}"


def profile_changes(form: FormData) -> dict:
    """The editable profile fields from the form (everything else stays as stored)."""
    interests = str(form.get("interests") or "").strip()
    if len(interests) > MAX_INTERESTS:
        raise ProfileFormError([f"Interessen: höchstens {MAX_INTERESTS} Zeichen (jetzt {len(interests)})."])
    return {
        "interests": interests,
        "keywords": split_terms(str(form.get("keywords") or "")),
        "exclude": split_terms(str(form.get("exclude") or "")),
        "topics": _known([str(v) for v in form.getlist("topics")], "foerderbereich", "topics"),
        "funding_types": _known([str(v) for v in form.getlist("funding_types")], "foerderart", "funding_types"),
        "digest_frequency": str(form.get("digest_frequency") or "weekly"),
    }

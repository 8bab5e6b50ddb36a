"""The staff form that corrects one member fact: from form fields to a checked ``FactDoc``.

Numbers are typed the German way ("12.345", "232,84"); an empty value means unknown. A correction
needs a note that says why, because the note is what the next person reads in the history.
"""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError
from starlette.datastructures import FormData

from core.member_facts import FACT_FIELDS, FactField, check_value
from profiles.schema import FactDoc

BOOL_CHOICES = {"ja": True, "nein": False}


class FactFormError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _number(spec: FactField, text: str) -> int | float:
    cleaned = text.replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif spec.type == "int":
        cleaned = cleaned.replace(".", "")
    try:
        return int(cleaned) if spec.type == "int" else float(cleaned)
    except ValueError:
        raise ValueError(f"{spec.label}: {text!r} ist keine Zahl") from None


def _value(spec: FactField, text: str):
    if not text:
        return None
    if spec.type == "bool":
        if text not in BOOL_CHOICES:
            raise ValueError(f"{spec.label}: bitte „ja“, „nein“ oder „unbekannt“ wählen")
        return BOOL_CHOICES[text]
    if spec.type in ("int", "float"):
        return _number(spec, text)
    return text


def fact_from_form(name: str, form: FormData) -> FactDoc:
    """The corrected fact, or FactFormError with German sentences naming each problem."""
    spec = FACT_FIELDS[name]
    errors: list[str] = []
    value = None
    try:
        value = check_value(name, _value(spec, str(form.get("value") or "").strip()))
    except ValueError as exc:
        errors.append(str(exc))
    as_of_text = str(form.get("as_of") or "").strip()
    as_of = None
    if as_of_text:
        try:
            as_of = date.fromisoformat(as_of_text)
        except ValueError:
            errors.append(f"Stand: {as_of_text!r} ist kein Datum (TT.MM.JJJJ)")
    note = str(form.get("note") or "").strip()
    if not note:
        errors.append("Begründung: bitte schreiben Sie kurz, warum Sie den Wert ändern und woher er stammt.")
    if errors:
        raise FactFormError(errors)
    try:
        return FactDoc(
            value=value,
            source=str(form.get("source") or "").strip(),
            as_of=as_of,
            confidence=str(form.get("confidence") or "").strip(),
            note=note,
        )
    except ValidationError as exc:
        raise FactFormError([str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()]) from None

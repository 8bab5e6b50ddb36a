"""A German one-line description of an EU call, built from the portal's own fields.

"LIFE – Programm für Umwelt- und Klimapolitik (Teilprogramm Natur und Biodiversität),
Standardprojekt (SAP), Frist 23.09.2027, Einreichung ab 22.04.2027, Budget 5 Mio. EUR"

Only names are translated, through the glossary in ``core.eu_glossary``; dates, deadline model and
budget are the portal's values, written the German way. No call text is translated: the English
title and description stay as the portal wrote them. Deadlines follow the portal's models: a
two-stage topic names both stages (new applicants only until the first), a multiple cut-off topic
or cascade call lists its cut-offs.
"""

from __future__ import annotations

from datetime import date

from core.eu_glossary import CASCADE_ACTION, action_type_name, part_name, programme_name

MAX_LISTED_CUT_OFFS = 4


def german_date(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def euro(amount: float) -> str:
    """5000000 → "5 Mio. EUR", 53200000 → "53,2 Mio. EUR", 30500 → "30.500 EUR"."""
    if amount >= 1_000_000:
        millions = f"{amount / 1_000_000:.1f}".rstrip("0").rstrip(".").replace(".", ",")
        return f"{millions} Mio. EUR"
    return f"{amount:,.0f}".replace(",", ".") + " EUR"


def _enumeration(days: list[date]) -> str:
    shown = [german_date(day) for day in days]
    if len(shown) > MAX_LISTED_CUT_OFFS:
        rest = len(shown) - (MAX_LISTED_CUT_OFFS - 1)
        return ", ".join(shown[: MAX_LISTED_CUT_OFFS - 1]) + f" und {rest} weitere bis {shown[-1]}"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " und " + shown[-1]


def deadline_phrase(model: str, deadlines: list[date]) -> str:
    """The deadlines in words, by the portal's deadline model; "" without a date."""
    if not deadlines:
        return ""
    kind = model.strip().lower()
    if kind == "two-stage":
        stages = [f"{number}. Stufe bis {german_date(day)}" for number, day in enumerate(deadlines[:2], start=1)]
        return "zweistufig: " + ", ".join(stages)
    if kind == "multiple cut-off" or len(deadlines) > 1:
        return ("Stichtag " if len(deadlines) == 1 else "Stichtage ") + _enumeration(deadlines)
    return f"Frist {german_date(deadlines[0])}"


def describe(
    *,
    programme_code: str,
    programme_fallback: str,
    identifiers: list[str],
    cascade: bool,
    project_acronym: str,
    types_of_action: list[str],
    deadline_model: str,
    deadlines: list[date],
    opens_on: date | None,
    budget: float | None,
) -> str:
    """The German line of one call (see the module docstring for its shape)."""
    head = programme_name(programme_code) or programme_fallback
    part = next((name for name in map(part_name, identifiers) if name), None)
    if part:
        head += f" ({part})"
    if cascade:
        action = CASCADE_ACTION + (f" des Projekts {project_acronym}" if project_acronym else "")
    else:
        action = next((name for name in map(action_type_name, types_of_action) if name), "")
    pieces = [
        head,
        action,
        deadline_phrase(deadline_model, deadlines),
        f"Einreichung ab {german_date(opens_on)}" if opens_on else "",
        f"Budget {euro(budget)}" if budget else "",
    ]
    return ", ".join(piece for piece in pieces if piece)

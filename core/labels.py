"""German label tables: no raw key reaches a person.

``CHANGE_LABELS`` names the change types of ``core.changes`` (stored in
``ProgrammeRevision.change_types``); ``FIELD_LABELS`` the programme fields a revision can name.
Further tables (states, reasons, kinds) belong here too.
"""

from __future__ import annotations

CHANGE_LABELS = {
    "deadline_brought_forward": "Frist vorgezogen",
    "deadline_set": "Frist neu gesetzt",
    "deadline_extended": "Frist verlängert",
    "deadline_removed": "Frist entfallen",
    "new_window": "Neues Förderfenster",
    "closed": "Antragstellung nicht mehr möglich",
    "budget_exhausted": "Mittel ausgeschöpft",
    "rate_changed": "Förderquote geändert",
    "max_amount_changed": "Höchstbetrag geändert",
    "applicants_changed": "Antragsberechtigte geändert",
    "area_changed": "Fördergebiet geändert",
    "text_changed": "Text geändert",
    "reappeared": "Wieder in der Quelle veröffentlicht",
    "removed": "Nicht mehr in der Quelle veröffentlicht",
    # Keys written by earlier versions; revisions already stored still carry them.
    "new_call": "Neues Förderfenster",
    "reopened": "Antragstellung wieder möglich",
}

FIELD_LABELS = {
    "title": "Titel",
    "url": "Adresse",
    "teaser_text": "Kurztext",
    "description_text": "Beschreibung",
    "eligibility_text": "Voraussetzungen",
    "legal_text": "Rechtsgrundlage",
    "deadline_text": "Fristen (Text)",
    "status_note": "Statushinweis",
    "funder": "Fördergeber",
    "funding_types": "Förderart",
    "funding_areas": "Förderbereich",
    "funding_subareas": "Unterbereiche",
    "regions": "Fördergebiet",
    "eligible_applicants": "Förderberechtigte",
    "municipal_signals": "Hinweise auf Kommunen",
    "funding_rate": "Förderquote",
    "rate_min_pct": "Förderquote mindestens (%)",
    "rate_max_pct": "Förderquote höchstens (%)",
    "amount_min_eur": "Mindestbetrag (EUR)",
    "amount_max_eur": "Höchstbetrag (EUR)",
    "budget_eur": "Budget (EUR)",
    "status": "Status",
    "opens_on": "Beginn",
    "next_deadline": "Nächste Frist",
    "last_deadline": "Letzte Frist",
    "deadlines": "Fristen",
    "yearly_deadlines": "Jährliche Fristen",
    "rolling": "Laufend",
    "closed": "Geschlossen",
    "next_window_expected": "Nächstes Fenster erwartet",
}

"""The one place where stored codes become German words for people.

Pages, mails and CLI output show states, reasons, kinds, levels, sources and audit actions through
these tables; no raw key (``approved``, ``not_eligible``, ``foerderdatenbank``) reaches a reader.
An unknown code is shown as itself rather than hidden, so a new code is noticed, not lost.

Also here: ISO weeks as "KW 49/2026" and a sort key for German names ("Bönen" before
"Breckerfeld"), because both are needed wherever members or periods are listed.
"""

from __future__ import annotations

import re

MATCH_STATE_LABELS = {
    "proposed": "vorgeschlagen",
    "approved": "freigegeben",
    "rejected": "abgelehnt",
    "sent": "versendet",
}
REJECT_REASON_LABELS = {
    "topic": "Thema passt nicht",
    "not_eligible": "Nicht antragsberechtigt",
    "own_share": "Eigenanteil zu hoch",
    "too_small": "Zu klein",
    "known": "Schon bekannt",
    "other": "Sonstiges",
}
# Why the matcher leaves a programme out for a member: the programme is for something a town cannot
# use for itself (``matcher/scope.py``). Counted per reason like the other hard filters.
FILTER_REASON_LABELS = {
    "abroad": "Vorhaben im Ausland",
    "companies_only": "nur für Unternehmen",
    "households_only": "nur für Privatpersonen",
    "research_only": "nur für Forschungseinrichtungen",
    "task_holder": "nicht Aufgabenträger",
}
# What a member should check itself because a fact is not known ("bitte prüfen: GRW-Fördergebiet").
CHECK_PREFIX = "bitte prüfen"
PROGRAMME_KIND_LABELS = {
    "programme": "Förderprogramm",
    "call": "Förderaufruf",
    "calendar": "Jährlich wiederkehrende Frist",
}
PROGRAMME_STATUS_LABELS = {
    "open": "Antragstellung möglich",
    "forthcoming": "nächstes Fenster erwartet",
    "closed": "geschlossen",
    "unknown": "unklar",
}
RUN_STATUS_LABELS = {
    "running": "läuft",
    "success": "in Ordnung",
    "incomplete": "unvollständig",
    "failed": "fehlgeschlagen",
    "aborted": "abgebrochen",
    "never": "nie gelaufen",
}
LEVEL_LABELS = {"bund": "Bund", "land": "Land", "eu": "EU", "other": "Sonstige"}
FREQUENCY_LABELS = {
    "weekly": "wöchentlich",
    "biweekly": "alle zwei Wochen",
    "monthly": "monatlich",
    "paused": "pausiert",
}
RECIPIENT_STATUS_LABELS = {
    "active": "aktiv",
    "unsubscribed": "abgemeldet",
    "bouncing": "Zustellprobleme",
    "suppressed": "gesperrt",
}
STAFF_ROLE_LABELS = {"admin": "Administration", "curator": "Kuratierung"}
API_PARAMETER_PLACES = {"query": "Abfrage", "path": "Pfad", "header": "Kopfzeile", "cookie": "Cookie"}
# Source key → German name; the crawler's registry and the stored ``Source`` rows take their names from here.
SOURCE_NAMES = {
    "foerderdatenbank": "Förderdatenbank des Bundes",
    "foerderdatenbank_html": "Förderdatenbank des Bundes (HTML-Seiten, Ersatzweg)",
    "eu_sedia": "EU Funding & Tenders Portal",
    "nrwbank": "NRW.BANK Förderprodukte",
    "nrw_mhkbd": "MHKBD NRW – Aktuelle Förderangebote",
    "brms": "Bezirksregierung Münster – Förderprogramme A–Z",
    "efre_nrw": "EFRE/JTF NRW – Fördermaßnahmen und Aufrufe",
    "nki_kommunalrichtlinie": "NKI / Kommunalrichtlinie – Antragsfenster",
    "bmftr": "BMFTR – Förderbekanntmachungen",
    "manual": "Von Hand erfasst",
}
# Sources that publish one Bezirksregierung's pages: a member hears of their records only if it
# belongs to that Bezirksregierung, and of a record of the same programme elsewhere otherwise.
SOURCE_BEZIRKSREGIERUNG = {"brms": "Münster"}
# Audit entries as sentences. The placeholders are filled by the page that shows the log: {who}
# (a person's name, "Das Förderradar" …), {programme}, {member}, {email}, {account}, {period}, {details}.
AUDIT_SENTENCES = {
    "match.approve": "{who} hat „{programme}“ für {member} freigegeben.{details}",
    "match.reject": "{who} hat „{programme}“ für {member} abgelehnt.{details}",
    "digest.release": "{who} hat den Digest für {member} ({period}) zum Versand freigegeben.{details}",
    "digest.send_now": "{who} hat den Digest für {member} ({period}) sofort versandt.{details}",
    "match.bulk_approve": "{who} hat „{programme}“ in einem Schritt für {count} freigegeben.{details}",
    "match.bulk_reject": "{who} hat „{programme}“ in einem Schritt für {count} abgelehnt.{details}",
    "match.bulk_undo": "{who} hat eine Sammelentscheidung zu „{programme}“ rückgängig gemacht ({count}).",
    "profile.update": "{who} hat das Profil von {member} geändert.",
    "recipient.add": "{who} hat die Adresse {email} bei {member} eingetragen.",
    "recipient.remove": "{who} hat die Adresse {email} bei {member} entfernt.",
    "recipient.unsubscribe": "{who} hat sich vom Digest für {member} abgemeldet.",
    "recipient.reactivation_request": "{who} hat für {email} ({member}) einen Link zum Wiederanmelden angefordert.",
    "recipient.reactivate": "{who} hat sich für {member} wieder zum Digest angemeldet.",
    "onboarding.invite": "{who} hat {details} eingeladen, ihr Profil zu vervollständigen.",
    "recipient.bouncing": "{who} hat Zustellprobleme bei {email} ({member}) festgestellt.",
    "recipient.suppressed": "{who} hat {email} ({member}) gesperrt: Mails an die Adresse kommen nicht an.",
    "member.login": "{who} hat sich für {member} angemeldet.",
    "feed.token": "{who} hat für {member} neue geheime Feed-Adressen erzeugt.",
    "staff.activate": "{who} hat das Konto von {account} entsperrt.",
    "staff.deactivate": "{who} hat das Konto von {account} gesperrt.",
    "staff.api_token": "{who} hat für {account} ein neues API-Token erzeugt.",
    "fact.update": "{who} hat die Gemeindedaten von {member} korrigiert.{details}",
}
# What a bulk action did, as the page says it after the action ("53 Vorschläge abgelehnt").
BULK_RESULT_LABELS = {
    "match.bulk_approve": "{count} Vorschläge freigegeben",
    "match.bulk_reject": "{count} Vorschläge abgelehnt",
    "match.bulk_undo": "{count} Entscheidungen rückgängig gemacht",
    "none": "Keine offenen Vorschläge betroffen, nichts geändert",
}
# Actors that are no person.
AUDIT_ACTORS = {"system": "Das Förderradar (automatisch)", "cli": "Ein Befehl auf der Kommandozeile"}
# The short names of the actions for a filter list ("Treffer freigegeben").
AUDIT_ACTION_NAMES = {
    "match.approve": "Treffer freigegeben",
    "match.reject": "Treffer abgelehnt",
    "digest.release": "Digest freigegeben",
    "digest.send_now": "Digest sofort versandt",
    "match.bulk_approve": "Sammelfreigabe",
    "match.bulk_reject": "Sammelablehnung",
    "match.bulk_undo": "Sammelentscheidung rückgängig",
    "profile.update": "Profil geändert",
    "recipient.add": "Empfänger hinzugefügt",
    "recipient.remove": "Empfänger entfernt",
    "recipient.unsubscribe": "Empfänger abgemeldet",
    "recipient.reactivation_request": "Wiederanmeldung angefordert",
    "recipient.reactivate": "Empfänger wieder angemeldet",
    "onboarding.invite": "Mitglieder eingeladen",
    "recipient.bouncing": "Zustellprobleme",
    "recipient.suppressed": "Empfänger gesperrt",
    "member.login": "Anmeldung eines Mitglieds",
    "feed.token": "Feed-Adressen erneuert",
    "staff.activate": "Konto entsperrt",
    "staff.deactivate": "Konto gesperrt",
    "staff.api_token": "API-Token erzeugt",
    "fact.update": "Gemeindedaten korrigiert",
}

# Change types of ``core.changes`` (stored in ``ProgrammeRevision.change_types``).
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
# Programme fields a revision can name.
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


def label(table: dict[str, str], code: str | None) -> str:
    """The German word for ``code`` in ``table``; the code itself when the table does not know it."""
    if not code:
        return ""
    return table.get(str(code), str(code))


def source_name(key: str, default: str = "") -> str:
    """The German name of a source; ``default`` (or the key) for a source this table does not know."""
    return SOURCE_NAMES.get(key) or default or key


_PERIOD = re.compile(r"^(\d{4})-W(\d{1,2})$")


def week_label(period: str) -> str:
    """``2026-W49`` → ``KW 49/2026``; anything else is returned as it is."""
    found = _PERIOD.match(period or "")
    return f"KW {int(found.group(2))}/{found.group(1)}" if found else period


# Umlauts sort as their base letter and ß as "ss" (DIN 5007-1), so "Bönen" comes before "Breckerfeld".
GERMAN_FOLDS = {"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}
_FOLD = str.maketrans(GERMAN_FOLDS)


def german_sort_key(name: str) -> tuple[str, str]:
    """Sort key for German names: folded letters first, the exact spelling to break ties."""
    return name.casefold().translate(_FOLD), name

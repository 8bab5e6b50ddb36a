"""Programmes a town cannot use for itself, and tasks only some kinds of member hold.

The Förderdatenbank marks the Internationale Klimaschutzinitiative as open to "Kommune", yet it
funds projects in developing and emerging countries; other records list municipalities while their
applicant sentence names only companies, households or research institutions. ``read_scope`` finds
such programmes from their texts, and the matcher filters them with a countable reason unless the
profile opts in (a town with city partnerships may want "Kommunale Entwicklungszusammenarbeit").

``read_tasks`` finds applicant sentences that name a public task rather than a kind of municipality:
Träger der öffentlichen Jugendhilfe, ÖPNV-Aufgabenträger, Träger von Berufskollegs are Kreise and
kreisfreie Städte (a kreisangehörige Stadt only with its own office, so it is asked to check);
Schulträger are all towns and Kreise but not the RVR. ``judge_task`` holds one against a member's kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.conditions import CONTRADICTED, PASS, UNKNOWN
from core.labels import CHECK_PREFIX, FILTER_REASON_LABELS
from core.sentences import split_sentences

ABROAD, COMPANIES, HOUSEHOLDS, RESEARCH = "abroad", "companies_only", "households_only", "research_only"

_I = re.IGNORECASE
# Projects in other countries; "Drittländer"/"third countries" are left out on purpose: EU calls use
# them for who may join a consortium, not for where the project is.
_ABROAD = re.compile(
    r"Entwicklungs-?\s*(?:,|und|sowie)\s*Schwellenländer\w*|Schwellen-?\s*(?:,|und|sowie)\s*Entwicklungsländer\w*"
    r"|Entwicklungsländer\w*|Transformationsländer\w*|Internationale\w*\s+Klimaschutzinitiative"
    r"|globalen\s+Süden\w*|\bODA-fähig\w*|\b(?:in|aus)\s+(?:den\s+|unseren\s+)?(?:Partner|Ziel|Kooperations)ländern\b"
    r"|developing\s+(?:and\s+emerging\s+)?(?:countries|economies)",
    _I,
)
_PROJECT = re.compile(r"Vorhaben|Projekt|Maßnahme|gefördert|unterstützt|durchgeführt|umgesetzt|finanziert", _I)
# A profile opts in to projects abroad by naming such work in its interests or keywords.
OPT_IN = re.compile(
    r"Entwicklungszusammenarbeit|Entwicklungspolitik|Städtepartnerschaft\w*|Partnerst(?:adt|ädte)|Partnerkommune\w*"
    r"|Partnerschaftsprojekt\w*|Eine[- ]Welt|internationale\w*\s+Zusammenarbeit|Klimapartnerschaft\w*",
    _I,
)

_APPLICANT = re.compile(
    r"antragsberechtigt|förderberechtigt|Antragsteller\w*|Zuwendungsempfänger\w*|Zuwendungsempfangende\w*"
    r"|richtet\s+sich\s+an|Anträge\s+stellen\s+können|können\s+[^.;]{0,60}\bbeantragen|Wenn\s+Sie\s+(?:als|ein)\b"
    r"|Gefördert\s+werden\s+(?:kleine|mittlere|Unternehmen|Privatpersonen|Hochschulen|Forschungseinrichtungen)",
    _I,
)
_PUBLIC = re.compile(
    r"Kommun\w*|Gemeinde\w*|\bStädte\b|\bStadt\b|Kreis\w*|Gebietskörperschaft\w*|öffentlich\w*|Körperschaft\w*"
    r"|Anstalt\w*|Zweckverb\w*|Träger\w*|Einrichtung(?!en\s+der\s+Forschung)\w*|Verein\w*|Verb(?:a|ä)nd\w*"
    r"|Stiftung\w*|juristische\w*\s+Person\w*|Organisation\w*|Schule\w*|Kindertages\w*|Behörde\w*"
    r"|Gebiet\w*|municipal\w*|local\s+authorit\w*|public\s+bod\w*"
    # Who manages or owns land or forest may be a town too ("andere Landbewirtschafter", Waldbesitzer).
    r"|\w*[Bb]ewirtschafter\w*|Flächeneigentümer\w*|Waldbesitz\w*|Grundstückseigentümer\w*",
    _I,
)
_GROUPS = {
    COMPANIES: re.compile(
        r"Unternehm\w*|Betrieb\w*|Gewerbe\w*|gewerblich\w*|Existenzgründ\w*|Gründer\w*|Freiberufl\w*"
        r"|Selbst(?:st)?ändig\w*|\bKMU\b|Mittelstand\w*|Handwerk\w*|Landwirt\w*|Kaufleute|companies|SMEs?\b",
        _I,
    ),
    HOUSEHOLDS: re.compile(
        r"Privatperson\w*|private\w*\s+Haushalt\w*|natürliche\w*\s+Person\w*|Bürgerinnen\s+und\s+Bürger"
        r"|selbst\s*genutzt\w*|Wohneigentümer\w*|Mieterinnen|Mieter\b|Hauseigentümer\w*",
        _I,
    ),
    RESEARCH: re.compile(
        r"Hochschul\w*|Universität\w*|Forschungseinrichtung\w*|Forschungsinstitut\w*|Wissenschaftler\w*"
        r"|außeruniversitär\w*|Einrichtungen\s+der\s+Forschung|research\s+(?:organisation|institution)\w*",
        _I,
    ),
}
TEXT_FIELDS = ("title", "teaser_text", "description_text", "eligibility_text")


@dataclass(frozen=True)
class ScopeFinding:
    """Why a town cannot use a programme for itself, with the sentence that says so."""

    kind: str  # abroad | companies_only | households_only | research_only
    sentence: str

    @property
    def reason(self) -> str:
        return FILTER_REASON_LABELS[self.kind]


def _text(programme: Any, name: str) -> str:
    value = getattr(programme, name, "") or ""
    return value if isinstance(value, str) else ""


def _abroad(programme: Any) -> ScopeFinding | None:
    for name in TEXT_FIELDS:
        text = _text(programme, name)
        if not _ABROAD.search(text):
            continue
        for sentence in split_sentences(text):
            if _ABROAD.search(sentence) and (name in ("title", "teaser_text") or _PROJECT.search(sentence)):
                return ScopeFinding(ABROAD, sentence.strip())
    return None


def applicant_sentences(programme: Any) -> list[str]:
    """The sentences of the teaser and eligibility text that say who may apply."""
    found = []
    for name in ("teaser_text", "eligibility_text"):
        text = _text(programme, name)
        if _APPLICANT.search(text):
            found += [s.strip() for s in split_sentences(text) if _APPLICANT.search(s)]
    return found


def _only_group(sentences: list[str]) -> ScopeFinding | None:
    """The one kind of non-public applicant all applicant sentences name, if no public body is named."""
    if not sentences or any(_PUBLIC.search(_APPLICANT.sub(" ", s)) for s in sentences):
        return None
    named = {group for group, pattern in _GROUPS.items() for s in sentences if pattern.search(s)}
    if not named:
        return None
    kind = named.pop() if len(named) == 1 else COMPANIES if COMPANIES in named else None
    if kind is None:
        return None
    first = next(s for s in sentences if _GROUPS[kind].search(s))
    return ScopeFinding(kind, first)


def read_scope(programme: Any) -> ScopeFinding | None:
    """Whether the programme is one a town cannot use for itself, and the sentence that says so."""
    return _abroad(programme) or _only_group(applicant_sentences(programme))


def opts_in_abroad(interests: str, keywords: list[str]) -> bool:
    """A profile that names development cooperation or city partnerships wants projects abroad."""
    return bool(OPT_IN.search(" ".join([interests or "", *(keywords or [])])))


# ------------------------------------------------------------------------------------ public tasks


@dataclass(frozen=True)
class Task:
    """A public task the applicant sentence asks for (``code``), with the sentence."""

    code: str
    label: str
    sentence: str


_TASKS = (
    (
        "jugendhilfe",
        "Träger der öffentlichen Jugendhilfe",
        re.compile(r"Träger\w*\s+der\s+öffentlichen\s+Jugendhilfe|\bJugendämter\b|\bJugendamt\w*", _I),
    ),
    (
        "oepnv",
        "ÖPNV-Aufgabenträger",
        re.compile(
            r"ÖPNV-Aufgabenträger\w*|Aufgabenträger\w*\s+(?:des|für\s+den|im|nach\s+dem|nach)\s+"
            r"(?:öffentlichen\s+(?:Personen)?nahverkehrs?|ÖPNV\w*|SPNV|Nahverkehrs?)",
            _I,
        ),
    ),
    ("berufskolleg", "Träger von Berufskollegs", re.compile(r"Träger\w*\s+(?:von|der)\s+Berufskolleg\w*", _I)),
    ("schule", "Schulträger", re.compile(r"Schulträger\w*", _I)),
)
# Other applicants named beside the task: then the task narrows nothing (the kinds of municipality
# named are the condition reader's Gemeindestatus).
_OTHERS = re.compile(
    r"Kommun\w*|Gemeinde\w*|\bStädte\b|\bStadt\b|Kreis\w*|Gebietskörperschaft\w*|Einrichtung\w*|Verb(?:a|ä)nd\w*"
    r"|Verein\w*|Stiftung\w*|juristische\w*\s+Person\w*|Körperschaft\w*|Organisation\w*|Unternehm\w*",
    _I,
)
_COUNTY_TASKS = ("jugendhilfe", "oepnv", "berufskolleg")


def read_tasks(programme: Any) -> list[Task]:
    """The public tasks applicant sentences ask for (each once)."""
    tasks: dict[str, Task] = {}
    for sentence in applicant_sentences(programme):
        rest = sentence
        for _, _, pattern in _TASKS:
            rest = pattern.sub(" ", rest)
        if rest == sentence or _OTHERS.search(rest):
            continue
        for code, label, pattern in _TASKS:
            if pattern.search(sentence) and code not in tasks:
                tasks[code] = Task(code, label, sentence)
    return list(tasks.values())


@dataclass(frozen=True)
class TaskVerdict:
    outcome: str  # pass | contradicted | unknown (the outcomes of core.conditions)
    task: Task
    reason: str
    detail: str = ""


def judge_task(task: Task, member_kind: str) -> TaskVerdict:
    """Kreise and kreisfreie Städte hold the county tasks; a kreisangehörige Gemeinde may (own office),
    so it is asked to check; the RVR holds none of these tasks."""
    if member_kind == "verband":
        return TaskVerdict(CONTRADICTED, task, FILTER_REASON_LABELS["task_holder"], f"Antragsberechtigt: {task.label}.")
    if task.code not in _COUNTY_TASKS or member_kind in ("kreis", "kreisfreie_stadt"):
        return TaskVerdict(PASS, task, f"erfüllt: {task.label}")
    return TaskVerdict(
        UNKNOWN,
        task,
        f"{CHECK_PREFIX}: {task.label}",
        f"Antragsberechtigt: {task.label}; kreisangehörige Städte nur, wenn sie diese Aufgabe selbst wahrnehmen.",
    )

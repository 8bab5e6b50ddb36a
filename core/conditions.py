"""Area and size conditions of programmes, and how they fit a member.

Many programmes are bound to areas or sizes that no funding database filters by: the GRW
Fördergebiet, the Steinkohle sites of the Investitionsgesetz Kohleregionen, the JTF area of the
northern Ruhr, LEADER regions, "Gemeinden bis 25.000 Einwohner", kreisfreie Städte only,
finanzschwache Kommunen. ``read_conditions`` finds such conditions in a programme's category codes
and texts and keeps each with the sentence that states it; ``judge`` holds one condition against a
member's facts (``core.member_facts``):

- ``pass``: the facts show the member meets it;
- ``contradicted``: a known fact rules the member out (a hard filter with a countable German reason
  such as "nicht im GRW-Fördergebiet");
- ``unknown``: the fact is not known (or only partly), so the programme stays and is flagged
  "bitte prüfen: GRW-Fördergebiet".

The reader is deliberately conservative: a sentence that names an area only in passing (a fund's
name, an authority, a topic, a priority "insbesondere im ländlichen Raum", a higher rate for an area)
is not a condition. Only statements of who may apply or where the funded measure must lie count.
Rate rules belong to the rate reader. The labelled sentences in
``tests/fixtures/conditions/labelled_sentences.json`` measure this (``bench/bench_conditions.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from core.member_facts import MemberFacts
from core.sentences import split_sentences

GRW = "grw_area"
COAL = "coal_region"
JTF = "jtf_area"
STRUCTURAL = "structural_change"
RURAL = "rural_area"
LEADER = "leader_region"
POPULATION = "population"
STATUS = "gemeinde_status"
FINANCE = "financially_weak"
PACT = "staerkungspakt"

LABELS = {
    GRW: "GRW-Fördergebiet",
    COAL: "Kohleregion",
    JTF: "JTF-Gebiet",
    STRUCTURAL: "Strukturwandel-Region",
    RURAL: "ländlicher Raum",
    LEADER: "LEADER-Region",
    POPULATION: "Einwohnerzahl",
    STATUS: "Gemeindestatus",
    FINANCE: "finanzschwache Kommune",
    PACT: "Stärkungspakt Stadtfinanzen",
}
# The countable reasons of a hard filter (one per kind, or per direction for populations).
REASON_GRW = "nicht im GRW-Fördergebiet"
REASON_STEINKOHLE = "kein Steinkohle-Standort"
REASON_BRAUNKOHLE = "nicht im Braunkohlerevier"
REASON_COAL = "nicht in einer Kohleregion"
REASON_JTF = "nicht im JTF-Gebiet"
REASON_RURAL = "nicht im ländlichen Raum"
REASON_LEADER = "nicht in einer LEADER-Region"
REASON_TOO_LARGE = "zu viele Einwohner"
REASON_TOO_SMALL = "zu wenige Einwohner"
REASON_STATUS = "nicht antragsberechtigt (Gemeindestatus)"
REASON_PACT = "nicht im Stärkungspakt"

PASS, CONTRADICTED, UNKNOWN = "pass", "contradicted", "unknown"
GRW_CATEGORY = "grw_foerderung"  # the Förderdatenbank's own mark for GRW programmes
GRW_CATEGORY_SENTENCE = "Förderdatenbank: als GRW-Förderprogramm eingeordnet"
# Populations differ by a few per cent between census bases and the "maßgebende Einwohnerzahl" of
# NRW ordinances; a member this close to a limit is flagged rather than filtered.
POPULATION_MARGIN = 0.03
STATUSES = ("kreisfreie_stadt", "grosse_kreisangehoerige_stadt", "mittlere_kreisangehoerige_stadt", "keine", "kreis")
STATUS_LABELS = {
    "kreisfreie_stadt": "kreisfreie Städte",
    "grosse_kreisangehoerige_stadt": "Große kreisangehörige Städte",
    "mittlere_kreisangehoerige_stadt": "Mittlere kreisangehörige Städte",
    "keine": "kreisangehörige Gemeinden ohne Sonderstatus",
    "kreis": "Kreise",
}
TEXT_FIELDS = ("title", "teaser_text", "description_text", "eligibility_text", "legal_text", "deadline_text")
LONG_SENTENCE = 500  # longer "sentences" (legal lists) are cut to the clause that holds the condition


@dataclass(frozen=True)
class Condition:
    """One area or size condition of a programme, with the sentence (or category) that states it.

    ``detail`` narrows the kind: ``C``/``D`` for the GRW tier; ``steinkohle``/``braunkohle`` for coal
    regions; ``noerdliches_ruhrgebiet``/``rheinisches_revier``/``anderes_revier`` for the JTF area;
    ``ortsteil`` when a population limit is on parts of a Gemeinde. ``statuses`` lists the allowed
    Gemeinde statuses (codes of ``STATUSES``).
    """

    kind: str
    sentence: str
    detail: str = ""
    max_population: int | None = None
    min_population: int | None = None
    statuses: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return LABELS[self.kind]


@dataclass(frozen=True)
class Verdict:
    """How one condition fits one member. ``reason`` is short and countable; ``detail`` explains."""

    outcome: str  # pass | contradicted | unknown
    condition: Condition
    reason: str
    detail: str = ""

    @property
    def excludes(self) -> bool:
        return self.outcome == CONTRADICTED


# ------------------------------------------------------------------------------------- sentences


# ------------------------------------------------------------------------------------- patterns


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Names that contain an area word without making it a condition: funds, programmes, authorities.
_PASSING = _rx(
    r"Landwirtschaftsfonds?\s+für\s+die\s+Entwicklung\s+des\s+ländlichen\s+Raum\w*"
    r"|(?:Landes)?(?:amt|ministerium|behörde)\w*\s+für\s+[^.;:()]{0,80}?ländliche\w*\s+(?:Raum|Räume|Entwicklung)\w*"
    r"|Ministerium\s+für\s+[^.;:()]{0,80}?ländliche\w*\s+Räume?\w*"
    r"|(?:Programm|Plan|Strategie)\w*\s+(?:für\s+den|zur\s+Förderung\s+der\s+Entwicklung\s+im)\s+ländlichen\s+Raum\w*"
    r"|unter\s+bestimmten\s+Voraussetzungen"
    r"|(?:EFRE|ESF\+?)\s*/\s*(?:ESF\s*/\s*)?JTF[\w-]*(?:\s+(?:NRW|Programm|Rahmenrichtlinie|RRL)[\w-]*)?"
    r"|JTF-(?:Programm|Rahmenrichtlinie|Förderrichtlinie)\w*"
)
_AREA = {
    GRW: _rx(
        r"\bGRW\b|Gemeinschaftsaufgabe\W{1,3}Verbesserung\s+der\s+regionalen\s+Wirtschaftsstruktur"
        r"|\b[CD]-Fördergebiet\w*|\b[CD]-\s+(?:oder|und)\s+[CD]-Fördergebiet\w*|Regionalfördergebiet\w*"
        r"|Fördergebietskarte"
    ),
    COAL: _rx(
        r"Steinkohle\w*?standort\w*|Kohleregion\w*|Investitionsgesetz\w*\s+Kohleregionen|\bInvKG\b"
        r"|5-?Standorte-?Programm\w*|(?:Rheinisch|Lausitz|Mitteldeutsch|Helmstedt)\w*\s+(?:Braunkohle)?[Rr]evier\w*"
        r"|Braunkohle(?:n)?(?:revier|region)\w*"
    ),
    JTF: re.compile(r"\bJTF\b|Just[- ]Transition|Fonds?\s+für\s+einen\s+gerechten\s+Übergang", re.IGNORECASE),
    STRUCTURAL: _rx(
        r"(?:vom|von|durch\s+den)\s+Strukturwandel\s+(?:\w+\s+)?betroffen\w*"
        r"|strukturschwach\w*\s+(?:Region|Gebiet|Kommune|Standort|Räum|Raum|Kreis|Städt|Stadt)\w*"
        r"|Strukturwandel(?:region|gebiet)\w*"
    ),
    RURAL: _rx(
        r"ländliche\w*\s+(?:Raum|Räume|Räumen|Raums|Raumes|Gebiet|Gebiete|Gebieten|Region|Regionen|Gemeinde|Gemeinden|Kommune|Kommunen)\b"
        r"|ländlich\s+geprägt\w*"
    ),
    LEADER: re.compile(r"\bLEADER\b|\bLeader-Region\w*|Lokale\w*\s+Aktionsgruppe\w*"),
    FINANCE: _rx(
        r"finanzschwach\w*|Haushaltssicherung\w*|Haushaltsnotlage\w*|Haushaltssanierungsplan\w*|Nothaushalt\w*"
    ),
    PACT: _rx(r"Stärkungspakt\w*"),
}
# A fund or law named without a place ("aus Mitteln des JTF", "nach dem GRW-Koordinierungsrahmen") is
# no area condition: these kinds count only in a sentence that also names a kind of area.
_NEEDS_AREA_WORD = (GRW, COAL, JTF)
_AREA_WORD = _rx(r"gebiet|\bRegion(?:en)?\b|Revier|Standort|Kulisse|Betriebsstätte")
_STEINKOHLE = _rx(r"Steinkohle|5-?Standorte|§\s*1[12]\b")
_BRAUNKOHLE = _rx(r"Braunkohle|(?:Rheinisch|Lausitz|Mitteldeutsch|Helmstedt)\w*\s+(?:Braunkohle)?[Rr]evier")
_NORTHERN_RUHR = _rx(r"nördliche\w*\s+Ruhrgebiet\w*|Emscher-Lippe|\b(?:Bottrop|Dorsten|Gladbeck|Marl)\b")
_RHENISH = _rx(r"Rheinische\w*\s+Revier")
_OTHER_REVIER = _rx(r"(?:Lausitz|Mitteldeutsch|Helmstedt)\w*\s+Revier")

# Cues: a restriction settles it; a weaker cue counts only without a priority word in the sentence.
_RESTRICT = _rx(
    r"\bnur\b|ausschließlich|beschränkt|begrenzt|vorbehalten|Voraussetzung|\bmuss\b|\bmüssen\b"
    r"|Gebietskulisse|Förderkulisse|Betriebsstätte|\bSitz\b|\bsofern\b|\bsoweit\b|steht\s+[^.]{0,60}\boffen"
)
_APPLICANT = _rx(
    r"(?:antragsberechtigt|förderberechtigt|Zuwendungsempfänger\w*|Zuwendungsempfangende\w*|Antragsteller\w*)\s+"
    r"(?:sind|ist|können)\b|\b(?:sind|ist)\s+[^.;]{0,80}\bantragsberechtigt|Wenn\s+Sie\s+als\b"
    r"|können\s+[^.;]{0,60}\bbeantragen|Anträge\s+stellen\s+können|richtet\s+sich\s+an"
)
_WEAK = _rx(
    r"\bsoll\b|\bsollen\b|förderfähig|zuwendungsfähig|gefördert|gewährt|eingesetzt|\binnerhalb\b|\bliegt\b|\bliegen\b"
    r"|gelegen|Fördergebiet\s+(?:ist|sind)|erbracht|durchgeführt|umgesetzt"
)
_PRIORITY = _rx(
    r"insbesondere|vorrangig|bevorzugt|besondere\w*\s+Berücksichtigung|\bbesonders\b(?!\s+betroffen)|vor\s+allem|unter\s+anderem"
    r"|beispielsweise|zum\s+Beispiel|\bz\.\s?B\.|Ausgewogenheit|\bauch\b"
)
_EXCLUSION = _rx(
    r"nicht\s+förderfähig|nicht\s+antragsberechtigt|nicht\s+zuwendungsfähig|ausgeschlossen|keine\s+Förderung|nicht\s+gefördert"
)
_RATE = _rx(
    r"\d\s*(?:%|Prozent|v\.\s?H\.)|Prozentpunkt|Fördersatz|Förderquote|Beihilfeintensität|Höchstsatz|Höchstsätze"
    r"|Höchstgrenze|Festbetrag|Zuschlag|Bonus|Höhe\s+de[rs]\s+(?:Förderung|Zuschusses|Zuwendung|Beihilfe)|Zinsen|Zinssatz"
    r"|Eigenanteil"
)
_TRUE_RESTRICTION = _rx(r"\bnur\b|ausschließlich|beschränkt|vorbehalten")

_NUMBER = r"(\d{1,3}(?:[.\s]\d{3})+|\d+)"
_INHABITANTS = r"\s*(?:Einwohner(?!wert)|EW\b)\w*"
_POPULATION_RANGE = _rx(rf"{_NUMBER}\s*(?:bis|-|–)\s*{_NUMBER}{_INHABITANTS}")
_POPULATION_LIMIT = _rx(
    rf"(bis\s+zu|bis|unter|weniger\s+als|höchstens|nicht\s+mehr\s+als|kleiner\s+als|von\s+mehr\s+als|von\s+über"
    rf"|mehr\s+als|über|mindestens|ab|größer\s+als)\s+{_NUMBER}{_INHABITANTS}"
)
_POPULATION_NOT_A_LIMIT = _rx(
    r"\b(?:je|pro)\s+(?:\w+\s+)?Einwohner|erschlossen\w*\s+Einwohner|Einwohner\w*\s+erschließ|erschließen"
    r"|Anteil\s+der\s+Einwohner|Einwohnerwert"
)
_PLACE = _rx(r"Gemeinde|Kommune|Städt|Stadt|Ort|Dorf|Dörfer|Kreis")
_PART_OF_GEMEINDE = _rx(r"Ortsteil|Ortschaft|Ortslage|\bDorf|\bDörfer|Stadtteil")
_MAX_WORDS = ("bis", "unter", "weniger", "höchstens", "nicht", "kleiner")

_STATUS_TERMS = (
    (
        _rx(
            r"Große\w*\s+und\s+Mittlere\w*\s+kreisangehörige\w*\s+(?:Städte|Stadt)\w*|Mittlere\w*\s+und\s+Große\w*\s+kreisangehörige\w*\s+(?:Städte|Stadt)\w*"
        ),
        ("grosse_kreisangehoerige_stadt", "mittlere_kreisangehoerige_stadt"),
    ),
    (_rx(r"Große\w*\s+kreisangehörige\w*\s+(?:Städte|Stadt)\w*"), ("grosse_kreisangehoerige_stadt",)),
    (_rx(r"Mittlere\w*\s+kreisangehörige\w*\s+(?:Städte|Stadt)\w*"), ("mittlere_kreisangehoerige_stadt",)),
    (
        _rx(r"kreisangehörige\w*\s+und\s+kreisfreie\w*\s+(?:Städte|Stadt)\w*"),
        ("grosse_kreisangehoerige_stadt", "mittlere_kreisangehoerige_stadt", "keine", "kreisfreie_stadt"),
    ),
    (
        _rx(
            r"kreisangehörige\w*\s+(?:Städte\s+und\s+Gemeinden|Gemeinden\s+und\s+Städte|Gemeinden|Gemeinde|Städte|Stadt)\b"
        ),
        ("grosse_kreisangehoerige_stadt", "mittlere_kreisangehoerige_stadt", "keine"),
    ),
    (_rx(r"kreisfreie\w*\s+(?:Städte|Stadt)\w*"), ("kreisfreie_stadt",)),
    (_rx(r"\b(?:Land)?[Kk]reis(?:e|en|es)?\b"), ("kreis",)),
)
_ALL_MUNICIPALITIES = _rx(
    r"\bGemeinden\b|\bGemeinde\b|\bKommunen\b|Gemeindeverb\w*|Gebietskörperschaft\w*|\bStädte\b|juristische\w*\s+Person"
)
_NEGATED = _rx(r"\b(?:nicht|kein\w*|außerhalb)\b[^.;,]{0,40}$")


def _cued(text: str, *, applicant_only: bool = False) -> bool:
    if applicant_only:
        return bool(_APPLICANT.search(text) or _TRUE_RESTRICTION.search(text))
    if _RESTRICT.search(text) or _APPLICANT.search(text):
        return True
    return bool(_WEAK.search(text)) and not _PRIORITY.search(text)


def _mask(sentence: str) -> str:
    """The sentence with passing names blanked out (same length, so positions still match)."""
    return _PASSING.sub(lambda hit: " " * len(hit.group()), sentence)


def _clause_span(sentence: str, position: int) -> tuple[int, int]:
    """Where the clause around a position starts and ends; the whole sentence unless it is over-long
    (legal texts run lists on for pages, and a cue far away says nothing about this place)."""
    if len(sentence) <= LONG_SENTENCE:
        return 0, len(sentence)
    start = max(sentence.rfind(";", 0, position), sentence.rfind(":", 0, position)) + 1
    end = sentence.find(";", position)
    return start, end if end >= 0 else len(sentence)


def _population(sentence: str, masked: str) -> Condition | None:
    found = _POPULATION_RANGE.search(masked) or _POPULATION_LIMIT.search(masked)
    if found is None:
        return None
    start, end = _clause_span(masked, found.start())
    clause = masked[start:end]
    if _POPULATION_NOT_A_LIMIT.search(clause) or not _PLACE.search(clause):
        return None
    excluded = bool(_EXCLUSION.search(clause))
    if not excluded and not _cued(clause):
        return None
    low: int | None
    high: int | None
    if found.re is _POPULATION_RANGE:
        low, high = _int(found.group(1)), _int(found.group(2))
    else:
        number = _int(found.group(2))
        is_max = found.group(1).split()[0].lower() in _MAX_WORDS
        if excluded:  # "Städte mit über 100.000 Einwohnern sind nicht förderfähig": the rest may apply
            is_max = not is_max
        low, high = (None, number) if is_max else (number, None)
    return Condition(
        POPULATION,
        sentence[start:end].strip(),
        detail="ortsteil" if _PART_OF_GEMEINDE.search(masked[start : found.start()]) else "",
        max_population=high,
        min_population=low,
    )


def _int(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _status(sentence: str, masked: str) -> Condition | None:
    """The Gemeinde statuses an applicant sentence allows; None when it allows every municipality."""
    first = min((hit.start() for pattern, _ in _STATUS_TERMS if (hit := pattern.search(masked))), default=None)
    if first is None:
        return None
    start, end = _clause_span(masked, first)
    rest = masked[start:end]
    if not _APPLICANT.search(rest):
        return None
    allowed: set[str] = set()
    for pattern, statuses in _STATUS_TERMS:
        if pattern.search(rest):
            allowed.update(statuses)
            rest = pattern.sub(" ", rest)
    if _ALL_MUNICIPALITIES.search(rest) or allowed >= set(STATUSES):
        return None
    return Condition(STATUS, sentence[start:end].strip(), statuses=tuple(s for s in STATUSES if s in allowed))


def _detail(kind: str, masked: str) -> str:
    if kind == GRW:
        tiers = set(re.findall(r"\b([CD])-(?:Fördergebiet|\s+(?:oder|und))", masked))
        return tiers.pop() if len(tiers) == 1 else ""
    if kind == COAL:
        if _BRAUNKOHLE.search(masked):
            return "braunkohle"
        return "steinkohle" if _STEINKOHLE.search(masked) else ""
    if kind == JTF:
        northern, rhenish = bool(_NORTHERN_RUHR.search(masked)), bool(_RHENISH.search(masked))
        if northern != rhenish:
            return "noerdliches_ruhrgebiet" if northern else "rheinisches_revier"
        if not northern and _OTHER_REVIER.search(masked):
            return "anderes_revier"
    return ""


def _area_condition(kind: str, sentence: str, masked: str, hit: re.Match[str]) -> Condition | None:
    start, end = _clause_span(masked, hit.start())
    clause = masked[start:end]
    if kind in _NEEDS_AREA_WORD and not _AREA_WORD.search(clause):
        return None
    if _NEGATED.search(masked[start : hit.start()]) or _EXCLUSION.search(clause):
        return None
    if not _cued(clause, applicant_only=kind in (FINANCE, PACT)):
        return None
    return Condition(kind, sentence[start:end].strip(), detail=_detail(kind, clause))


# A text without any of these words states no condition: every pattern above needs one of them (the
# status terms all contain "kreis"). Plain substring tests first keep reading 20,000 programmes cheap.
_HINT_WORDS = (
    "grw", "gemeinschaftsaufgabe", "fördergebiet", "kohle", "invkg", "standorte", "revier", "jtf", "just",
    "gerechten", "struktur", "ländlich", "leader", "aktionsgruppe", "finanzschwach", "haushalt", "stärkungspakt",
    "einwohner", "kreis",
)  # fmt: skip
_EW = re.compile(r"\bew\b")


def _has_hint(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _HINT_WORDS) or bool(_EW.search(lowered))


def read_sentence(sentence: str) -> list[Condition]:
    """The conditions one sentence states (most sentences state none)."""
    if not _has_hint(sentence):
        return []
    masked = _mask(sentence)
    if _RATE.search(masked) and not _TRUE_RESTRICTION.search(masked):
        return []
    hits = {kind: pattern.search(masked) for kind, pattern in _AREA.items()}
    if hits[JTF]:  # a JTF sentence names its Revier; the area is the JTF's, not the coal region's
        hits[COAL] = None
    if hits[COAL] or hits[JTF]:
        hits[STRUCTURAL] = None
    found = [_area_condition(kind, sentence, masked, hit) for kind, hit in hits.items() if hit]
    found += [_population(sentence, masked), _status(sentence, masked)]
    return [condition for condition in found if condition]


def _texts(programme: Any) -> Iterator[str]:
    for name in TEXT_FIELDS:
        text = getattr(programme, name, "") or ""
        if isinstance(text, str):
            yield text


def read_conditions(programme: Any) -> list[Condition]:
    """The area and size conditions of a programme (a ``store.models.Programme`` or anything with its
    text fields and ``extra``), each once, in reading order: title, teaser, description, eligibility,
    legal text, deadline prose."""
    conditions: list[Condition] = []
    seen: set[tuple[object, ...]] = set()
    extra = getattr(programme, "extra", None) or {}
    if isinstance(extra, dict) and GRW_CATEGORY in (extra.get("grw") or []):
        conditions.append(Condition(GRW, GRW_CATEGORY_SENTENCE))
        seen.add((GRW, "", None, None, ()))
    for text in _texts(programme):
        if not _has_hint(text):
            continue
        for sentence in split_sentences(text):
            for condition in read_sentence(sentence):
                key = (condition.kind, condition.detail, condition.max_population, condition.min_population)
                if (key + (condition.statuses,)) not in seen:
                    seen.add(key + (condition.statuses,))
                    conditions.append(condition)
    return conditions


# ----------------------------------------------------------------------------------------- judge


def judge(condition: Condition, facts: MemberFacts) -> Verdict:
    """How the condition fits the member with these facts (unknown facts never exclude)."""
    return _JUDGES[condition.kind](condition, facts)


def _pass(condition: Condition, detail: str = "") -> Verdict:
    return Verdict(PASS, condition, f"erfüllt: {condition.label}", detail)


def _unknown(condition: Condition, detail: str = "") -> Verdict:
    return Verdict(UNKNOWN, condition, f"bitte prüfen: {condition.label}", detail)


def _no(condition: Condition, reason: str, detail: str = "") -> Verdict:
    return Verdict(CONTRADICTED, condition, reason, detail)


_GRW_PARTLY = {"C_teilweise", "C_mind_teilweise"}


def _judge_grw(condition: Condition, facts: MemberFacts) -> Verdict:
    area = facts.get("grw_foerdergebiet")
    if area is None:
        return _unknown(condition, "Ob Ihr Gebiet im GRW-Fördergebiet liegt, ist bei uns nicht belegt.")
    if area == "kein":
        return _no(condition, REASON_GRW)
    if area in _GRW_PARTLY or (condition.detail and area == "C_und_D"):
        return _unknown(condition, "Nur Teile Ihres Gebiets liegen im Fördergebiet: es kommt auf den Standort an.")
    if condition.detail and area != condition.detail:
        return _no(condition, REASON_GRW, f"Verlangt ist das {condition.detail}-Fördergebiet.")
    return _pass(condition)


def _judge_coal(condition: Condition, facts: MemberFacts) -> Verdict:
    hard, soft = facts.get("steinkohle_standort"), facts.get("braunkohle_revier")
    if condition.detail == "braunkohle":
        if soft is None:
            return _unknown(condition)
        return _pass(condition) if soft else _no(condition, REASON_BRAUNKOHLE)
    if hard:
        return _pass(condition)
    if condition.detail == "steinkohle":
        return _unknown(condition) if hard is None else _no(condition, REASON_STEINKOHLE)
    if soft:
        return _pass(condition)
    if hard is False and soft is False:
        return _no(condition, REASON_COAL)
    return _unknown(condition)


def _judge_jtf(condition: Condition, facts: MemberFacts) -> Verdict:
    area = facts.get("jtf_gebiet")
    if area is None:
        return _unknown(condition)
    if condition.detail in ("rheinisches_revier", "anderes_revier") or area == "nein":
        return _no(condition, REASON_JTF)
    if area == "teilweise":
        return _unknown(condition, "Nur Teile Ihres Gebiets liegen im JTF-Gebiet.")
    return _pass(condition)


def _judge_structural(condition: Condition, facts: MemberFacts) -> Verdict:
    if facts.get("steinkohle_standort") or facts.get("jtf_gebiet") in ("noerdliches_ruhrgebiet", "teilweise"):
        return _pass(condition)
    return _unknown(condition, "Welche Regionen als vom Strukturwandel betroffen gelten, legt das Programm fest.")


def _judge_flag(fact: str, reason: str) -> Callable[[Condition, MemberFacts], Verdict]:
    def judge_flag(condition: Condition, facts: MemberFacts) -> Verdict:
        value = facts.get(fact)
        if value is None:
            return _unknown(condition)
        return _pass(condition) if value else _no(condition, reason)

    return judge_flag


def _de(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _judge_population(condition: Condition, facts: MemberFacts) -> Verdict:
    population = facts.get("population")
    if population is None:
        return _unknown(condition)
    high, low = condition.max_population, condition.min_population
    if condition.detail == "ortsteil":
        if high is not None and population <= high and low is None:
            return _pass(condition)
        return _unknown(condition, "Die Grenze gilt für Ortsteile: bitte prüfen Sie Ihre Ortsteile.")
    if high is not None and population > high * (1 + POPULATION_MARGIN):
        return _no(condition, REASON_TOO_LARGE, f"Grenze {_de(high)}, bei Ihnen {_de(population)} Einwohner.")
    if low is not None and population < low * (1 - POPULATION_MARGIN):
        return _no(condition, REASON_TOO_SMALL, f"Mindestens {_de(low)}, bei Ihnen {_de(population)} Einwohner.")
    near = [
        limit for limit in (high, low) if limit is not None and abs(population - limit) <= limit * POPULATION_MARGIN
    ]
    if near:
        return _unknown(condition, f"Ihre Einwohnerzahl ({_de(population)}) liegt nahe der Grenze von {_de(near[0])}.")
    return _pass(condition)


_KREISANGEHOERIG = ("grosse_kreisangehoerige_stadt", "mittlere_kreisangehoerige_stadt", "keine")


def _member_statuses(facts: MemberFacts) -> set[str]:
    """The statuses the member may have: one when known; for a kreisangehörige Gemeinde whose
    GKSt/MkSt status is not known, the three it could be."""
    if facts.kind in ("kreis", "kreisfreie_stadt"):
        return {facts.kind}
    if facts.kind == "kreisangehoerige_gemeinde":
        status = facts.get("gemeinde_status")
        return {status} if status in _KREISANGEHOERIG else set(_KREISANGEHOERIG)
    return set()


def _judge_status(condition: Condition, facts: MemberFacts) -> Verdict:
    possible = _member_statuses(facts)
    allowed = " und ".join(STATUS_LABELS[s] for s in condition.statuses)
    if possible and possible <= set(condition.statuses):
        return _pass(condition)
    if possible and not possible & set(condition.statuses):
        return _no(condition, REASON_STATUS, f"Antragsberechtigt sind nur {allowed}.")
    return _unknown(condition, f"Antragsberechtigt: {allowed}.")


def _judge_finance(condition: Condition, facts: MemberFacts) -> Verdict:
    if facts.get("haushaltssicherung"):
        return _pass(condition)
    return _unknown(condition, "Was als finanzschwach gilt, legt das Programm fest.")


def _judge_pact(condition: Condition, facts: MemberFacts) -> Verdict:
    pact = facts.get("staerkungspakt")
    if pact is None:
        return _unknown(condition)
    if pact in ("nein", "nicht_anwendbar"):
        return _no(condition, REASON_PACT)
    return _pass(condition)


_JUDGES: dict[str, Callable[[Condition, MemberFacts], Verdict]] = {
    GRW: _judge_grw,
    COAL: _judge_coal,
    JTF: _judge_jtf,
    STRUCTURAL: _judge_structural,
    RURAL: _judge_flag("laendlicher_raum", REASON_RURAL),
    LEADER: _judge_flag("leader_region", REASON_LEADER),
    POPULATION: _judge_population,
    STATUS: _judge_status,
    FINANCE: _judge_finance,
    PACT: _judge_pact,
}

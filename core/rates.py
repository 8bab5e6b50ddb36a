"""Funding rates and amounts read from a programme's texts, and the own share they leave a member.

A clerk's second question is "Was kostet es uns?". No source states the Förderquote as data: the
Förderdatenbank writes "Die Höhe des Zuschusses beträgt bis zu 90 Prozent der zuwendungsfähigen
Ausgaben", NRW pages "Zuschüsse von 40 bis 80 % der förderfähigen Kosten". This module reads such
prose and keeps, for every figure, the sentence and the words that state it, so a reader can check
the result against the source. Nothing is ever guessed: a figure that no sentence states is absent.

What is read, per sentence:
- rates: fixed ("50 Prozent"), upper bounds ("bis zu 90 %", "höchstens 80 %"), ranges ("zwischen
  40 und 80 Prozent", "40 bis 80 %"); the own share when the text states it ("Eigenanteil von
  mindestens 20 Prozent"); a Tilgungszuschuss of a loan; a rule of a base rate with surcharges
  ("Regelfördersatz 60 %", "erhöht oder vermindert sich um jeweils 10 Prozentpunkte" for
  unemployment and financial strength);
- amounts: Höchstbetrag ("höchstens EUR 15.000", "bis zu 1 Mio. Euro"), Mindestbetrag
  ("mindestens 10.000 Euro", "muss EUR 25.000 übersteigen") and Bagatellgrenze, in euros.
Percentages of other things (a guarantee, a flat rate for overheads, interest, capital shares) and
amounts that are not the grant (turnover, wages, a programme's total budget, per-day or per-month
sums) are left out. ``tests/fixtures/rates/labelled_sentences.json`` holds the sentences this is
measured on (``bench/bench_rates.py``).

Every function here takes any text and never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.sentences import split_sentences

FUNDING_RATE_MAX_CHARS = 255  # the length of ``Programme.funding_rate``

# -- numbers -------------------------------------------------------------------------------------

# A German number: "1.500.000,50", "15.000", "5000", "2,5", also the export's broken "20 .000.000".
_NUMBER = r"\d{1,3}(?:\s?\.\d{3})+(?:,\d+)?(?!\d)|\d+(?:,\d+)?"
_MULTIPLIERS = {
    "mio": 1e6,
    "million": 1e6,
    "millionen": 1e6,
    "mrd": 1e9,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "tsd": 1e3,
    "tausend": 1e3,
}
_FRACTIONS = {"hälfte": 50.0, "drittel": 100 / 3, "viertel": 25.0}
_NUMERALS = {"ein": 1, "eine": 1, "einem": 1, "zwei": 2, "drei": 3, "2": 2, "3": 3, "1": 1}


def parse_german_number(text: str) -> float | None:
    """ "1.500.000,50" → 1500000.5, "15.000" → 15000.0, "2,5" → 2.5; None when it is no number."""
    try:
        raw = "".join(str(text).split())
        if not re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", raw):
            return None
        return float(raw.replace(".", "").replace(",", "."))
    except (TypeError, ValueError):
        return None


def format_percent(value: float) -> str:
    """German display of a percentage: 90 → "90 %", 66.67 → "66,67 %"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} %"


def format_euros(value: float) -> str:
    """German display of an amount: 15000 → "15.000 Euro", 1500000 → "1,5 Mio. Euro"."""
    if value >= 1e6 and value % 1e4 == 0:
        text = f"{value / 1e6:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        return f"{text} Mio. Euro"
    if value == int(value):
        return f"{int(value):,} Euro".replace(",", ".")
    whole, cents = f"{value:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{cents} Euro"


# -- what is read ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateStatement:
    """One rate a sentence states.

    ``kind``: ``rate`` (share of the eligible costs the programme pays), ``own_share`` (share the
    applicant pays, when the text says so), ``repayment_bonus`` (Tilgungszuschuss of a loan), ``base``
    (the base rate of a rule) or ``adjustment`` (points a rule adds or takes, ``factors`` say for what).
    ``low``/``high`` are percent; ``low`` is None for "bis zu 90 %", ``high`` None for "mindestens 20 %".
    For an adjustment they are the points it can take and add ("±10" → -10, 10; "erhöht um 5" → 0, 5).
    """

    kind: str
    low: float | None
    high: float | None
    sentence: str
    phrase: str  # the words of the sentence that state it
    loan: bool = False  # the share a loan finances, not a grant
    group: str = ""  # "kommune" or "financially_weak" when the sentence limits it to them
    factors: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The figure in a few words: "bis zu 90 %", "40–80 %", "mindestens 20 %"."""
        return rate_span(self.low, self.high)


@dataclass(frozen=True)
class AmountStatement:
    """One amount a sentence states: ``max`` (Höchstbetrag), ``min`` (Mindestbetrag), ``bagatelle``
    (Bagatellgrenze) or ``fixed`` (a fixed sum, both bounds at once); ``euros`` normalised."""

    kind: str
    euros: float
    sentence: str
    phrase: str


@dataclass(frozen=True)
class FundingTerms:
    """Everything read from a programme's texts, in text order."""

    rates: tuple[RateStatement, ...] = ()
    amounts: tuple[AmountStatement, ...] = ()

    def rate_figures(self) -> tuple[tuple[str, float | None, float | None], ...]:
        """(kind, low, high) of each rate, rounded: what two readings are compared on."""
        return tuple((r.kind, _round(r.low), _round(r.high)) for r in self.rates)

    def amount_figures(self) -> tuple[tuple[str, float], ...]:
        return tuple((a.kind, round(a.euros, 2)) for a in self.amounts)

    def grant_rates(self) -> list[RateStatement]:
        return [r for r in self.rates if r.kind == "rate"]

    def rule(self) -> tuple[RateStatement, list[RateStatement]] | None:
        """The base rate and its adjustments, when the texts state a rule."""
        base = next((r for r in self.rates if r.kind == "base"), None)
        if base is None:
            return None
        return base, [r for r in self.rates if r.kind == "adjustment"]

    @property
    def rate_min(self) -> float | None:
        """The lowest rate any sentence states (None when every statement is an upper bound)."""
        rule = self.rule()
        if rule is not None:
            return _rule_range(*rule)[0]
        lows = [r.low for r in self.grant_rates() if r.low is not None]
        return min(lows) if lows else None

    @property
    def rate_max(self) -> float | None:
        rule = self.rule()
        if rule is not None:
            return _rule_range(*rule)[1]
        highs = [r.high for r in self.grant_rates() if r.high is not None]
        return max(highs) if highs else None

    @property
    def amount_min(self) -> float | None:
        """The smallest sum a project must reach (Mindestbetrag, Bagatellgrenze, fixed sum)."""
        floors = [a.euros for a in self.amounts if a.kind in ("min", "bagatelle", "fixed")]
        return min(floors) if floors else None

    @property
    def amount_max(self) -> float | None:
        """The largest grant or loan a project can get (Höchstbetrag, fixed sum)."""
        ceilings = [a.euros for a in self.amounts if a.kind in ("max", "fixed")]
        return max(ceilings) if ceilings else None

    def rate_text(self) -> str:
        """The rate in a few words: "bis zu 90 %", "40–80 %", "50 %"; "" when no sentence states one."""
        if self.rate_min is None and self.rate_max is None:
            return ""
        return rate_span(self.rate_min, self.rate_max)

    def funding_rate_text(self) -> str:
        """The rate as the source writes it, for ``Programme.funding_rate``: the first sentence that
        states a rate, or (when that is too long) its rate phrases joined by " … "."""
        statements = [r for r in self.rates if r.kind in ("rate", "base")]
        if not statements:
            return ""
        sentence = statements[0].sentence
        if len(sentence) <= FUNDING_RATE_MAX_CHARS:
            return sentence
        phrases = [r.phrase for r in statements if r.sentence == sentence]
        return " … ".join(phrases)[:FUNDING_RATE_MAX_CHARS]

    def columns(self) -> dict[str, Any]:
        """The programme fields this reading fills (see ``store.models.Programme``)."""
        return {
            "funding_rate": self.funding_rate_text(),
            "rate_min_pct": self.rate_min,
            "rate_max_pct": self.rate_max,
            "amount_min_eur": self.amount_min,
            "amount_max_eur": self.amount_max,
        }


def _rule_range(base: RateStatement, adjustments: list[RateStatement]) -> tuple[float, float]:
    """Lowest and highest rate a rule allows: the base plus every adjustment, once per factor."""
    low = high = base.low or 0.0
    for adjustment in adjustments:
        times = max(1, len(adjustment.factors))
        low += (adjustment.low or 0) * times
        high += (adjustment.high or 0) * times
    return low, high


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# -- patterns ------------------------------------------------------------------------------------------

_I = re.IGNORECASE
_PERCENT = re.compile(
    r"(?:(?P<from>" + _NUMBER + r")\s*(?:%|Prozent)?\s*(?:bis|-|–|und)\s*)?"
    r"(?P<num>" + _NUMBER + r")\s*(?P<unit>%|Prozentpunkte?n?|Prozent|v\.\s?H\.|vom\s+Hundert|von\s+Hundert)"
    r"|(?P<numeral>\b(?:ein|eine|einem|zwei|drei|[123])\s+)?(?P<fraction>Hälfte|Drittel|Viertel)\b",
    _I,
)
_MONEY = re.compile(
    r"(?:EUR|Euro|€)\s*(?P<a>" + _NUMBER + r")(?:\s*(?P<am>Mio\.?|Millionen|Million|Mrd\.?|Milliarden|Tsd\.?|Tausend))?"
    r"|(?P<b>" + _NUMBER + r")(?:\s*(?P<bm>Mio\.?|Millionen|Million|Mrd\.?|Milliarden|Tsd\.?|Tausend))?"
    r"\s*(?:EUR(?:O)?\b|Euro\b|€)",
    _I,
)
# The qualifier just before a figure ("bis zu", "höchstens jedoch", "mindestens").
_FILLER = r"(?:\s+(?:jedoch|insgesamt|jeweils|je|einer\s+Höhe\s+von|einem\s+Betrag\s+von|zu|von|in\s+Höhe\s+von))*"
_MAX_BEFORE = re.compile(
    r"(?:bis\s+zu|\bbis|höchstens|maximal|\bmax\.|nicht\s+mehr\s+als|begrenzt\s+auf)" + _FILLER + r"\s*(?:EUR|€)?\s*$",
    _I,
)
_MIN_BEFORE = re.compile(
    r"(?:mindestens|wenigstens|nicht\s+weniger\s+als|mehr\s+als)" + _FILLER + r"\s*(?:EUR|€)?\s*$",
    _I,
)
_RANGE_HEAD = re.compile(
    r"(?<![\d.,])(?P<n>" + _NUMBER + r")(?:\s*(?P<m>Mio\.?|Millionen|Mrd\.?|Tsd\.?))?\s*(?:bis|-|–)\s*(?:zu\s+)?$", _I
)
_RANGE_GAP = re.compile(r"^\s*(?:EUR|Euro|€)?\s*(?:und|bis|-|–)\s*(?:zu\s+)?(?:EUR|€)?\s*$", _I)
_MAX_NOUN = re.compile(r"höchstbetrag|höchstgrenze|obergrenze|förderhöchst|höchstförder|maximale[nr]?\s+\w+", _I)
_MIN_NOUN = re.compile(r"mindest(?:förder|betrag|kredit|summe|investition|volumen|zuwendung)\w*", _I)
_MAX_AFTER = re.compile(r"^\W{0,3}(?:[\w.]+\s+){0,4}?(?:nicht\s+(?:übersteigen|überschreiten)|begrenzt)", _I)
_MIN_AFTER = re.compile(r"^\W{0,3}(?:\w+\s+){0,2}?(?:übersteigen|überschreiten|nicht\s+unterschreiten)", _I)

_GRANT_WORDS = re.compile(
    r"zuschuss|zuschüsse|förderung|zuwendung|fördersatz|förderquote|förderhöchstsatz|finanzierungsanteil|"
    r"beihilfe|gefördert|förderintensität|fördersätze|förderfähig|zuwendungsfähig|kostenerstattung|"
    r"höchstgrenze|höchstsatz|"
    r"darlehen|kredit|finanzier",
    _I,
)
_COST_BASIS = re.compile(
    r"^\s*(?:der|des|ihrer|ihres|seiner|von\s+den)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:\w*ausgaben|\w*kosten|investition\w*|arbeitsentgelt\w*|\w*finanzierungsbedarf\w*|bemessungsgrundlage|"
    r"aufwendungen|\w*defizit\w*|vorhabens)",
    _I,
)
_LOAN = re.compile(r"darlehen|kredit|finanzierungsanteil", _I)
_OWN_SHARE = re.compile(
    r"\beigen(?:anteil|mittel|kapital|beteiligung|leistung)|eigenen\s+mitteln|selbst\s+aufgebrachte", _I
)
_REPAYMENT = re.compile(r"tilgungszuschuss|in\s+einen\s+zuschuss\s+umgewandelt", _I)
_BASE = re.compile(r"regelfördersatz|grundfördersatz|regelförderquote|basisfördersatz|grundförderquote", _I)
_ADJUST = re.compile(r"erhöh|vermind|verringer|reduzier|absenk|zuschlag|abschlag|\+/-|±", _I)
_RAISE = re.compile(r"erhöh|zuschlag|\+/-|±", _I)
_LOWER = re.compile(r"vermind|verringer|reduzier|absenk|abschlag|\+/-|±", _I)
# Percentages of something else than the eligible costs (a guarantee, interest, capital, jobs ...):
# these words just before or after a figure rule it out as a rate.
_NOT_A_RATE = re.compile(
    r"haftungsfreistellung|garantie|bürgschaft|pauschal|schlussrate|\bzins(?:satz|sätze|en|betrag)?\b|"
    r"kapitals?\b|beteiligungssumme|ausfall|risiko|leiharbeit|arbeitsplätze|arbeitszeit|sozialhilfe|neubau|"
    r"umsatz|einbehalten|stimmrecht|kleinkläranlagen|einsparung|gebühr|vergütung|minderheitsbeteiligung|"
    r"anteil\s+am|\bhaft|darlehenssumme|\braten\b|teilnehmer",
    _I,
)
_NOT_A_RATE_BEFORE = re.compile(r"(?:mehr\s+als|über|\bum(?:\s+(?:jeweils|je|durchschnittlich|mindestens))?)\s*$", _I)
_NOT_A_RATE_AFTER = re.compile(
    r"^\s*(?:der\s+(?:zuwendung|förderung|beteiligung|summe|fläche|mittel)\b|des\s+(?:kapitals|zuschusses)\b|"
    r"auf\s+die|entfallen|p\.\s?a\.|pro\s+jahr|jährlich|über\s+dem|am\s+gezeichneten|des\s+gezeichneten|"
    r"eines\s+vergleichbaren|der\s+(?:regelmäßigen|geltenden|gesamtmaßnahme|tatsächlich|kosten\s+eines)|"
    r"beteiligt|ihres\s+kreditbetrags|des\s+kreditbetrags|oder\s+mehr)",
    _I,
)
_CONJUNCTION = re.compile(r"^\s*(?:beziehungsweise|bzw\.|oder|und)\s*$", _I)
_ADJUST_LEAD = re.compile(r"\bum(?:\s+(?:jeweils|je|durchschnittlich))?\s*$", _I)
_ADJUST_SUBJECT = re.compile(r"zuschuss|förderung|fördersatz|förderquote|zuwendung", _I)
_ADJUST_VERB = re.compile(r"erhöh|vermind|verringer|reduzier|absenk", _I)
_RATE_QUALIFIER = re.compile(r"(?:bis\s+zu|höchstens|maximal|zwischen)\s*$", _I)
_RATE_CEILING_NOUN = re.compile(r"höchstsatz|höchstgrenze|maximal", _I)
_MIN_VERB_BEFORE = re.compile(r"unterschreite\w*\s*$", _I)
# Amounts of something else than the grant: left out. ``_VOLUME`` anywhere before an unqualified
# figure marks a programme's total budget ("Gesamtvolumen 60 Mio. Euro"), not a project's grant.
_VOLUME = re.compile(r"volumen|budget|insgesamt\s+\d|zur\s+verfügung|aufgestockt", _I)
_NOT_AN_AMOUNT = re.compile(
    r"umsatz|bilanzsumme|lohn|gehalt|einkommen|vermögen|volumen|budget|haushaltsmittel|schwellenwert|"
    r"anmeldeschwelle|informations|veröffentlichungspflicht|zinsbetrag|einnahmen|gebühr|gesamtrisiko|"
    r"erleichterungen|stammkapital|kaufpreis|miete|gestartet|aufgestockt|de-minimis|beihilfehöchst|"
    r"ausgaben\s+ihres\s+vorhabens|unter\s*(?:EUR|€)?\s*$|über\s*(?:EUR|€)?\s*$|beteiligen|eigenbeteiligung|"
    r"im\s+wert\s+von|\bje\s+eur\b|honorarkosten|für\s+jede[nrs]?\b|\bjede[nrs]?\s+\w+\s*$",
    _I,
)
_PER_UNIT = re.compile(
    r"^\s*\)?\s*(?:je|pro|/|für\s+jede[nr]?)\s+(?:\w+\s+){0,2}?"
    r"(?:tag|monat|woche|stunde|portion|person|kind|teilnehm|reisetag|familienmitglied|unterrichtseinheit|"
    r"hektar|ha\b|quadratmeter|m²|qm|kilometer|km\b|platz|plätze|ausbildungsverhältnis|fall\b|mitglied|"
    r"schüler|einwohner|arbeitsplatz|tonne|kw|stück|ladepunkt|betreuung|jugendferienwerkskind|stelle)",
    _I,
)
_FIXED_BEFORE = re.compile(
    r"(?:zuschuss\w*|förderung|zuwendung|darlehens?|kredit\w*|beteiligung|förderbetrag|festbetrag)\s+"
    r"(?:\w+\s+){0,4}?(?:beträgt|beträgen|in\s+höhe\s+von|von)\s*(?:EUR|€)?\s*$",
    _I,
)
_KOMMUNE = re.compile(r"kommun|gemeinde|gebietskörperschaft|öffentlichen\s+rechts|landkreise|städte\b", _I)
_WEAK = re.compile(r"finanzschwach|haushaltsnotlage|haushaltssicherung", _I)

# Factors a surcharge rule can depend on: key in a member's facts (``<key>_points``), what the text
# calls it, its name, and how a clerk reads it ("hängt von der Arbeitslosenquote ab").
FACTORS = {
    "unemployment": (re.compile(r"arbeitslos", _I), "Arbeitslosenquote", "der Arbeitslosenquote"),
    "financial_strength": (
        re.compile(r"finanziellen?\s+leistungsfähigkeit|finanzkraft|steuerkraft", _I),
        "finanzielle Leistungsfähigkeit",
        "der finanziellen Leistungsfähigkeit",
    ),
}

_CHEAP = ("%", "prozent", "v. h", "v.h", "hundert", "eur", "€", "hälfte", "drittel", "viertel")


# -- reading ---------------------------------------------------------------------------------------


@dataclass
class _Mention:
    start: int
    end: int
    low: float | None
    high: float | None
    unit: str


def _percent_mentions(sentence: str) -> list[_Mention]:
    found: list[_Mention] = []
    for match in _PERCENT.finditer(sentence):
        if match["fraction"]:
            count = _NUMERALS.get((match["numeral"] or "").strip().lower(), 1)
            value = _FRACTIONS[match["fraction"].lower()] * (1 if match["fraction"].lower() == "hälfte" else count)
            found.append(_Mention(match.start(), match.end(), value, value, "%"))
            continue
        number = parse_german_number(match["num"])
        if number is None or number > 100:
            continue
        low = parse_german_number(match["from"]) if match["from"] else number
        if low is None or low > number:
            continue
        unit = "points" if match["unit"].lower().startswith("prozentpunkt") else "%"
        found.append(_Mention(match.start(), match.end(), low, number, unit))
    return found


def _money_mentions(sentence: str) -> list[_Mention]:
    found: list[_Mention] = []
    for match in _MONEY.finditer(sentence):
        multiplier = _MULTIPLIERS.get((match["am"] or match["bm"] or "").lower().rstrip("."), 1)
        value = parse_german_number(match["a"] or match["b"])
        if value is None:
            continue
        head = _RANGE_HEAD.search(sentence, max(0, match.start() - 40), match.start())
        if head is not None and (not found or found[-1].end <= head.start()):
            # "20.000 bis 150.000 Euro": the first number has no currency of its own
            low = parse_german_number(head["n"])
            if low is not None:
                own = head["m"]
                low *= _MULTIPLIERS.get(own.lower().rstrip("."), 1) if own else multiplier
                found.append(_Mention(head.start(), head.start() + len(head["n"]), low, low, "EUR"))
        found.append(_Mention(match.start(), match.end(), value * multiplier, value * multiplier, "EUR"))
    return found


def _leads(sentence: str, mentions: list[_Mention]) -> list[str]:
    """The text between each mention and the one before it (or the sentence start)."""
    leads, previous = [], 0
    for mention in mentions:
        leads.append(sentence[previous : mention.start])
        previous = mention.end
    return leads


def _tails(sentence: str, mentions: list[_Mention]) -> list[str]:
    tails = []
    for index, mention in enumerate(mentions):
        end = mentions[index + 1].start if index + 1 < len(mentions) else len(sentence)
        tails.append(sentence[mention.end : end])
    return tails


def _group(lead: str, tail: str, last: bool) -> str:
    for text in (lead, tail if last else ""):
        if _WEAK.search(text):
            return "financially_weak"
        if _KOMMUNE.search(text):
            return "kommune"
    return ""


def _phrase(sentence: str, start: int, end: int, tail: str) -> str:
    """The words that state a figure: its qualifier and, for a rate, the cost basis after it."""
    head = sentence[max(0, start - 40) : start]
    qualifier = re.search(
        r"(?:bis\s+zu|zwischen|höchstens|maximal|mindestens|max\.|bis|von|rund)(?:\s+\w+){0,3}\s*$", head, _I
    )
    begin = start - (len(head) - qualifier.start()) if qualifier else start
    basis = _COST_BASIS.match(tail)
    finish = end + (basis.end() if basis else 0)
    return " ".join(sentence[begin:finish].split())


def _read_rates(sentence: str) -> list[RateStatement]:
    mentions = _percent_mentions(sentence)
    if not mentions:
        return []
    leads, tails = _leads(sentence, mentions), _tails(sentence, mentions)
    grant_sentence = bool(_GRANT_WORDS.search(sentence))
    loan = bool(_LOAN.search(sentence)) and not re.search(r"zuschuss|zuschüsse", sentence, _I)
    statements: list[RateStatement] = []
    previous_kind = ""
    for index, mention in enumerate(mentions):
        lead, tail = leads[index], tails[index]
        near = sentence[max(0, mention.start - 45) : mention.start]
        rest = sentence[mention.end : mention.end + 60]
        low, high = _bounds(mention, lead, sentence[: mention.start], sentence[mention.end :])
        phrase = _phrase(sentence, mention.start, mention.end, tail)
        if (
            mention.unit == "points"
            or (_ADJUST_LEAD.search(lead) and _ADJUST_SUBJECT.search(lead) and _ADJUST_VERB.search(lead + rest))
            or (previous_kind == "adjustment" and _CONJUNCTION.match(lead))
        ):
            if _ADJUST.search(lead + rest) and not re.search(r"\bzins", lead, _I):
                statements.append(_adjustment(sentence, lead + rest, mention.high, phrase))
                previous_kind = "adjustment"
            continue
        if _OWN_SHARE.search(lead) or re.match(r"^\s*(?:der\s+\w+\s+)?(?:ausgaben\s+)?aus\s+eigenen", tail, _I):
            kind = "own_share"
        elif _REPAYMENT.search(lead[-80:]) or _REPAYMENT.search(tail[:80]):
            kind = "repayment_bonus"
        elif _BASE.search(lead):
            kind = "base"
        elif _not_a_rate(near, tail):
            kind = ""
        elif _COST_BASIS.match(tail) or (grant_sentence and _GRANT_WORDS.search(lead)):
            kind = "rate"
        elif grant_sentence and _RATE_QUALIFIER.search(lead):
            kind = "rate"  # "können mit bis zu 55 Prozent … gefördert werden"
        elif grant_sentence and previous_kind == "rate" and not re.search(r"\b(?:muss|müssen|darf|dürfen)\b", lead):
            kind = "rate"  # an enumeration: "für kleine Unternehmen 40 Prozent, für mittlere 30 Prozent"
        else:
            kind = ""
        previous_kind = kind
        if not kind:
            continue
        statements.append(
            RateStatement(
                kind=kind,
                low=low,
                high=high,
                sentence=sentence,
                phrase=phrase,
                loan=loan and kind == "rate",
                group=_group(lead, tail, index == len(mentions) - 1) if kind == "rate" else "",
            )
        )
    return statements


def _not_a_rate(near: str, tail: str) -> bool:
    """A percentage of something else: a guarantee, interest, capital, jobs, "um 10 Prozent" ..."""
    return bool(
        _NOT_A_RATE.search(near)
        or _NOT_A_RATE.search(tail[:32])
        or _NOT_A_RATE_BEFORE.search(near)
        or _NOT_A_RATE_AFTER.match(tail)
    )


def _bounds(mention: _Mention, lead: str, before: str, after: str) -> tuple[float | None, float | None]:
    """(low, high) of a percentage: "bis zu 90", "Förderhöchstsatz 50" and "kann auf 60 Prozent
    erhöht werden" are upper bounds only, "mindestens 20" and "unterschreitet 30 … nicht" lower bounds only."""
    if mention.low != mention.high:
        return mention.low, mention.high
    if _MIN_BEFORE.search(lead[-40:]) or _MIN_VERB_BEFORE.search(lead):
        return mention.low, None
    if _between(lead):
        return mention.low, mention.high
    if _MAX_BEFORE.search(lead[-40:]) or _RATE_CEILING_NOUN.search(before):
        return None, mention.high
    if re.search(r"\bauf\s*$", lead, _I) and _ADJUST_VERB.search(after):
        return None, mention.high
    return mention.low, mention.high


def _between(lead: str) -> bool:
    return bool(re.search(r"zwischen\s*(?:EUR|€)?\s*$", lead, _I))


def _adjustment(sentence: str, context: str, points: float | None, phrase: str) -> RateStatement:
    points = points or 0.0
    lower = bool(_LOWER.search(context))
    raise_ = bool(_RAISE.search(context)) or not lower
    factors = tuple(key for key, (pattern, _name, _of) in FACTORS.items() if pattern.search(sentence))
    return RateStatement(
        kind="adjustment",
        low=-points if lower else 0.0,
        high=points if raise_ else 0.0,
        sentence=sentence,
        phrase=phrase,
        factors=factors,
    )


def _read_amounts(sentence: str) -> list[AmountStatement]:
    mentions = _money_mentions(sentence)
    if not mentions:
        return []
    leads, tails = _leads(sentence, mentions), _tails(sentence, mentions)
    bagatelle = "bagatell" in sentence.lower()
    kinds: list[str] = []
    for index, mention in enumerate(mentions):
        lead, tail = leads[index], tails[index]
        if _NOT_AN_AMOUNT.search(lead[-80:]) or _PER_UNIT.match(tail):
            kinds.append("")
            continue
        if index and kinds[index - 1] == "range-low":
            kinds.append("max")
            continue
        if bagatelle:
            kind = "bagatelle"
        elif index + 1 < len(mentions) and (
            _between(lead) or (_RANGE_GAP.match(tail) and re.search(r"\bvon\s*(?:EUR|€)?\s*$", lead, _I))
        ):
            kind = "range-low"
        elif _MIN_BEFORE.search(lead[-45:]) or _MIN_NOUN.search(lead):
            kind = "min"
        elif _MAX_BEFORE.search(lead[-45:]) or _MAX_NOUN.search(lead) or _MAX_AFTER.match(tail):
            kind = "max"
        elif _MIN_AFTER.match(tail):
            kind = "min"
        elif _VOLUME.search(sentence[: mention.start]):
            kind = ""
        elif _FIXED_BEFORE.search(lead):
            kind = "fixed"
        elif (
            index
            and kinds[index - 1] in ("max", "min")
            and len(lead) <= 60
            and not re.search(r"\b(?:beträgt|betragen|muss|müssen|soll|kann|können|darf|dürfen)\b", lead, _I)
        ):
            kind = kinds[index - 1]  # an enumeration: "höchstens EUR 20.000 für Modul 1, EUR 100.000 für Modul 2"
        else:
            kind = ""
        kinds.append(kind)
    amounts = []
    for mention, kind in zip(mentions, kinds, strict=True):
        if kind and mention.high is not None:
            amounts.append(
                AmountStatement(
                    kind="min" if kind == "range-low" else kind,
                    euros=mention.high,
                    sentence=sentence,
                    phrase=_phrase(sentence, mention.start, mention.end, ""),
                )
            )
    return amounts


def read_sentence(sentence: str) -> FundingTerms:
    """Rates and amounts one sentence states."""
    try:
        lowered = sentence.lower()
        if not any(mark in lowered for mark in _CHEAP):
            return FundingTerms()
        return FundingTerms(tuple(_read_rates(sentence)), tuple(_read_amounts(sentence)))
    except (TypeError, ValueError, re.error):
        return FundingTerms()


def read_funding_terms(*texts: str) -> FundingTerms:
    """Rates and amounts stated in the texts (most telling first: funding section, description)."""
    rates: list[RateStatement] = []
    amounts: list[AmountStatement] = []
    seen: set[str] = set()
    for text in texts:
        if not isinstance(text, str) or not text:
            continue
        lowered = text.lower()
        if not any(mark in lowered for mark in _CHEAP):
            continue
        for sentence in split_sentences(text.replace("\u00a0", " ")):
            if sentence in seen:
                continue
            seen.add(sentence)
            terms = read_sentence(sentence)
            rates.extend(terms.rates)
            amounts.extend(terms.amounts)
    return FundingTerms(tuple(rates), tuple(amounts))


def funding_columns(stated_rate: str, *texts: str) -> dict[str, Any]:
    """The programme fields of a source item: ``stated_rate`` is the source's own rate field (an NRW
    "Wie hoch ist die Förderung?" section, a CSV column) and wins as ``funding_rate`` when present;
    the numbers are read from it and from the texts."""
    columns = read_funding_terms(stated_rate, *texts).columns()
    if stated_rate.strip():
        columns["funding_rate"] = stated_rate.strip()[:FUNDING_RATE_MAX_CHARS]
    return columns


# -- the own share ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnShare:
    """What a member pays itself, as far as the texts and the member's facts tell.

    ``rate_low``/``rate_high`` and ``share_low``/``share_high`` are percent (None = not stated);
    ``text`` is the line a clerk reads ("Förderquote bis zu 90 % → Eigenanteil mindestens 10 %"),
    ``how`` says how it was worked out, ``sentence`` is the source sentence, ``missing`` names the
    member facts a rule needs that are not known.
    """

    rate_low: float | None
    rate_high: float | None
    share_low: float | None
    share_high: float | None
    text: str
    how: str
    sentence: str
    missing: tuple[str, ...] = ()


def rate_span(low: float | None, high: float | None) -> str:
    """A rate's bounds in words: "50 %", "40–80 %", "bis zu 90 %", "mindestens 20 %"."""
    if low is not None and high is not None:
        return format_percent(low) if low == high else f"{format_percent(low)[:-2]}–{format_percent(high)}"
    if high is not None:
        return f"bis zu {format_percent(high)}"
    return f"mindestens {format_percent(low)}" if low is not None else "nicht angegeben"


def _share_span(low: float | None, high: float | None) -> str:
    """The own share as words: rates (low, high) → Eigenanteil (100 − high, 100 − low)."""
    if low is not None and high is not None:
        return rate_span(100 - high, 100 - low)
    if high is not None:
        return f"mindestens {format_percent(100 - high)}"
    return f"höchstens {format_percent(100 - low)}" if low is not None else "nicht angegeben"


def _missing_line(names: list[str]) -> str:
    return f"Eigenanteil hängt von {' und '.join(names)} ab – Angabe fehlt"


def own_share(terms: FundingTerms, facts: dict[str, Any] | None = None) -> OwnShare | None:
    """The rate that applies to a member and the own share it leaves; None when no text states a rate.

    ``facts`` is a plain dict of the member's facts. A surcharge rule reads ``<factor>_points`` (the
    points the Land's yearly calculation gives the member, e.g. ``unemployment_points: 10``); a rate
    for financially weak municipalities reads ``financially_weak`` (True/False). A fact that is
    absent is reported in ``missing``, never assumed. Rates stated for municipalities win over
    general ones, since every member is a municipality or an association of them.
    """
    facts = facts or {}
    rule = terms.rule()
    if rule is not None:
        return _own_share_by_rule(*rule, facts)
    rates = terms.grant_rates()
    missing: list[str] = []
    weak = [r for r in rates if r.group == "financially_weak"]
    if weak:
        known = facts.get("financially_weak")
        if known is None:
            missing.append("der Finanzschwäche der Kommune")
        elif known:
            rates = weak
        else:
            rates = [r for r in rates if r.group != "financially_weak"] or []
    municipal = [r for r in rates if r.group == "kommune"]
    rates = municipal or rates
    if rates:
        grants = [r for r in rates if not r.loan]
        chosen = grants or rates
        lows = [r.low for r in chosen if r.low is not None]
        low = min(lows) if len(lows) == len(chosen) else None
        high = max((r.high for r in chosen if r.high is not None), default=None)
        # Every sentence the span is read from: "bis zu 70 %" must not quote only the 50 % sentence.
        sentence = " ".join(dict.fromkeys(r.sentence for r in chosen))
        rate = rate_span(low, high)
        if not grants:
            return OwnShare(
                low, high, None, None,
                f"Darlehen für {rate} der Kosten – kein Zuschuss, das Darlehen wird zurückgezahlt",
                "Die Quelle nennt nur den Anteil, den ein Darlehen finanziert.",
                sentence,
            )  # fmt: skip
        share = _share_span(low, high)
        who = " für Kommunen" if municipal else ""
        varies = " je nach Vorhaben" if len({(r.low, r.high) for r in chosen}) > 1 else ""
        text = f"Förderquote{who}{varies} {rate} → Eigenanteil {share}"
        if missing:
            text += f"; {_missing_line(missing)}"
        how = f"100 % minus Förderquote ({rate}) = Eigenanteil {share}"
        share_low = None if high is None else 100 - high
        share_high = None if low is None else 100 - low
        return OwnShare(low, high, share_low, share_high, text, how, sentence, tuple(missing))
    stated = [r for r in terms.rates if r.kind == "own_share"]
    if stated:
        first = stated[0]
        share = rate_span(first.low, first.high)
        rate = _share_span(first.low, first.high)
        return OwnShare(
            None if first.high is None else 100 - first.high,
            None if first.low is None else 100 - first.low,
            first.low, first.high,
            f"Eigenanteil {share} (in der Quelle genannt) → Förderquote {rate}",
            f"Die Quelle nennt den Eigenanteil ({share}); Förderquote = 100 % minus Eigenanteil",
            first.sentence,
        )  # fmt: skip
    return None


def _own_share_by_rule(base: RateStatement, adjustments: list[RateStatement], facts: dict[str, Any]) -> OwnShare:
    rate = low = high = base.low or 0.0
    steps, missing, open_factors = [f"Regelfördersatz {format_percent(rate)}"], [], []
    for adjustment in adjustments:
        for factor in adjustment.factors or ("",):
            name, of = FACTORS[factor][1:] if factor else ("weitere Bedingungen", "weiteren Bedingungen")
            points = facts.get(f"{factor}_points") if factor else None
            if points is None:
                missing.append(of)
                open_factors.append(name)
                low += adjustment.low or 0
                high += adjustment.high or 0
                continue
            points = max(adjustment.low or 0, min(adjustment.high or 0, float(points)))
            rate, low, high = rate + points, low + points, high + points
            steps.append(f"{points:+g} Punkte ({name})")
    sentence = " ".join(dict.fromkeys([base.sentence, *(a.sentence for a in adjustments)]))
    if missing:
        text = f"Förderquote {rate_span(low, high)} → Eigenanteil {_share_span(low, high)}; {_missing_line(missing)}"
        how = " ".join(steps) + f", Zu- oder Abschläge für {', '.join(open_factors)} offen: {rate_span(low, high)}"
        return OwnShare(low, high, 100 - high, 100 - low, text, how, sentence, tuple(missing))
    text = f"Förderquote {format_percent(rate)} → Eigenanteil {format_percent(100 - rate)}"
    how = " ".join(steps) + f" = {format_percent(rate)}; Eigenanteil 100 % minus {format_percent(rate)}"
    return OwnShare(rate, rate, 100 - rate, 100 - rate, text, how, sentence)

"""The rate and amount reader (core.rates): labelled real sentences, own shares, odd input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rates import format_euros, format_percent, own_share, parse_german_number, read_funding_terms

LABELLED = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "rates" / "labelled_sentences.json").read_text(encoding="utf-8")
)["sentences"]

STAEDTEBAU = (
    "Der Regelfördersatz beträgt 60 Prozent der zuwendungsfähigen Ausgaben. Der Regelfördersatz erhöht oder "
    "vermindert sich um jeweils 10 Prozentpunkte in Abhängigkeit von der Arbeitslosenquote und der finanziellen "
    "Leistungsfähigkeit der Gemeinde."
)


def _number(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _figures(sentence: str) -> list[tuple]:
    """What the reader gives, in the label format."""
    terms = read_funding_terms(sentence)
    return sorted(map(str, terms.rate_figures())) + sorted(map(str, terms.amount_figures()))


def _labels(entry: dict) -> list[tuple]:
    rates = [(kind, _number(low), _number(high)) for kind, low, high in entry["rates"]]
    amounts = [(kind, _number(euros)) for kind, euros in entry["amounts"]]
    return sorted(map(str, rates)) + sorted(map(str, amounts))


def test_labelled_set_is_large_and_mostly_real():
    origins = [entry["origin"] for entry in LABELLED]
    assert len(LABELLED) >= 40 and origins.count("real") > origins.count("written") > 0


def test_most_labelled_sentences_are_read_exactly():
    exact = [entry["sentence"] for entry in LABELLED if _figures(entry["sentence"]) == _labels(entry)]
    assert len(exact) >= 0.95 * len(LABELLED)


def test_sentences_without_labels_give_no_figure_mostly():
    """Guarantees, fees, turnover limits, per-day sums, budgets: a clerk must not read them as the grant."""
    negatives = [entry for entry in LABELLED if not entry["rates"] and not entry["amounts"]]
    wrong = [entry["sentence"] for entry in negatives if _figures(entry["sentence"])]
    assert len(negatives) >= 40 and len(wrong) <= 1, wrong


@pytest.mark.parametrize(
    ("sentence", "rate", "amounts"),
    [
        (
            "Umbaumaßnahmen von Räumen bis zu 50 Prozent der zuwendungsfähigen Ausgaben, jedoch höchstens EUR 15.000.",
            (None, 50.0),
            [("max", 15000.0)],
        ),
        ("Die Höhe der Förderung beträgt 50 Prozent der zuwendungsfähigen Kosten.", (50.0, 50.0), []),
        ("Der Fördersatz beträgt zwischen 40 und 80 Prozent der förderfähigen Kosten.", (40.0, 80.0), []),
        ("Gefördert werden Vorhaben mit bis zu 1 Mio. Euro.", None, [("max", 1_000_000.0)]),
        ("Die Bagatellgrenze beträgt EUR 3.000;", None, [("bagatelle", 3000.0)]),
        (
            "Die Fördersumme beträgt mindestens 10.000 Euro und höchstens 250.000 Euro je Projekt.",
            None,
            [("min", 10000.0), ("max", 250000.0)],
        ),
    ],
)
def test_brief_examples_are_read_with_their_sentence(sentence, rate, amounts):
    terms = read_funding_terms(sentence)
    assert [(a.kind, a.euros) for a in terms.amounts] == amounts
    assert all(a.sentence == sentence for a in terms.amounts)
    if rate is None:
        assert terms.grant_rates() == []
    else:
        assert [(r.low, r.high) for r in terms.grant_rates()] == [rate]
        assert terms.grant_rates()[0].sentence == sentence


def test_funding_rate_column_quotes_the_source_sentence_unmodified():
    text = "Die Höhe des Zuschusses beträgt bis zu 90 Prozent der zuwendungsfähigen Ausgaben. Sonst nichts."
    columns = read_funding_terms(text).columns()
    assert columns == {
        "funding_rate": "Die Höhe des Zuschusses beträgt bis zu 90 Prozent der zuwendungsfähigen Ausgaben.",
        "rate_min_pct": None,
        "rate_max_pct": 90.0,
        "amount_min_eur": None,
        "amount_max_eur": None,
    }


def test_long_rate_sentence_is_cut_to_its_rate_phrases():
    sentence = LABELLED_BY_PREFIX("Die Höhe des Zuschusses beträgt für Unternehmen bis einschließlich 10")
    text = read_funding_terms(sentence).funding_rate_text()
    assert len(sentence) > 255 >= len(text)
    assert text.startswith("bis einschließlich 10 Beschäftigte 60 Prozent … ")


def LABELLED_BY_PREFIX(prefix: str) -> str:  # noqa: N802 — reads like the constant it looks up
    return next(entry["sentence"] for entry in LABELLED if entry["sentence"].startswith(prefix))


def test_own_share_of_an_upper_bound():
    share = own_share(
        read_funding_terms("Die Höhe des Zuschusses beträgt bis zu 90 Prozent der zuwendungsfähigen Ausgaben.")
    )
    assert share.text == "Förderquote bis zu 90 % → Eigenanteil mindestens 10 %"
    assert (share.share_low, share.share_high) == (10.0, None)
    assert share.sentence.startswith("Die Höhe des Zuschusses")


def test_staedtebau_rule_without_member_facts_names_the_missing_facts():
    share = own_share(read_funding_terms(STAEDTEBAU), {"name": "Selm"})
    assert share.text == (
        "Förderquote 40–80 % → Eigenanteil 20–60 %; Eigenanteil hängt von der Arbeitslosenquote und der "
        "finanziellen Leistungsfähigkeit ab – Angabe fehlt"
    )
    assert share.missing == ("der Arbeitslosenquote", "der finanziellen Leistungsfähigkeit")


def test_staedtebau_rule_with_member_facts_gives_one_rate_and_says_how():
    share = own_share(read_funding_terms(STAEDTEBAU), {"unemployment_points": 10, "financial_strength_points": 10})
    assert share.text == "Förderquote 80 % → Eigenanteil 20 %"
    assert share.how.startswith("Regelfördersatz 60 % +10 Punkte (Arbeitslosenquote) +10 Punkte")
    assert share.missing == ()


def test_points_beyond_the_rule_are_capped_not_invented():
    share = own_share(read_funding_terms(STAEDTEBAU), {"unemployment_points": 30, "financial_strength_points": -30})
    assert (share.rate_low, share.rate_high) == (60.0, 60.0)


def test_rate_for_municipalities_wins_over_the_general_one():
    sentence = LABELLED_BY_PREFIX("Die Höhe des Zuschusses beträgt normalerweise bis zu 95 Prozent")
    share = own_share(read_funding_terms(sentence))
    assert share.text == "Förderquote für Kommunen bis zu 90 % → Eigenanteil mindestens 10 %"


def test_rate_for_financially_weak_municipalities_asks_for_the_fact():
    terms = read_funding_terms("Zuschüsse bis zu 100 % für finanzschwache Kommunen.")
    assert own_share(terms).missing == ("der Finanzschwäche der Kommune",)
    assert own_share(terms, {"financially_weak": True}).missing == ()
    assert own_share(terms, {"financially_weak": False}) is None


def test_loan_share_is_no_grant():
    share = own_share(
        read_funding_terms("Die Höhe Ihres Darlehens beträgt bis zu 100 Prozent Ihres Gesamtfinanzierungsbedarfs.")
    )
    assert share.text.startswith("Darlehen für bis zu 100 % der Kosten – kein Zuschuss")
    assert share.share_low is None


def test_stated_own_share_is_used_when_no_rate_is_stated():
    share = own_share(
        read_funding_terms(
            "Sie müssen einen Eigenanteil von mindestens 25 Prozent der zuwendungsfähigen Ausgaben leisten."
        )
    )
    assert share.text == "Eigenanteil mindestens 25 % (in der Quelle genannt) → Förderquote höchstens 75 %"


def test_no_rate_no_own_share():
    assert own_share(read_funding_terms("Die Projektlaufzeit beträgt höchstens 36 Monate.")) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.500.000,50", 1500000.5), ("15.000", 15000.0), ("5000", 5000.0), ("2,5", 2.5), ("20 .000.000", 20_000_000.0)],
)
def test_german_numbers(text, value):
    assert parse_german_number(text) == value


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_german_number_round_trip(whole, cents):
    written = f"{whole:,}".replace(",", ".") + f",{cents:02d}"
    assert parse_german_number(written) == pytest.approx(whole + cents / 100)


@given(st.integers(min_value=1, max_value=10**9))
def test_amount_in_a_sentence_round_trips(euros):
    written = f"{euros:,}".replace(",", ".")
    terms = read_funding_terms(f"Der Zuschuss beträgt höchstens {written} Euro.")
    assert [(a.kind, a.euros) for a in terms.amounts] == [("max", float(euros))]


@given(st.text())
def test_reader_never_raises(text):
    terms = read_funding_terms(text, text[::-1])
    own_share(terms)
    assert isinstance(terms.funding_rate_text(), str)


@given(
    st.lists(
        st.sampled_from(
            [
                "bis zu",
                "90",
                "Prozent",
                "%",
                "EUR",
                "1.500",
                "Mio.",
                "zwischen",
                "und",
                ",",
                ".",
                "Eigenanteil",
                "Regelfördersatz",
                "Prozentpunkte",
                "erhöht",
                "Hälfte",
            ]
        ),
        max_size=30,
    )
)
def test_reader_never_raises_on_rate_words(words):
    terms = read_funding_terms(" ".join(words))
    own_share(terms, {"unemployment_points": 5, "financially_weak": True})
    assert len(terms.funding_rate_text()) <= 255


def test_display_helpers():
    assert format_percent(66.6667) == "66,67 %"
    assert format_euros(15000) == "15.000 Euro"
    assert format_euros(1_500_000) == "1,5 Mio. Euro"
    assert format_euros(1500000.5) == "1.500.000,50 Euro"


def test_a_span_over_several_rates_quotes_every_sentence_it_is_read_from():
    """The Eingliederungszuschuss (real text) states 50 % and, for disabled people, 70 %: the mail says
    "bis zu 70 %" and so must show the 70 % sentence, not only the first one."""
    general = (
        "Die Höhe des Zuschusses beträgt bis zu 50 Prozent des berücksichtigungsfähigen Arbeitsentgelts "
        "für maximal 12 Monate."
    )
    special = (
        "Für schwerbehinderte oder sonstige behinderte Menschen beträgt der Zuschuss bis zu 70 Prozent "
        "des berücksichtigungsfähigen Arbeitsentgelts und die Förderdauer bis zu 24 Monate."
    )
    share = own_share(read_funding_terms(f"{general} {special}"))
    assert share is not None and share.rate_high == 70
    assert general in share.sentence and special in share.sentence

"""German sentences: the digest's description is cut only where a sentence ends."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.sentences import leading_sentences, split_sentences


def test_abbreviations_dates_and_numbers_do_not_end_a_sentence():
    text = (
        "Antragsberechtigt sind Gemeinden, z. B. Städte und Kreise. Anträge sind bis zum 31. März 2026 "
        "nach Nr. 5 Abs. 2 der Richtlinie zu stellen. Gefördert wird der „E-Sport-Verband e. V.“ Wer wird "
        "gefördert? Es werden Unternehmen gefördert."
    )
    assert split_sentences(text) == [
        "Antragsberechtigt sind Gemeinden, z. B. Städte und Kreise.",
        "Anträge sind bis zum 31. März 2026 nach Nr. 5 Abs. 2 der Richtlinie zu stellen.",
        "Gefördert wird der „E-Sport-Verband e. V.“ Wer wird gefördert?",
        "Es werden Unternehmen gefördert.",
    ]


def test_a_description_is_at_most_three_whole_sentences_within_the_limit():
    text = "Erster Satz. Zweiter Satz ist etwas länger. Dritter Satz! Vierter Satz."
    assert leading_sentences(text) == "Erster Satz. Zweiter Satz ist etwas länger. Dritter Satz!"
    assert leading_sentences(text, max_chars=30) == "Erster Satz."
    assert leading_sentences("Ein sehr langer erster Satz ohne Ende", max_chars=5) == (
        "Ein sehr langer erster Satz ohne Ende"
    )  # the first sentence is never cut


words = st.sampled_from(["Förderung", "z. B.", "Nr. 5", "31. März", "Kommunen", "e. V.", "2026", "„Zitat“", "(Bund)"])
sentence = st.lists(words, min_size=1, max_size=6).map(lambda parts: " ".join(parts)).map(lambda s: s + ".")


@given(st.lists(sentence, max_size=6))
def test_sentences_put_together_give_the_text_back(parts):
    text = " ".join(parts)
    assert " ".join(split_sentences(text)) == text
    description = leading_sentences(text, max_chars=80)
    assert text.startswith(description)
    assert description == "" or description.endswith((".", "!", "?", "“"))

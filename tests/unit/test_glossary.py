"""The German → English bridge to EU calls: word beginnings, and long keys at the end of compounds."""

from __future__ import annotations

from matcher.glossary import english_terms, related_terms


def test_a_topic_word_and_its_compounds_are_translated():
    assert "civil protection" in english_terms("Bevölkerungsschutz im Kreis")
    assert "flood" in english_terms("Hochwasserschutz an der Emscher")  # the key begins the compound
    assert "renovation" in english_terms("Schulsanierung")  # a long key ends the compound


def test_short_keys_match_only_at_the_start_of_a_word():
    assert "soil" in english_terms("Bodenschutz")
    assert "soil" not in english_terms("Fußboden in der Turnhalle")  # "boden" inside a word is no soil


def test_climate_impacts_lead_to_adaptation_calls():
    for words in ("Starkregen", "Hitzeaktionsplan", "Hochwasser"):
        assert "climate adaptation" in english_terms(words), words


def test_a_text_without_topic_words_has_no_translation():
    assert english_terms("Wir suchen Geld für unser Rathaus") == ""


def test_everyday_words_lead_to_the_words_funding_texts_use():
    assert "erneuerbare Energien" in related_terms("Solaranlagen auf dem Rathausdach")
    assert "Sportstätten" in related_terms("Die Turnhalle der Grundschule")
    assert related_terms("Wir suchen Geld") == ""

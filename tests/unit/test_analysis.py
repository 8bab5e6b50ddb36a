"""German text analysis: cleaning for matching only, stop words, stems, compounds via character n-grams."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from matcher import analysis
from matcher.index import ProgrammeIndex
from matcher.scoring import ProfileQuery, score_profiles
from store.models import Programme


def test_clean_removes_soft_hyphens_export_substitutions_and_folds_case():
    assert analysis.clean("Rad\u00adverkehrs\u00adförderung") == "radverkehrsförderung"
    assert (
        analysis.clean("Agrar- und Ernährungswirtschaft ? Betriebsmittel")
        == "agrar- und ernährungswirtschaft   betriebsmittel"
    )
    assert analysis.clean("Schiﬀfahrt STRASSE") == "schifffahrt strasse"  # NFKC ligature, casefold ß-free


def test_character_channel_transliterates_umlauts_and_sharp_s():
    assert analysis.char_text("Straßenbäume in Mülheim") == "strassenbaeume in muelheim"


def test_stop_words_are_dropped_and_bigrams_added():
    features = analysis.word_features("Die Sanierung von Schulen und Sporthallen")
    assert "die" not in features and "und" not in features and "von" not in features
    assert set(analysis.stem_of("Schulen")) <= set(features)
    assert any(" " in f for f in features)


def test_plural_and_singular_share_a_stem():
    assert analysis.stem_of("Schulen") == analysis.stem_of("Schule")


def _doc(number: int, title: str) -> Programme:
    return Programme(id=number, source_key="test", natural_key=str(number), title=title, level="bund")


def _ranked_titles(query: str, titles: list[str]) -> list[str]:
    index = ProgrammeIndex.fit([_doc(i, t) for i, t in enumerate(titles)])
    table = score_profiles(index, [ProfileQuery(interests=query)])[0]
    return [titles[i] for i in sorted(range(len(titles)), key=lambda i: -table.passung[i])]


def test_compound_finds_its_parts():
    titles = ["Radweg", "Denkmalpflege", "Breitbandausbau", "Wasserstoffwirtschaft"]
    assert _ranked_titles("Radverkehrsinfrastruktur", titles)[0] == "Radweg"


def test_compound_query_finds_phrase_with_its_parts():
    titles = ["Sanierung von Schulen", "Ausbau von Glasfasernetzen", "Förderung des Tourismus", "Pflege von Mooren"]
    assert _ranked_titles("Schulsanierung", titles)[0] == "Sanierung von Schulen"


@given(st.text(max_size=200))
def test_character_text_is_plain_lowercase_ascii_letters(text):
    result = analysis.char_text(text)
    assert set(result) <= set("abcdefghijklmnopqrstuvwxyz ")
    assert analysis.char_text(result) == result


@given(st.text(max_size=200))
def test_word_features_never_contain_stop_words_or_digits(text):
    for feature in analysis.word_features(text):
        for part in feature.split(" "):
            assert part and not any(ch.isdigit() for ch in part)


def test_verbs_and_nouns_of_one_word_family_share_a_feature():
    verb = set(analysis.word_features("Schulen energetisch sanieren"))
    noun = set(analysis.word_features("Energieeffiziente Sanierung von Schulgebäuden"))
    assert {"~sanie", "~energ"} <= verb & noun


def test_interest_phrases_drop_the_wish_and_keep_the_topic():
    from matcher.scoring import interest_phrases

    assert interest_phrases("Wir möchten unsere Grundschulen sanieren, Radwege bauen und die Innenstadt beleben.") == [
        "Grundschulen sanieren",
        "Radwege bauen",
        "Innenstadt beleben",
    ]


def test_a_compound_meets_its_last_part_so_a_verb_profile_finds_a_noun_compound():
    """ "Gebäudesanierung" is a Sanierung: the programme's compound and the clerk's "sanieren" share a
    feature, while the compound's own stem (shown in explanations) stays whole."""
    programme = set(analysis.word_features("Gebäudesanierung und Hochwasserschutz"))
    profile = set(analysis.word_features("Wir wollen unsere Sportanlagen sanieren, zum Schutz der Bäche"))
    assert "~sanie" in programme & profile
    assert "~schut" in programme & profile
    assert "gebaudesanier" in programme  # the compound itself is still a word of its own
    assert analysis.compound_head("sanierung") is None  # a head alone is no compound
    assert analysis.compound_head("schulsanierung") == "sanierung"


def test_generic_words_of_a_clerks_wish_are_stop_words():
    features = analysis.word_features("Dafür suchen wir Zuschüsse und Fördergeld für einen langen Stromausfall")
    assert not {"zuschuss", "fordergeld", "lang", "dafur"} & set(features)
    assert "stromausfall" in features

"""Explanations that are true, checked on every clerk profile against the real programme records.

"Warum passt das?" may name only words that occur in both what the member wrote and the programme,
and only keywords, interest phrases or Förderbereiche that carried the score; a category label is
named only when the programme itself carries that category.
"""

from __future__ import annotations

from core.vocab import topic_label
from matcher import analysis
from matcher.evaluation import SHIPPED, load_judged_set
from matcher.explain import profile_features
from matcher.index import ProgrammeIndex, field_texts
from matcher.ranking import Ranker, RankRequest
from matcher.scoring import ProfileQuery
from matcher.topics import programme_codes


def _top_explanations():
    judged = load_judged_set(SHIPPED[1])  # the clerk set: plain words, no codes
    programmes = [p for p in judged.programmes if not p.closed and p.status != "closed"]
    index = ProgrammeIndex.fit(programmes)
    ranker = Ranker(index, judged.today)
    requests = [RankRequest(p.kind, p.query) for p in judged.profiles]
    for request, ranking in zip(requests, ranker.rank(requests), strict=True):
        for row in ranking.rows[:10]:
            yield request.query, index.programmes[row], ranker.explain(ranking, request, row)


def _stems(text: str) -> set[str]:
    return set(analysis.stems(analysis.surface_words(text)))


def test_terms_occur_in_the_profile_and_in_the_programme():
    checked = 0
    for query, programme, explanation in _top_explanations():
        own = profile_features(query)
        programme_stems = _stems(" ".join(field_texts(programme).values()))
        for term in explanation.terms:
            words = analysis.surface_words(term)
            assert words, term
            # every word of the term is a stem the member wrote (not merely the same five first letters) ...
            for stem in analysis.stems(words):
                assert stem in own, (query.interests, term)
            # ... and it is written in the programme
            assert set(analysis.stems(words)) <= programme_stems, (programme.title, term)
            checked += 1
    assert checked > 50  # the check ran on real explanations, not on empty lists


def test_interests_are_the_members_own_words_or_topics_the_programme_carries():
    for query, programme, explanation in _top_explanations():
        own = {k.casefold() for k in query.keywords} | {p.casefold() for p in query.phrases()}
        carried_labels = {topic_label(code) for code in programme_codes(programme)}
        for interest in explanation.interests:
            assert interest.casefold() in own or interest in carried_labels, (programme.title, interest)
        # a summary that names interests names only these
        if explanation.summary.startswith("Passt zu Ihren Interessen: "):
            named = explanation.summary.removeprefix("Passt zu Ihren Interessen: ")
            assert named == ", ".join(explanation.interests[:3])


def test_the_beg_loan_is_not_explained_to_the_rvr_by_a_category_it_does_not_carry():
    """The issue's example: the BEG loan explained to the RVR as "Tourismus, Smart Cities & Regionen"."""
    from matcher.scoring import ProfileQuery

    judged = load_judged_set(SHIPPED[1])
    programmes = [p for p in judged.programmes if not p.closed and p.status != "closed"]
    index = ProgrammeIndex.fit(programmes)
    ranker = Ranker(index, judged.today)
    rvr = ProfileQuery(
        interests="Regionale Projekte der Metropole Ruhr: Radschnellwege und regionales Radnetz, Emscher "
        "Landschaftspark und Freiraum, Route der Industriekultur und Tourismus.",
        keywords=["Radschnellweg", "Industriekultur", "Regionalentwicklung"],
        topics=["infrastruktur", "kultur_medien_sport", "mobilitaet", "regionalfoerderung", "umwelt_naturschutz"],
    )
    request = RankRequest("verband", rvr)
    ranking = ranker.rank([request])[0]
    row = next(
        r
        for r, p in enumerate(index.programmes)
        if p.title.startswith("Bundesförderung für effiziente Gebäude (BEG) für Kommunen")
    )
    explanation = ranker.explain(ranking, request, row)
    carried = {topic_label(code) for code in programme_codes(index.programmes[row])}
    labels = {topic_label(code) for code in rvr.topics}
    assert not (set(explanation.interests) & labels) - carried
    assert "Smart Cities & Regionen" not in explanation.interests


def test_a_broad_profile_gets_proposals_for_each_of_its_interests():
    """Recall first: a profile of four unrelated interests is proposed something for every one of them
    that the real records answer, not only for the interest with the most words."""
    from matcher.scoring import ProfileQuery, term_hits

    judged = load_judged_set(SHIPPED[1])
    programmes = [p for p in judged.programmes if not p.closed and p.status != "closed"]
    index = ProgrammeIndex.fit(programmes)
    ranker = Ranker(index, judged.today)
    broad = ProfileQuery(
        interests="Energetische Sanierung der Verwaltungsgebäude; Naturschutz; Familienzentren; "
        "Neueinstellungen von Langzeitarbeitslosen",
        min_score=20,
    )
    request = RankRequest("kreisfreie_stadt", broad)
    ranking = ranker.rank([request])[0]
    proposed = ranking.proposals(index, broad)
    carried = [ranker.explain(ranking, request, row).interests for row in proposed]
    assert len(broad.phrases()) == 4
    eligible = ranking.rows
    answered = [
        phrase
        for phrase in broad.phrases()
        if term_hits(index, analysis.surface_words(phrase), index.presence)[eligible].any()
    ]
    # The real records answer two of them in NRW or Germany-wide: Familienzentren are funded only in
    # Hessen, and Naturschutz only by the IKI, whose projects lie abroad (filtered for towns).
    assert len(answered) >= 2
    for phrase in answered:
        assert any(phrase in interests for interests in carried), (phrase, carried)


def test_a_programme_that_shares_nothing_with_the_profile_is_not_proposed_from_a_small_pool():
    """The Passung is relative to the member's best programme; with few eligible programmes that made
    every one of them look like a fit. A programme with no shared word, keyword, Förderbereich or
    learned preference stays below every threshold however small the pool."""
    judged = load_judged_set(SHIPPED[1])
    wanted = ("Bundesförderung für effiziente Gebäude (BEG) für Kommunen", "ESF-Plus", "NeueWege.IN.NRW")
    programmes = [p for p in judged.programmes if p.title.startswith(wanted) or wanted[1] in p.title]
    assert len(programmes) == 3
    index = ProgrammeIndex.fit(programmes)
    query = ProfileQuery(
        interests="Aufgaben des Kreises: Berufskollegs als Schulträger, Jugendhilfe, Gesundheitsamt und Rettungsdienst",
        keywords=["Berufskolleg", "Rettungsdienst"],
    )
    request = RankRequest("kreis", query)
    ranking = Ranker(index, judged.today).rank([request])[0]
    proposed = {index.programmes[row].title for row in ranking.proposals(index, query)}
    assert any("ESF-Plus" in title for title in proposed)  # vocational schools and youth: a real fit
    assert not any(title.startswith(wanted[0]) for title in proposed)  # a building loan shares nothing

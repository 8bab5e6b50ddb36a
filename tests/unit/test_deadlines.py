"""The German deadline parser: real prose from the Förderdatenbank, odd input, round trips."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from core.deadlines import (
    MONTH_NAMES,
    DeadlineInfo,
    format_date,
    parse_deadlines,
    parse_german_date,
    split_sentences,
)

TODAY = date(2026, 11, 26)


def test_stichtage_of_esport_programme_are_read_and_past():
    text = (
        "Reichen Sie bitte Ihren Antrag zu folgenden Stichtagen ein: für das Jahr 2023 bis spätestens "
        "31.7.2023 für das Jahr 2024 bis spätestens 30.6.2024"
    )
    info = parse_deadlines(text, today=TODAY)
    assert info.deadlines == (date(2023, 7, 31), date(2024, 6, 30))
    assert info.next_deadline is None and info.last_deadline == date(2024, 6, 30)
    assert info.sentence == text


def test_yearly_recurring_deadlines_take_next_occurrence():
    text = "Anträge sind jeweils bis zum 31. März oder bis zum 30. September eines jeden Jahres einzureichen."
    info = parse_deadlines(text, today=TODAY)
    assert info.deadlines == () and info.yearly == ("03-31", "09-30")
    assert info.next_deadline == date(2027, 3, 31)
    assert parse_deadlines(text, today=date(2027, 3, 31)).next_deadline == date(2027, 3, 31)


def test_exist_women_prose_mixes_recurring_and_dated_deadline():
    text = (
        "Sie können Anträge bis 2027 und dabei spätestens bis zum 30.09. jeden Jahres stellen. "
        "Im Jahr 2024 ist die Antragstellung bis zum 06.12.2024 möglich."
    )
    info = parse_deadlines(text, today=TODAY)
    assert info.deadlines == (date(2024, 12, 6),) and info.yearly == ("09-30",)
    assert info.next_deadline == date(2027, 9, 30)


def test_range_gives_window_start_and_deadline_with_borrowed_year():
    info = parse_deadlines("Anträge können vom 1.3. bis 30.4.2027 gestellt werden.", today=TODAY)
    assert info.opens_on == date(2027, 3, 1)
    assert info.deadlines == (date(2027, 4, 30),)


def test_opens_on_from_ab_dem_and_two_digit_year():
    info = parse_deadlines(
        "Anträge können ab dem 1. März 2027 gestellt werden. Die Frist endet am 31.07.27.", today=TODAY
    )
    assert info.opens_on == date(2027, 3, 1)
    assert info.deadlines == (date(2027, 7, 31),)


def test_stichtage_list_and_bis_spaetestens():
    assert parse_deadlines("Stichtage: 15.01.2027, 15.07.2027", today=TODAY).deadlines == (
        date(2027, 1, 15),
        date(2027, 7, 15),
    )
    info = parse_deadlines("Projektskizzen konnten Sie bis spätestens 20.01.2021 einreichen.", today=TODAY)
    assert info.deadlines == (date(2021, 1, 20),) and info.next_deadline is None


def test_numbered_rounds_are_not_taken_for_dates():
    text = (
        "Reichen Sie Ihre Projektskizze bitte zu folgenden Terminen ein: 1. Einreichungsrunde: bis 5.7.2023 "
        "2. Einreichungsrunde: bis 30.4.2024 3. Einreichungsrunde: bis 23.1.2025"
    )
    assert parse_deadlines(text, today=TODAY).deadlines == (date(2023, 7, 5), date(2024, 4, 30), date(2025, 1, 23))


def test_issue_date_of_a_richtlinie_is_not_a_deadline():
    text = "Bekanntmachung des Ministeriums vom 16.01.2023. Anträge können laufend gestellt werden."
    info = parse_deadlines(text, today=TODAY)
    assert info.deadlines == () and info.opens_on is None
    assert info.rolling and info.sentence == "Anträge können laufend gestellt werden."


def test_rolling_words():
    for text in (
        "Sie können Ihren Antrag jederzeit stellen.",
        "Die Antragstellung ist fortlaufend möglich.",
        "Es gibt keine Frist.",
    ):
        assert parse_deadlines(text, today=TODAY).rolling, text
    assert not parse_deadlines("Die Förderung ist auslaufend gestaltet.", today=TODAY).rolling


def test_status_note_closes_including_real_misspellings():
    for note in (
        "Förderprogramm aktiv, Antragstellung nicht mehr möglich",
        "Antagstellung nicht merh möglich",
        "Antragstellung derzeit nicht möglich",
        "Förderprogramm ausgelaufen",
    ):
        assert parse_deadlines("", today=TODAY, status_note=note).closed, note
    assert not parse_deadlines("", today=TODAY, status_note="Förderleistungsbeschreibung in Erstellung").closed


def test_impossible_and_implausible_dates_are_ignored():
    info = parse_deadlines("Frist: 31.02.2026 und 1.1.0207", today=TODAY)
    assert info.deadlines == ()
    assert parse_german_date("31.02.2026") is None
    assert parse_german_date("1.1.0207") is None


def test_parse_german_date_forms():
    assert parse_german_date("am 31. Juli 2023") == date(2023, 7, 31)
    assert parse_german_date("31.07.23") == date(2023, 7, 31)
    assert parse_german_date("30.09.", default_year=2026) == date(2026, 9, 30)
    assert parse_german_date("30. September") is None


def test_sentences_keep_ordinals_and_abbreviations():
    assert split_sentences("Das gilt z. B. hier. Frist ist der 31. März. Danach nicht.") == [
        "Das gilt z. B. hier.",
        "Frist ist der 31. März.",
        "Danach nicht.",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(max_size=40), st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)))
def test_never_raises_and_dates_come_from_the_sentence(text, note, today):
    info = parse_deadlines(text, today=today, status_note=note)
    assert isinstance(info, DeadlineInfo)
    assert list(info.deadlines) == sorted(set(info.deadlines))
    for found in info.deadlines:
        assert _day_month_written(info.sentence, found), (text, found)
    parse_german_date(text)


_WORDS = st.sampled_from(
    [
        "Antrag",
        "bis",
        "zum",
        "Stichtag",
        "spätestens",
        "ab",
        "vom",
        "Frist",
        ".",
        ":",
        "jederzeit",
        "31.",
        "12.",
        "2026",
        "März",
        "Juli",
        "1.1.",
        "30.09.",
        "\n",
        "z. B.",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=25))
def test_deadline_like_word_soup_yields_only_written_dates(words):
    text = " ".join(words)
    info = parse_deadlines(text, today=TODAY)
    for found in info.deadlines + ((info.opens_on,) if info.opens_on else ()):
        assert _day_month_written(info.sentence, found), (text, found)


def _day_month_written(sentence: str, when: date) -> bool:
    numeric = rf"(?<!\d)0?{when.day}\.\s?0?{when.month}\."
    written = rf"(?<!\d)0?{when.day}\.\s*{MONTH_NAMES[when.month - 1][:3]}"
    return bool(re.search(numeric, sentence) or re.search(written, sentence, re.IGNORECASE))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), st.booleans())
def test_formatted_date_parses_back(when, written):
    assert parse_german_date(format_date(when, written=written)) == when
    assert parse_german_date(f"Frist: {when:%d.%m.%Y}") == when
    deadline = parse_deadlines(f"Anträge bis zum {format_date(when, written=written)} einreichen.", today=TODAY)
    assert deadline.deadlines == (when,)


def test_running_subsidies_are_not_rolling_applications():
    text = (
        "Sie erhalten die Förderung als zinsverbilligtes Darlehen in Verbindung mit laufenden und "
        "einmaligen Zuschüssen."
    )
    assert not parse_deadlines(text, today=TODAY).rolling
    assert parse_deadlines("Laufend", today=TODAY).rolling


def test_abbreviation_febr_as_written_on_nrw_pages():
    assert parse_german_date("Stichtag 3. Febr. 2027") == date(2027, 2, 3)


def test_dates_users_saw_taken_for_deadlines_are_not_deadlines():
    for text in (
        "Vorhaben können gefördert werden, wenn sie nach dem 12. Oktober 2021 begonnen wurden.",
        "Stand 01. Juli 2015",
        "Am 1. Januar 2017 startet ein verändertes Programm.",
        "Die Richtlinie gilt bis zum 31. Dezember 2028.",
        "Die Laufzeit des Programms endet am 31.12.2027.",
        "Das Programm ist befristet bis 30. Juni 2027.",
        "Bekanntmachung des Ministeriums vom 16.01.2023.",
        "Der Verwendungsnachweis ist bis zum 30. Juni des Folgejahres vorzulegen.",
    ):
        info = parse_deadlines(text, today=TODAY)
        assert (info.deadlines, info.yearly, info.opens_on) == ((), (), None), text


def test_a_passed_window_with_more_announced_expects_the_next():
    info = parse_deadlines(
        "Das erste Förderfenster war bis zum 15. Dezember 2020 geöffnet, weitere Förderzeiträume folgen.", today=TODAY
    )
    assert info.deadlines == (date(2020, 12, 15),) and info.next_window_expected
    assert parse_deadlines("Weitere Aufrufe sind geplant.", today=TODAY).next_window_expected


def test_section_numbers_are_not_yearly_dates():
    text = (
        "1.2. Anträge nach Nummer 2.1. sind schriftlich zu stellen. 5.1. Maßnahmen nach Ziffer 2.2. werden gefördert."
    )
    assert parse_deadlines(text, today=TODAY).yearly == ()


def test_yearless_window_opens_in_the_year_of_its_next_closing():
    text = (
        "Der Antrag ist ab 31. August bis spätestens 15. Oktober des laufenden Jahres für das Folgejahr einzureichen."
    )
    info = parse_deadlines(text, today=TODAY)
    assert info.yearly == ("10-15",) and info.next_deadline == date(2027, 10, 15)
    assert info.opens_on == date(2027, 8, 31)


def test_english_cut_off_borrows_the_year_of_the_opening():
    info = parse_deadlines("Call opening: 6 January 2022 Deadline for submission: 8 March - 17:00 CET", today=TODAY)
    assert info.opens_on == date(2022, 1, 6) and info.deadlines == (date(2022, 3, 8),)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), st.integers(1, 31), st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)))
def test_a_yearly_day_comes_next_on_or_after_today(month, day, today):
    info = parse_deadlines(f"Anträge sind jährlich bis zum {day}.{month}. einzureichen.", today=today)
    try:
        date(2000, month, day)
    except ValueError:
        assert info.yearly == ()  # 31.4. does not exist: ignored, not raised
        return
    assert info.yearly == (f"{month:02d}-{day:02d}",)
    upcoming = info.next_deadline
    assert upcoming is not None and upcoming >= today and (upcoming.month, upcoming.day) == (month, day)
    assert (upcoming - today).days <= 366 * 4  # 29.02. waits for a leap year

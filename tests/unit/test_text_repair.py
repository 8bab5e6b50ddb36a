"""The display repair of the Förderdatenbank export's lost characters ("?" for dashes and quotes).

Checked three ways: against the source's own web page (the true characters), on every saved
export document and on the 50 real corpus records of the demo snapshot (no "?" left but real
question marks and URLs; nothing but "?" changed), and on arbitrary text (hypothesis).
"""

from __future__ import annotations

import re
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from core.text_repair import (
    APOSTROPHE,
    CLOSING,
    DASH,
    ELLIPSIS,
    OPENING,
    restore_lost_characters,
    shown_text,
)
from crawler.spiders.foerderdatenbank.export_parser import Document, parse_export
from crawler.text import strip_control_chars

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "foerderdatenbank"
EXPORT_FILES = sorted((FIXTURES / "export_xml").rglob("*.xml"))
SNAPSHOT = files("foerderradar") / "demo_data" / "foerderdatenbank-export.zip"
RESTORED = {DASH, OPENING, CLOSING, APOSTROPHE, ELLIPSIS}
URL = re.compile(r"(?:https?://|www\.)\S+|\S*\?[\w.-]+=\S*")
# A real question mark: after a word or bracket, before the end, a closing bracket, or a new sentence.
QUESTION = re.compile(r"(?<=[\w)])\?(?=$|\)|\s+[A-ZÄÖÜ0-9„(])")


def leftover_marks(text: str) -> list[str]:
    """The "?" of a repaired text that are neither in a URL nor real question marks, with context."""
    inside_urls = {i for m in URL.finditer(text) for i in range(m.start(), m.end())}
    questions = {m.start() for m in QUESTION.finditer(text)}
    return [
        text[max(0, i - 30) : i + 30]
        for i, char in enumerate(text)
        if char == "?" and i not in inside_urls and i not in questions
    ]


def changed_only_marks(before: str, after: str) -> bool:
    return len(before) == len(after) and all(
        a == b or (a == "?" and b in RESTORED) for a, b in zip(before, after, strict=True)
    )


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def export_values(path: Path) -> list[str]:
    """Every String and RichText value of one saved export document, as the parser reads it."""
    raw, _ = strip_control_chars(path.read_bytes())
    document = Document(etree.fromstring(raw))
    values = []
    for name, prop in document.props.items():
        values += [document.richtext(name), document.plain(name)] if prop.find("text") is not None else []
        values.append(document.string(name))
    return [value for value in values if value]


# ------------------------------------------------------------------------------ the source's page


def test_the_repair_writes_what_the_source_page_shows():
    """The FFA programme's export text against its web page: every restored character is the page's."""
    page = lxml_html.fromstring((FIXTURES / "html" / "detail_fail_07_25.html").read_bytes())
    page_text = " ".join(page.text_content().replace("\xa0", " ").split())
    compared = 0
    for path in EXPORT_FILES:
        for value in export_values(path):
            text = " ".join(value.replace("\xa0", " ").split())
            repaired = restore_lost_characters(text)
            for mark in re.finditer(r"\?", text):
                left, right = text[max(0, mark.start() - 12) : mark.start()], text[mark.end() : mark.end() + 12]
                on_page = re.search(re.escape(left) + "(.)" + re.escape(right), page_text)
                if on_page and "?" not in left + right:
                    assert repaired[mark.start()] == on_page.group(1), f"{path.name}: {left}?{right}"
                    compared += 1
    assert compared >= 3  # FFG dash, „Minitraité“


@pytest.mark.parametrize(
    ("exported", "shown"),
    [
        (
            "Bundesförderung für effiziente Gebäude ? Nichtwohngebäude (BEG NWG)",
            "Bundesförderung für effiziente Gebäude – Nichtwohngebäude (BEG NWG)",
        ),
        (
            "des Landesfachverbands ? der ?E-Sport-Verband? Schleswig-Holstein",
            "des Landesfachverbands – der „E-Sport-Verband“ Schleswig-Holstein",
        ),
        (
            "Förderperiode 2021?2027, §§ 2?6, 2.?4. Ausbildungsjahr",
            "Förderperiode 2021–2027, §§ 2–6, 2.–4. Ausbildungsjahr",
        ),
        ("unter Einhaltung des ?Arm?s-length-Prinzips?.", "unter Einhaltung des „Arm’s-length-Prinzips“."),
        ("[Vom 9. Dezember 2020] [?] 1. Ziel", "[Vom 9. Dezember 2020] […] 1. Ziel"),
        (
            "vgl. Kriterien im Merkblatt ? KMU -Definition? unter www.rentenbank.de",
            "vgl. Kriterien im Merkblatt „ KMU -Definition“ unter www.rentenbank.de",
        ),
        (
            "im Sinne eines ?Blended Treatment-?, ?Stepped Care-? oder In-situ",
            "im Sinne eines „Blended Treatment-“, „Stepped Care-“ oder In-situ",
        ),
        (
            "Wer wird gefördert? Es werden Unternehmen gefördert.",
            "Wer wird gefördert? Es werden Unternehmen gefördert.",
        ),
        ("Welche Maßnahmen sind vorstellbar?) Der Prototyp", "Welche Maßnahmen sind vorstellbar?) Der Prototyp"),
        (
            "siehe https://foerderportal.bund.de/easy/easy_index.php?auswahl=easy_formulare",
            "siehe https://foerderportal.bund.de/easy/easy_index.php?auswahl=easy_formulare",
        ),
        ("<p>?REGIO AKTIV? ? Familien stärken</p>", "<p>„REGIO AKTIV“ – Familien stärken</p>"),
    ],
)
def test_known_cases(exported, shown):
    assert restore_lost_characters(exported) == shown


def test_only_the_lossy_source_is_repaired():
    assert shown_text("Gebäude ? Nichtwohngebäude", "foerderdatenbank") == "Gebäude – Nichtwohngebäude"
    assert shown_text("Was wird gefördert ? Radwege", "nrw_mhkbd") == "Was wird gefördert ? Radwege"


# ------------------------------------------------------------ every saved document, every record


@pytest.mark.parametrize("path", EXPORT_FILES, ids=lambda p: p.name)
def test_every_saved_export_document(path):
    for value in export_values(path):
        repaired = restore_lost_characters(value)
        assert changed_only_marks(value, repaired)
        assert leftover_marks(repaired) == []


@pytest.fixture(scope="module")
def corpus_items() -> list[dict]:
    return parse_export(SNAPSHOT.read_bytes(), today=date(2026, 12, 3)).items


def test_the_fifty_corpus_records_and_the_saved_programmes(corpus_items):
    assert len(corpus_items) == 53
    repaired_marks = 0
    for item in corpus_items:
        shown = {key: value for key, value in item.items() if key not in ("url", "natural_key")}
        shown["links"] = [link["title"] for link in item["links"]]  # the URLs are links, not text
        for value in strings(shown):
            repaired = restore_lost_characters(value)
            assert changed_only_marks(value, repaired), item["natural_key"]
            assert leftover_marks(repaired) == [], item["natural_key"]
            repaired_marks += sum(a != b for a, b in zip(value, repaired, strict=True))
    assert repaired_marks > 1000  # the check ran over the real damage, not over clean text


def test_the_fifteen_titles_with_question_marks(corpus_items):
    titles = [restore_lost_characters(item["title"]) for item in corpus_items if "?" in item["title"]]
    assert titles == [
        "Förderung von Forschungsprojekten zum Thema Klinische Validierungsstudien („e2Health – In silico-Forschung "
        "für die Medizin der Zukunft“) – Modul 1",
        "Förderung von Projekten zum Thema „Interaktive und Gamification -basierte Technologien zur Förderung der "
        "psychischen Gesundheit im Kindesalter“",
        "Bundesförderung für effiziente Gebäude (BEG) für Kommunen – Kredit",
        "Bundesförderung für effiziente Gebäude – Nichtwohngebäude (BEG NWG)",
        "Agrar- und Ernährungswirtschaft – Betriebsmittel",
        "Förderung für den Neubau von Mietwohnungen – 3. Förderweg",
        "NeueWege.IN.NRW – Innovative Mobilität und Logistik",
        "Förderung von Klimaschutz und Energieeffizienz bei Unternehmen, bei öffentlichen Trägern und "
        "Kultureinrichtungen (Richtlinie „Klimaschutz und Energieeffizienz“)",
        "Beteiligungsgrundsätze der IBG Beteiligungsgesellschaft Sachsen-Anhalt mbH – Offene Pari-Passu "
        "Beteiligungen und marktkonforme Wandlungsmaßnahmen (Keine Beihilfe)",
        "„REGIO AKTIV“ – Familien stärken – Perspektiven eröffnen (FAMICO)",
        "„REGIO AKTIV“ – Regionale Koordination (REKO)",
        "EFRE/JTF-Technologieförderung 2021 bis 2027 – Technologietransferförderung",
        "ESF Plus 2021–2027 – Familienförderung zur Bekämpfung der (Langzeit-)Arbeitslosigkeit – TANDEM Sachsen "
        "(ESF Plus FRL TANDEM Sachsen)",
        "Landesprogramm Wirtschaft 2021–2027 – Förderung von digitalen Spielen",
        "Gemeinschaftsaufgabe „Verbesserung der regionalen Wirtschaftsstruktur“ ( GRW ) – Gewerbliche Wirtschaft "
        "und wirtschaftsnahe Forschungseinrichtungen",
    ]


def test_the_markup_and_its_text_are_repaired_alike(corpus_items):
    """The page shows the raw XHTML, the mail its plain text: both must say the same."""
    from crawler.text import html_to_text

    for item in corpus_items:
        for markup in item["raw"].values():
            assert html_to_text(restore_lost_characters(markup)) == restore_lost_characters(html_to_text(markup))


# ------------------------------------------------------------------------------- any text at all


@given(st.text(alphabet=st.sampled_from(list("ab Z1.,()-[]?„“\n<>/=:")), max_size=80))
def test_only_question_marks_change_and_each_into_one_restored_character(text):
    repaired = restore_lost_characters(text)
    assert changed_only_marks(text, repaired)


@given(st.text(max_size=200).filter(lambda t: "?" not in t))
def test_text_without_question_marks_is_untouched(text):
    assert restore_lost_characters(text) == text

"""Write the seed of the RVR members: their facts (``profiles/member_facts.yaml``) and their default
profiles (``profiles/members/*.yaml``). This script is the one way the seed is made.

Run from the repository root with the researched reference file of the member facts (one entry per
member with kind, Kreis, values and a source per value; ``null`` where nothing was found):
    python -m profiles.build_seed PATH/TO/rvr-member-facts.yaml
The files are committed; staff correct facts on the web afterwards, and members change their profile.

Facts: each value keeps its source, the date it holds for and how sure it is (see the header written
into ``member_facts.yaml``). Profiles: the default interests are written from each member's kind and
facts (Steinkohle site, JTF area, GRW area, size, how rural it is) in a clerk's words and marked as a
preset (``Voreinstellung aus den Gemeindedaten``) until the member saves its own.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import yaml

from profiles.facts import SEED_FACTS
from profiles.io import SEED_DIR
from profiles.schema import PRESET_FROM_FACTS, ProfileDoc, slugify

RESEARCH_DATE = date(2026, 12, 1)  # when the reference was compiled; the as-of date where a source names none

# Every source the reference cites, with a short key and what it is. An unknown URL stops the build.
GV100AD = "https://github.com/Jujutheonlyone/gemeindeverzeichnis/blob/cd411de1a70712510ae95d0eb4c6afb3a17e5fca/apps/gv-100-importer/.tmp/GV100AD_31082025.txt"
ORDINANCE = "https://recht.nrw.de/lmi/owa/br_text_anzeigen?bes_ab=01012025&bes_id=51029&show_preview=0"
INVKG = "https://github.com/bundestag/gesetze/blob/5710c0a68afaf4ee45f127210247e9e6940126ae/i/invkg/index.md"
BROKEN_LINK = "https://wikiless.lunar.icu/w/index.php?oldid=25990345&title=Virtual_Network_Computing"
SOURCES = {
    "gv100ad": (GV100AD, "Destatis, Gemeindeverzeichnis GV100AD, Gebietsstand 31.08.2025 (Kopie auf GitHub)"),
    "vo_gkst_mkst": (
        ORDINANCE,
        "Verordnung zu § 4 GO NRW (Große und Mittlere kreisangehörige Städte), Stand 01.01.2025",
    ),
    "mik_aufgabenmodell": (
        "http://www.mik.nrw.de/en/themen-aufgaben/kommunales/erfolgsmodell-kommunale-selbstverwaltung/strukturen/aufgabenmodell.html",
        "Innenministerium NRW: Aufgabenmodell der Gemeinden",
    ),
    "wikipedia_oer_erkenschwick": ("http://de.wikipedia.org./wiki/Oer-Erkenschwick", "Wikipedia: Oer-Erkenschwick"),
    "de_academic_kreis_unna": ("https://de-academic.com/dic.nsf/dewiki/825944", "Kopie eines Wikipedia-Artikels"),
    "die_landkreise_re": (
        "https://die-landkreise.de/landkreis-recklinghausen.html",
        "die-landkreise.de: Kreis Recklinghausen",
    ),
    "julis_wesel": ("https://julis-wesel.de/personen/", "Internetseite eines Kreisverbands (Sekundärquelle)"),
    "invkg": (INVKG, "Investitionsgesetz Kohleregionen vom 08.08.2020 (Gesetzestext auf GitHub)"),
    "efre_nrw_jtf": (
        "https://efre.nrw.de/verstehen/themenschwerpunkte/transformation-kohleregionen",
        "EFRE/JTF NRW: Transformation in Kohleregionen",
    ),
    "waz_grw_2021": (
        "https://app-webview.sparknews.funkemedien.de/nrw-waz/wirtschaft/wirtschaft-in-nrw/article234289515/Mehr-Mittel-fuer-neue-Arbeitsplaetze-im-Ruhrgebiet.html?paid=true",
        "WAZ: Mehr Mittel für neue Arbeitsplätze im Ruhrgebiet (2021)",
    ),
    "waz_grw_gladbeck": (
        "https://www.waz.de/staedte/gladbeck/staedte-sollen-von-neuer-foerdereinteilung-profitieren-id232965671.html",
        "WAZ Gladbeck: Städte sollen von neuer Fördereinteilung profitieren",
    ),
    "muelheim_business_grw": (
        "https://www.muelheim-business.de/aktuelles/aktuelle-meldungen/pressemitteilungen-detailansicht/news/deutliche-ausweitung-der-regionalen-wirtschaftsfoerderung-in-nordrhein-westfalen-ab-2022/",
        "Mülheim & Business: Ausweitung der regionalen Wirtschaftsförderung ab 2022",
    ),
    "waz_staerkungspakt_1": (
        "https://app-webview.sparknews.funkemedien.de/nrw-waz/politik/article5084884/land-gibt-350-millionen-euro-fuer-klamme-kommunen.html",
        "WAZ: Land gibt 350 Millionen Euro für klamme Kommunen (Stufe 1)",
    ),
    "waz_staerkungspakt_2": (
        "https://app-webview.sparknews.funkemedien.de/nrw-waz/politik/article6707482/land-zahlt-weiteren-27-kommunen-finanzhilfen.html",
        "WAZ: Land zahlt weiteren 27 Kommunen Finanzhilfen (Stufe 2)",
    ),
    "waz_warnbrief": (
        "https://app-webview.sparknews.funkemedien.de/nrw-waz/staedte/oberhausen/article7367606/die-aermsten-staedte-nrws-senden-warnbrief-an-hannelore-kraft.html",
        "WAZ: Die ärmsten Städte NRWs senden Warnbrief",
    ),
    "land_nrw_presse": ("https://land.nrw/en/taxonomy/term/4679?page=928", "Land NRW: Pressemitteilungen"),
    "staerkungspaktgesetz": (
        "https://recht.nrw.de/lmi/owa/br_bes_text?print=1&anw_nr=2&gld_nr=%206&ugl_nr=602&val=19104&ver=0&aufgehoben=N&keyword=covid&bes_id=19104&show_preview=1",
        "Stärkungspaktgesetz NRW vom 09.12.2011",
    ),
}
_KEY_OF_URL = {url: key for key, (url, _title) in SOURCES.items()}

HEADER = """\
# Facts about the members of the Regionalverband Ruhr, one entry per member (slug), written by
# profiles/build_seed.py from a researched reference file; `foerderradar profiles seed` loads them.
#
# Every fact: value (null = unknown: no source settles it; never guessed), source (a key of
# `sources` below), as_of (the reference date the source gives, else December 2026 when the research
# was done), confidence (hoch | mittel | niedrig) and an optional note. Staff correct facts on the
# web page "Gemeindedaten"; every change is kept as a new version with who made it and why.
#
# How sure the fields are:
# - ags, population, area_km2, bezirksregierung: hoch. Destatis' municipal register (population on
#   31.12.2024, census 2022 basis; area on 31.12.2023). A Kreis's population and area are the sums of
#   its Gemeinden. NRW ordinances use a "maßgebende Einwohnerzahl" that can differ by a few per cent.
# - gemeinde_status: hoch for the Große kreisangehörige Städte and the Gemeinden without town status
#   (the ordinance was read for them); mittel for most Mittlere kreisangehörige Städte, whose status
#   comes from older secondary copies because only the first part of the ordinance was read;
#   niedrig where the recorded secondary link was wrong. Unknown for Hattingen, Selm and Werne.
# - grw_foerdergebiet (GRW map 2022-2027): mittel at best. No official list of Gemeinden was read;
#   the values come from the press and local business development. Known only for 19 members; a
#   Kreis marked "mindestens Teile" says nothing about each of its Gemeinden.
# - steinkohle_standort (InvKG § 12 (1)): hoch. Duisburg, Gelsenkirchen, Hamm, Herne and the Kreis
#   Unna with its Gemeinden; the Kreis Recklinghausen is NOT a site. Neighbours of a site may take
#   part case by case (§ 12 (2)); that is not recorded per member.
# - braunkohle_revier (InvKG § 2): hoch. In NRW only the Rheinisches Revier, no RVR member.
# - jtf_gebiet: hoch. The Ruhr part of the JTF area is Bottrop, Dorsten, Gladbeck and Marl.
# - staerkungspakt (2011-2020, historical): mittel. The participant lists were seen only in part, so
#   null means "not known", not "did not take part". Hagen's stage is inferred.
# - haushaltssicherung, laendlicher_raum, leader_region: unknown for every member (no list found).
"""


def _iso(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _source_key(url: str | None) -> str:
    """The key of the first source a reference entry cites (a broken link is skipped)."""
    for part in (url or "").split(";"):
        part = part.strip().removesuffix("(Summe)").strip()
        if part and part != BROKEN_LINK:
            if part not in _KEY_OF_URL:
                raise SystemExit(f"unbekannte Quelle {part!r}: bitte in SOURCES aufnehmen")
            return _KEY_OF_URL[part]
    return ""


def _fact(value, source: str, as_of, confidence: str, note: str = "") -> dict:
    fact = {"value": value, "source": source, "as_of": _iso(as_of), "confidence": confidence}
    if note:
        fact["note"] = note
    return fact


def _unknown(note: str = "") -> dict:
    return {"value": None, "note": note} if note else {"value": None}


def _status_fact(entry: dict) -> dict:
    status, sources = entry["gemeinde_status"], entry["sources"]
    note = entry.get("gemeinde_status_note") or ""
    if status is None:
        return _unknown(note)
    if entry["kind"] != "kreisangehoerige_gemeinde":
        return _fact(status, "gv100ad", "2025-08-31", "hoch")
    confidence = {"hoch": "hoch", "mittel": "mittel"}.get(str(entry.get("gemeinde_status_confidence")), "niedrig")
    if BROKEN_LINK in (sources.get("gemeinde_status") or ""):
        confidence = "niedrig"
        note = f"{note}; der Link auf die Sekundärquelle war fehlerhaft, belegt ist nur das Fehlen in § 1".strip("; ")
    return _fact(status, _source_key(sources.get("gemeinde_status")), "2025-01-01", confidence, note)


def _grw_fact(entry: dict) -> dict:
    area, note = entry["grw_foerdergebiet"], entry.get("grw_note") or ""
    if area is None:
        return _unknown(note)
    confidence = "niedrig" if area in ("C_teilweise", "C_mind_teilweise") else "mittel"
    return _fact(area, _source_key(entry["sources"]["grw_foerdergebiet"]), "2022-01-01", confidence, note)


def _pact_fact(entry: dict) -> dict:
    pact, note = entry["staerkungspakt"], entry.get("staerkungspakt_note") or ""
    if pact is None:
        return _unknown()
    confidence = "niedrig" if pact == "teilnehmer_stufe_vermutlich_1" else "mittel"
    return _fact(pact, _source_key(entry["sources"]["staerkungspakt"]), "2012-12-31", confidence, note)


def _jtf_value(value) -> tuple[str, str]:
    if value is False:
        return "nein", ""
    if str(value).startswith("teilweise"):
        return "teilweise", str(value).removeprefix("teilweise").strip(" ()")
    return str(value), ""


def member_facts(entry: dict) -> dict:
    """The facts of one member of the reference, in the form of ``member_facts.yaml``."""
    sources = entry["sources"]
    derived = "Summe der Gemeinden des Kreises" if entry["kind"] == "kreis" else ""
    jtf, jtf_note = _jtf_value(entry["jtf_gebiet"])
    return {
        "ags": _fact(entry["ags"], "gv100ad", "2025-08-31", "hoch"),
        "population": _fact(entry["population"], "gv100ad", entry["population_date"], "hoch", derived),
        "area_km2": _fact(entry["area_km2"], "gv100ad", entry["area_date"], "hoch", derived),
        "bezirksregierung": _fact(entry["bezirksregierung"], "gv100ad", "2025-08-31", "hoch"),
        "gemeinde_status": _status_fact(entry),
        "grw_foerdergebiet": _grw_fact(entry),
        "steinkohle_standort": _fact(
            entry["steinkohle_standort"], "invkg", "2020-08-08", "hoch", entry.get("steinkohle_note") or ""
        ),
        "braunkohle_revier": _fact(
            False, "invkg", "2020-08-08", "hoch", "§ 2 InvKG nennt in NRW nur das Rheinische Revier"
        ),
        "jtf_gebiet": _fact(jtf, _source_key(sources["jtf_gebiet"]), RESEARCH_DATE, "hoch", jtf_note),
        "staerkungspakt": _pact_fact(entry),
        "haushaltssicherung": _unknown("keine aktuelle Liste der Kommunen in der Haushaltssicherung gefunden"),
    }


def rvr_facts(members: list[dict]) -> dict:
    """The RVR's own facts: its area is that of its 11 kreisfreie Städte and 4 Kreise."""
    top = [m for m in members if m["kind"] in ("kreisfreie_stadt", "kreis")]
    note = "Summe der 11 kreisfreien Städte und 4 Kreise"
    area_note = "Gebietsmerkmale des Verbands hängen vom Ort des Vorhabens ab"
    return {
        "population": _fact(sum(m["population"] for m in top), "gv100ad", "2024-12-31", "hoch", note),
        "area_km2": _fact(round(sum(m["area_km2"] for m in top), 2), "gv100ad", "2023-12-31", "hoch", note),
        "grw_foerdergebiet": _unknown(area_note),
        "steinkohle_standort": _unknown(area_note),
        "jtf_gebiet": _unknown(area_note),
    }


# ------------------------------------------------------------------------------ default profiles


class Part:
    """One piece of a default profile: a phrase for the interests, keywords and Förderbereiche."""

    def __init__(self, phrase: str, keywords: list[str], topics: list[str]) -> None:
        self.phrase, self.keywords, self.topics = phrase, keywords, topics


SMALL_TOWN = Part(
    "Ortskern stärken, Schule, Sporthalle und Feuerwehrhaus energetisch sanieren, Klimaschutz in der Gemeinde",
    ["Ortskern", "Sanierung"],
    ["staedtebau_stadterneuerung", "energieeffizienz_erneuerbare_energien", "kultur_medien_sport", "infrastruktur"],
)
MIDDLE_TOWN = Part(
    "Innenstadt und Quartiere beleben, Schulen und Kitas sanieren, Radwege und Klimaschutz",
    ["Innenstadt", "Radweg"],
    ["staedtebau_stadterneuerung", "mobilitaet", "energieeffizienz_erneuerbare_energien", "infrastruktur"],
)
LARGE_TOWN = Part(
    "Stadtentwicklung in den Quartieren, Klimaanpassung, Schulbau und eine digitale Verwaltung",
    ["Quartier", "Klimaanpassung"],
    ["staedtebau_stadterneuerung", "umwelt_naturschutz", "digitalisierung", "infrastruktur"],
)
RURAL = Part(
    "ländliche Entwicklung und Dorferneuerung, Radwege zwischen den Ortsteilen, Schule, Sporthalle und "
    "Feuerwehrhaus energetisch sanieren",
    ["Dorferneuerung", "Radweg", "Sanierung"],
    [
        "landwirtschaft_laendliche_entwicklung",
        "staedtebau_stadterneuerung",
        "mobilitaet",
        "energieeffizienz_erneuerbare_energien",
    ],
)
CITY = Part(
    "Stadtentwicklung und Quartiere, Klimaschutz und Klimaanpassung, Schulbau und Digitalisierung der Verwaltung",
    ["Quartier", "Klimaanpassung"],
    ["staedtebau_stadterneuerung", "umwelt_naturschutz", "energieeffizienz_erneuerbare_energien", "digitalisierung"],
)
METROPOLIS = Part("Smart City, Wissenschaft und Innovation", ["Smart City"], ["smart_cities_regionen"])
KREIS = Part(
    "Aufgaben des Kreises: Berufskollegs als Schulträger, Jugendhilfe, ÖPNV, Gesundheitsamt und Rettungsdienst",
    ["Berufskolleg", "Rettungsdienst", "ÖPNV"],
    ["aus_weiterbildung", "gesundheit_soziales", "mobilitaet"],
)
KREIS_RURAL = Part(
    "ländliche Entwicklung am Niederrhein", ["ländlicher Raum"], ["landwirtschaft_laendliche_entwicklung"]
)
COAL_SITE = Part(
    "Strukturwandel nach dem Ende der Steinkohle, neue Nutzung früherer Zechen- und Kraftwerksflächen",
    ["Strukturwandel"],
    ["regionalfoerderung"],
)
JUST_TRANSITION = Part(
    "Transformation im nördlichen Ruhrgebiet mit Mitteln des Just Transition Fund",
    ["Just Transition"],
    ["regionalfoerderung"],
)
JUST_TRANSITION_PARTLY = Part(
    "Transformation in Dorsten, Gladbeck und Marl (Just Transition Fund)", ["Just Transition"], ["regionalfoerderung"]
)
GRW_AREA = Part("Gewerbeflächen und wirtschaftsnahe Infrastruktur", ["Gewerbefläche"], ["regionalfoerderung"])
LOW_OWN_SHARE = " – möglichst mit geringem Eigenanteil"  # for members known to have had budget trouble
RVR = Part(
    "Regionale Projekte der Metropole Ruhr: Radschnellwege und regionales Radnetz, Emscher Landschaftspark und "
    "Freiraum, Route der Industriekultur und Tourismus",
    ["Radschnellweg", "Industriekultur", "Regionalentwicklung"],
    ["regionalfoerderung", "mobilitaet", "umwelt_naturschutz", "kultur_medien_sport", "infrastruktur"],
)
RURAL_DENSITY = 300  # inhabitants per km²; below it a Gemeinde of the Ruhr is mostly villages and farmland
KREIS_RURAL_DENSITY = 500
METROPOLIS_POPULATION = 500_000


def _value(facts: dict, name: str):
    return (facts.get(name) or {}).get("value")


def default_parts(kind: str, facts: dict) -> list[Part]:
    """The pieces of a member's default profile: first what it is, then what its facts add."""
    population, area = _value(facts, "population"), _value(facts, "area_km2")
    density = population / area if population and area else None
    if kind == "verband":
        return [RVR]
    if kind == "kreis":
        parts = [KREIS] + ([KREIS_RURAL] if density and density < KREIS_RURAL_DENSITY else [])
    elif kind == "kreisfreie_stadt":
        parts = [CITY] + ([METROPOLIS] if population and population >= METROPOLIS_POPULATION else [])
    elif density and density < RURAL_DENSITY:
        parts = [RURAL]
    else:
        parts = [SMALL_TOWN if population < 25_000 else MIDDLE_TOWN if population < 60_000 else LARGE_TOWN]
    if _value(facts, "steinkohle_standort"):
        parts.append(COAL_SITE)
    jtf = _value(facts, "jtf_gebiet")
    if jtf == "noerdliches_ruhrgebiet":
        parts.append(JUST_TRANSITION)
    elif jtf == "teilweise":
        parts.append(JUST_TRANSITION_PARTLY)
    if _value(facts, "grw_foerdergebiet") not in (None, "kein"):
        parts.append(GRW_AREA)
    return parts


def default_profile(kind: str, facts: dict) -> dict:
    """Interests (one or two plain sentences), two or three keywords and the Förderbereiche."""
    base, *extra = default_parts(kind, facts)
    interests = base.phrase[0].upper() + base.phrase[1:]
    if extra:
        interests += ". Außerdem: " + ", ".join(part.phrase for part in extra)
    if str(_value(facts, "staerkungspakt") or "").startswith(("stufe", "teilnehmer")):
        interests += LOW_OWN_SHARE
    interests += "."
    keywords: list[str] = []
    for part in [*reversed(extra), base]:  # what sets this member apart comes first
        keywords += [k for k in part.keywords if k not in keywords]
    topics = sorted({topic for part in (base, *extra) for topic in part.topics})
    return {"interests": interests, "keywords": keywords[:3], "topics": topics}


def _doc(slug: str, name: str, kind: str, kreis: str, facts: dict) -> ProfileDoc:
    return ProfileDoc(
        slug=slug,
        name=name,
        kind=kind,
        kreis=kreis,
        ags=_value(facts, "ags") or "",
        bezirksregierung=_value(facts, "bezirksregierung") or "",
        preset=PRESET_FROM_FACTS,
        **default_profile(kind, facts),
    )


def build(reference: dict) -> tuple[dict, list[ProfileDoc]]:
    """The facts file's content and the profile documents of all members (the RVR first)."""
    members = reference["members"]
    facts = {"rvr": rvr_facts(members)}
    docs = [_doc("rvr", "Regionalverband Ruhr", "verband", "", facts["rvr"])]
    for entry in members:
        slug = slugify(entry["name"])
        facts[slug] = member_facts(entry)
        docs.append(_doc(slug, entry["name"], entry["kind"], entry.get("kreis") or "", facts[slug]))
    used = {fact.get("source") for member in facts.values() for fact in member.values()}
    sources = {key: {"url": url, "title": title} for key, (url, title) in SOURCES.items() if key in used}
    return {"sources": sources, "members": facts}, docs


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # the same date object twice is still written out twice
        return True


def _yaml(data: dict, flow_leaves: bool) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=200,
        default_flow_style=None if flow_leaves else False,
    )


def main(reference_path: str) -> None:
    reference = yaml.safe_load(Path(reference_path).read_text(encoding="utf-8"))
    facts, docs = build(reference)
    body = _yaml({"sources": facts["sources"]}, False) + _yaml({"members": facts["members"]}, True)
    SEED_FACTS.write_text(HEADER + body, encoding="utf-8")
    SEED_DIR.mkdir(exist_ok=True)
    for old in SEED_DIR.glob("*.yaml"):
        old.unlink()
    for doc in docs:
        data = doc.model_dump(include={"slug", "name", "kind", "kreis", "ags", "bezirksregierung", "preset"})
        data |= doc.model_dump(include={"interests", "keywords", "exclude", "topics", "funding_types"})
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (SEED_DIR / f"{doc.slug}.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])

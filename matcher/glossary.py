"""A small German → English glossary of municipal funding topics, to expand profile queries.

EU calls are published in English while member profiles are written in German; without a bridge a
"Klimaanpassung" profile never meets a "climate adaptation" call. Keys are transliterated,
lower-case word beginnings (so compounds such as "Klimaanpassungskonzept" hit "klimaanpassung");
values are the English terms added to the query with a lower weight than the profile's own words.
Words naming the applicant ("Kommune", "Region") are left out on purpose: every EU call a member can see
names local authorities, so they would lift all of them alike.
"""

from __future__ import annotations

import re

from matcher.analysis import char_text

GLOSSARY: dict[str, str] = {
    # climate: the impacts a town names lead to the adaptation and resilience calls that address them
    "klimaanpassung": "climate adaptation resilience",
    "klimaresilien": "climate resilience adaptation",
    "klimafolge": "climate change impacts adaptation",
    "klimaanalyse": "climate risk assessment",
    "resilienz": "resilience",
    "klimaschutz": "climate mitigation climate neutrality emissions",
    "klimaneutral": "climate neutrality",
    "treibhausgas": "greenhouse gas emissions",
    "hitze": "heat heatwaves climate adaptation",
    "kuehl": "cooling heat",
    "starkregen": "heavy rainfall flooding extreme weather climate adaptation",
    "hochwasser": "flood flooding climate adaptation",
    "unwetter": "extreme weather",
    "duerre": "drought",
    "trockenheit": "drought",
    "naturbasiert": "nature-based solutions",
    "stadtgruen": "urban green spaces",
    "gruene infrastruktur": "green infrastructure",
    "gruenflaeche": "green spaces",
    "stadtbaeume": "urban trees",
    "biodiversitaet": "biodiversity",
    "artenvielfalt": "biodiversity",
    "artenschutz": "species protection biodiversity",
    "naturschutz": "nature protection conservation biodiversity",
    "landschaft": "landscape",
    "renaturierung": "restoration ecosystems",
    "naturnah": "nature-based restoration",
    "gewaesser": "water bodies rivers",
    "feuchtgebiet": "wetlands",
    "wald": "forest forestry",
    "boden": "soil",
    "flaechenverbrauch": "land take land use",
    "flaechen": "land use",
    "wasser": "water",
    "abwasser": "wastewater",
    "kreislaufwirtschaft": "circular economy",
    "abfall": "waste",
    "luftreinhaltung": "air quality",
    "frischluft": "air quality ventilation",
    "laerm": "noise",
    # energy and buildings
    "energieeffizien": "energy efficiency",
    "energetisch": "energy efficiency renovation",
    "erneuerbare energie": "renewable energy",
    "solar": "solar photovoltaics",
    "photovoltaik": "photovoltaics solar",
    "waerme": "heating heat",
    "fernwaerme": "district heating",
    "wasserstoff": "hydrogen",
    "strom": "electricity power",
    "beleuchtung": "lighting",
    "gebaeude": "buildings",
    "sanierung": "renovation retrofitting",
    # mobility
    "mobilitaet": "mobility transport",
    "verkehr": "transport mobility",
    "radverkehr": "cycling",
    "radweg": "cycling cycle paths",
    "fahrrad": "cycling bicycle",
    "oepnv": "public transport",
    "nahverkehr": "public transport",
    "elektromobil": "electric vehicles electromobility charging",
    "ladeinfrastruktur": "charging points",
    "logistik": "logistics",
    # digital and administration
    "digitalisierung": "digitalisation digital",
    "digital": "digital",
    "smart city": "smart cities",
    "daten": "data",
    "kuenstliche intelligenz": "artificial intelligence",
    "breitband": "broadband",
    "verwaltung": "public administration",
    "planung": "planning",
    # people
    "schule": "schools education",
    "bildung": "education training",
    "weiterbildung": "training skills",
    "kita": "early childhood education",
    "jugend": "youth young people",
    "kinder": "children",
    "familie": "families",
    "senioren": "older people",
    "aeltere menschen": "older people elderly",
    "gesundheit": "health",
    "pflege": "care",
    "inklusion": "inclusion disability",
    "barrierefrei": "accessibility disability",
    "integration": "integration migrants",
    "migration": "migration migrants",
    "zuwanderung": "migrants migration",
    "gefluechtete": "refugees",
    "armut": "poverty social inclusion",
    "arbeitsmarkt": "labour market employment",
    "beschaeftigung": "employment jobs",
    "fachkraefte": "skills workforce",
    "gleichstellung": "gender equality",
    "buergerbeteiligung": "citizen engagement participation",
    "beteiligung": "participation engagement",
    "buerger": "citizens",
    "ehrenamt": "volunteering",
    "engagement": "engagement",
    "kultur": "culture cultural heritage",
    "denkmal": "cultural heritage",
    "sport": "sport",
    "tourismus": "tourism",
    # places and economy
    "stadtentwicklung": "urban development",
    "stadterneuerung": "urban regeneration",
    "quartier": "neighbourhoods",
    "innenstadt": "city centre",
    "strukturwandel": "just transition",
    "wirtschaft": "economy business",
    "innovation": "innovation",
    "forschung": "research",
    "infrastruktur": "infrastructure",
    "kritische infrastruktur": "critical infrastructure",
    # safety
    "katastrophenschutz": "disaster risk reduction civil protection",
    "bevoelkerungsschutz": "civil protection disaster risk reduction preparedness",
    "feuerwehr": "firefighting emergency services civil protection",
    "rettungsdienst": "emergency services",
    "notfall": "emergency preparedness",
    "stromausfall": "power outage blackout critical infrastructure",
    "warnung": "early warning",
    "sicherheit": "security",
    "landwirtschaft": "agriculture",
    "laendlich": "rural areas",
    "international": "international",
    "partnerschaft": "partnership cooperation",
}

# Keys start a word ("Hochwasserschutz" hits "hochwasser"); a key of at least ``INFIX_LETTERS`` letters
# also ends a compound ("Schulsanierung" hits "sanierung").
INFIX_LETTERS = 7
_BY_LENGTH = sorted(map(re.escape, GLOSSARY), key=len, reverse=True)
_WORD_START = re.compile(r"\b(" + "|".join(_BY_LENGTH) + r")")
_INSIDE = re.compile(r"\B(" + "|".join(k for k in _BY_LENGTH if len(k) >= INFIX_LETTERS) + r")")


# German words of a clerk's everyday request → the words funding texts use for that topic. A town
# writes "Solaranlagen aufs Rathausdach", the programme "erneuerbare Energien in Nichtwohngebäuden".
RELATED: dict[str, str] = {
    "solar": "erneuerbare Energien Photovoltaik",
    "photovoltaik": "erneuerbare Energien Solar",
    "led": "Energieeffizienz Beleuchtung",
    "beleuchtung": "Energieeffizienz",
    "heizung": "Energieeffizienz Wärme Gebäude",
    "daemmung": "energetische Sanierung Gebäude Energieeffizienz",
    "gedaemmt": "energetische Sanierung Gebäude Energieeffizienz",
    "waermeplanung": "Wärmenetze kommunale Wärmeplanung Klimaschutz",
    "fernwaerme": "Wärmenetze",
    "nahwaerme": "Wärmenetze",
    "rathaus": "Nichtwohngebäude öffentliche Gebäude",
    "verwaltungsgebaeude": "Nichtwohngebäude öffentliche Gebäude",
    "turnhalle": "Sportstätten Nichtwohngebäude",
    "sporthalle": "Sportstätten Nichtwohngebäude",
    "sportplatz": "Sportstätten",
    "kunstrasen": "Sportstätten",
    "vereinsheim": "Sportstätten Vereine",
    "schwimmbad": "Sportstätten Bäder",
    "museum": "Kultur Museen",
    "bibliothek": "Kultur Bildung",
    "grundschule": "Schulen Bildung",
    "kita": "Kindertagesbetreuung Kinder",
    "jugendzentrum": "Jugendarbeit Kinder- und Jugendhilfe",
    "jugendamt": "Kinder- und Jugendhilfe",
    "besucher": "Tourismus",
    "tagesgaeste": "Tourismus Naherholung",
    "wanderweg": "Tourismus Naherholung",
    "bus": "ÖPNV Nahverkehr Mobilität",
    "bahnhof": "ÖPNV Mobilität",
    "sirene": "Bevölkerungsschutz Katastrophenschutz",
    "feuerwehr": "Brandschutz Katastrophenschutz",
    "baeche": "Gewässer",
    "kanal": "Gewässer",
    "bluehwiese": "Biodiversität Artenvielfalt",
    "baeume": "Stadtgrün",
    "zeche": "Strukturwandel Brachflächen",
    "brache": "Brachflächen Flächenrecycling",
    "gewerbegebiet": "Gewerbeflächen Wirtschaftsförderung",
    "firmen": "Unternehmen Ansiedlung",
    "sprachkurs": "Integration Sprachförderung",
    "zugewandert": "Integration Zuwanderung",
    "hausaerzte": "ärztliche Versorgung Gesundheit",
    "pflegedienst": "Pflege",
    "senioren": "ältere Menschen",
    "spielplatz": "Kinder Freiflächen",
    "obdachlos": "Wohnungslosigkeit",
    "wohnungslos": "Wohnungslosigkeit",
    "leerstand": "Innenstadt Stadterneuerung",
    "marktplatz": "Ortskern Stadterneuerung",
    "dorfgemeinschaftshaus": "Dorfentwicklung ländlicher Raum",
    "glasfaser": "Breitband",
    "wlan": "Digitalisierung",
    "onlinezugang": "Digitalisierung Verwaltung",
    "ladesaeule": "Ladeinfrastruktur Elektromobilität",
    "dienstwagen": "Elektromobilität Fuhrpark",
    "carsharing": "Mobilität",
    "lastenrad": "Radverkehr",
    "radstation": "Radverkehr",
    "regenwasser": "Klimaanpassung Starkregen",
    "versickerung": "Klimaanpassung Starkregen",
    "entsiegelung": "Klimaanpassung Stadtgrün",
    "dachbegruenung": "Stadtgrün Klimaanpassung",
    "fassadenbegruenung": "Stadtgrün Klimaanpassung",
    "theater": "Kultur",
    "musikschule": "Kultur Bildung",
    "vereine": "Engagement Ehrenamt",
    "arbeitslos": "Arbeitsmarkt Beschäftigung",
    "azubi": "Ausbildung Fachkräfte",
    "pflegeheim": "Pflege",
    "aerzte": "ärztliche Versorgung Gesundheit",
    "klaeranlage": "Abwasser",
    "muell": "Abfall Kreislaufwirtschaft",
    "strassen": "Verkehrsinfrastruktur",
    "bruecke": "Verkehrsinfrastruktur",
}
_RELATED_START = re.compile(r"\b(" + "|".join(sorted(map(re.escape, RELATED), key=len, reverse=True)) + r")")


def related_hits(text: str) -> list[tuple[str, str]]:
    """The ``RELATED`` entries a German text hits (at word beginnings): (key as found, the funding
    texts' words); each entry once. The ranking widens queries with them (``related_terms``); the
    explanation names those a German programme answers an interest with."""
    return list(dict.fromkeys((key, RELATED[key]) for key in _RELATED_START.findall(char_text(text))))


def related_terms(text: str) -> str:
    """The funding texts' own words for the everyday topics a German text names (empty when none)."""
    return " ".join(dict.fromkeys(words for _, words in related_hits(text)))


def related_phrases(words: str) -> list[str]:
    """The terms of one ``RELATED`` value: "erneuerbare Energien Photovoltaik" → "erneuerbare Energien",
    "Photovoltaik". The values are written as German is: a term ends with its noun (capitalised), so
    adjectives ("erneuerbare", "öffentliche") and a word ending in a hyphen ("Kinder- und Jugendhilfe")
    belong to the noun that follows."""
    terms: list[str] = []
    current: list[str] = []
    for word in words.split():
        current.append(word)
        if word[0].isupper() and not word.endswith("-"):
            terms.append(" ".join(current))
            current = []
    if current:
        terms.append(" ".join(current))
    return terms


def glossary_hits(text: str) -> list[tuple[str, str]]:
    """The glossary entries a German text hits: (key as found, English terms); word beginnings first,
    then long keys ending a compound; each entry once. The ranking widens queries with them
    (``english_terms``); the explanation names them when an English call answers an interest only
    through them."""
    text = char_text(text)
    return list(dict.fromkeys((key, GLOSSARY[key]) for key in _WORD_START.findall(text) + _INSIDE.findall(text)))


def english_terms(text: str) -> str:
    """English terms for the German topics a text names (empty when it names none)."""
    return " ".join(dict.fromkeys(english for _, english in glossary_hits(text)))


# English words of the glossary that only qualify another word of their entry ("public" of "public
# administration", "early" of "early childhood education", "protection" of "civil protection"). Every
# call uses them, so alone they name no topic: an explanation names them only when a word of the same
# entry outside this set occurs in the call too, or every word of the entry does ("city centre").
# Used by ``matcher.explain`` only, never for ranking.
QUALIFIERS = frozenset(
    [
        "adaptation",
        "areas",
        "based",
        "bodies",
        "centre",
        "change",
        "circular",
        "city",
        "civil",
        "critical",
        "cultural",
        "development",
        "district",
        "early",
        "electric",
        "extreme",
        "gas",
        "gender",
        "green",
        "heavy",
        "impacts",
        "just",
        "land",
        "market",
        "mitigation",
        "paths",
        "people",
        "points",
        "power",
        "protection",
        "public",
        "quality",
        "reduction",
        "renewable",
        "risk",
        "services",
        "smart",
        "social",
        "solutions",
        "spaces",
        "take",
        "transition",
        "use",
        "young",
    ]
)

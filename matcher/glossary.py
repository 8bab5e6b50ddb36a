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
    "klimaanpassung": "climate adaptation resilience",
    "klimaresilien": "climate resilience adaptation",
    "resilienz": "resilience",
    "klimaschutz": "climate mitigation climate neutrality emissions",
    "klimaneutral": "climate neutrality",
    "treibhausgas": "greenhouse gas emissions",
    "hitze": "heat heatwaves",
    "starkregen": "heavy rainfall flooding",
    "hochwasser": "flood flooding",
    "duerre": "drought",
    "naturbasiert": "nature-based solutions",
    "stadtgruen": "urban green spaces",
    "gruene infrastruktur": "green infrastructure",
    "biodiversitaet": "biodiversity",
    "naturschutz": "nature protection conservation biodiversity",
    "renaturierung": "restoration",
    "gewaesser": "water bodies rivers",
    "wald": "forest forestry",
    "boden": "soil",
    "wasser": "water",
    "abwasser": "wastewater",
    "kreislaufwirtschaft": "circular economy",
    "abfall": "waste",
    "luftreinhaltung": "air quality",
    "laerm": "noise",
    "energieeffizien": "energy efficiency",
    "erneuerbare energie": "renewable energy",
    "waerme": "heating heat",
    "wasserstoff": "hydrogen",
    "gebaeude": "buildings",
    "sanierung": "renovation retrofitting",
    "mobilitaet": "mobility transport",
    "verkehr": "transport mobility",
    "radverkehr": "cycling",
    "fahrrad": "cycling bicycle",
    "oepnv": "public transport",
    "logistik": "logistics",
    "digitalisierung": "digitalisation digital",
    "digital": "digital",
    "smart city": "smart cities",
    "daten": "data",
    "kuenstliche intelligenz": "artificial intelligence",
    "breitband": "broadband",
    "verwaltung": "public administration",
    "schule": "schools education",
    "bildung": "education training",
    "weiterbildung": "training skills",
    "kita": "early childhood education",
    "jugend": "youth young people",
    "kinder": "children",
    "familie": "families",
    "senioren": "older people",
    "gesundheit": "health",
    "pflege": "care",
    "inklusion": "inclusion disability",
    "integration": "integration migrants",
    "migration": "migration migrants",
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
    "stadtentwicklung": "urban development",
    "stadterneuerung": "urban regeneration",
    "quartier": "neighbourhoods",
    "strukturwandel": "just transition",
    "wirtschaft": "economy business",
    "innovation": "innovation",
    "forschung": "research",
    "infrastruktur": "infrastructure",
    "kritische infrastruktur": "critical infrastructure",
    "katastrophenschutz": "disaster risk reduction civil protection",
    "sicherheit": "security",
    "landwirtschaft": "agriculture",
    "laendlich": "rural areas",
    "international": "international",
    "partnerschaft": "partnership cooperation",
}

_KEYS = re.compile(r"\b(" + "|".join(sorted(map(re.escape, GLOSSARY), key=len, reverse=True)) + r")")


def english_terms(text: str) -> str:
    """English terms for the German topics a text names (empty when it names none)."""
    found = dict.fromkeys(GLOSSARY[key] for key in _KEYS.findall(char_text(text)))
    return " ".join(found)

"""Write the seed profiles of the RVR members (``profiles/members/*.yaml``).

Run once from the repository root with the reference list of members:
    python -m profiles.build_seed ../shared/reference/rvr-members.yaml
The files are committed; staff then adjust them (or members do so on the web). Interests are
sensible defaults per kind of member, drawn from the priorities the members named in the RVR
survey of 2021 (eGovernment/OZG, Open Data, Mobilität, Energie, Stadtentwicklung, Wirtschaft,
Daseinsvorsorge, Tourismus, Kultur/Bildung, Soziales, Umwelt/Klimaschutz).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from profiles.io import SEED_DIR
from profiles.schema import ProfileDoc, slugify

BEZIRKSREGIERUNG = {
    "Düsseldorf": ["Duisburg", "Essen", "Mülheim an der Ruhr", "Oberhausen", "Kreis Wesel"],
    "Münster": ["Bottrop", "Gelsenkirchen", "Kreis Recklinghausen"],
    "Arnsberg": ["Bochum", "Dortmund", "Hagen", "Hamm", "Herne", "Ennepe-Ruhr-Kreis", "Kreis Unna"],
}

MUNICIPAL_INTERESTS = (
    "Förderung für Kommunen: kommunaler Klimaschutz und Klimaanpassung, energetische Sanierung kommunaler "
    "Gebäude und Schulen, Radverkehr und Mobilität, Stadtentwicklung und Städtebauförderung, Digitalisierung "
    "der Verwaltung (OZG, Open Data, Smart City), Sportstätten, Kultur und Bildung, soziale Infrastruktur, "
    "Integration, Tourismus und Naherholung, Umwelt- und Naturschutz."
)
DEFAULTS = {
    "kreisangehoerige_gemeinde": dict(
        interests=MUNICIPAL_INTERESTS,
        keywords=["Kommune", "Klimaschutz", "Radverkehr", "Sanierung", "Digitalisierung"],
        topics=[
            "energieeffizienz_erneuerbare_energien",
            "infrastruktur",
            "mobilitaet",
            "staedtebau_stadterneuerung",
            "umwelt_naturschutz",
            "digitalisierung",
        ],
    ),
    "kreisfreie_stadt": dict(
        interests=MUNICIPAL_INTERESTS + " Quartiersentwicklung, Wohnungsbau, Wirtschaftsförderung und "
        "Strukturwandel, Wissenschaft und Innovation, Gesundheit und Pflege.",
        keywords=["Kommune", "Stadtentwicklung", "Klimaschutz", "Smart City", "Quartier"],
        topics=[
            "energieeffizienz_erneuerbare_energien",
            "infrastruktur",
            "mobilitaet",
            "smart_cities_regionen",
            "staedtebau_stadterneuerung",
            "umwelt_naturschutz",
            "digitalisierung",
            "gesundheit_soziales",
        ],
    ),
    "kreis": dict(
        interests="Förderung für Kreise: öffentlicher Personennahverkehr und Mobilität, Breitband und "
        "Digitalisierung der Verwaltung, Gesundheit, Pflege und Soziales, Berufskollegs und Bildung, "
        "Klimaschutz und Klimaanpassung, Naturschutz und Landschaftspflege, Regionalentwicklung, "
        "Wirtschaftsförderung und Arbeitsmarkt.",
        keywords=["Kreis", "Mobilität", "Breitband", "Gesundheit", "Regionalentwicklung"],
        topics=[
            "digitalisierung",
            "gesundheit_soziales",
            "mobilitaet",
            "regionalfoerderung",
            "umwelt_naturschutz",
            "aus_weiterbildung",
        ],
    ),
    "verband": dict(
        interests="Förderung für regionale Zusammenarbeit in der Metropole Ruhr: Regionalentwicklung und "
        "Strukturwandel, regionale Infrastruktur, Radschnellwege und Mobilität, Freiraum, Grüne Infrastruktur "
        "und Klimaanpassung, Tourismus und Industriekultur, Digitalisierung und Smart Region, europäische "
        "Zusammenarbeit.",
        keywords=["Region", "Strukturwandel", "Metropole Ruhr", "Freiraum", "Tourismus"],
        topics=[
            "regionalfoerderung",
            "infrastruktur",
            "mobilitaet",
            "umwelt_naturschutz",
            "smart_cities_regionen",
            "kultur_medien_sport",
        ],
    ),
}


def _bezirk(name: str, kreis: str = "") -> str:
    for bezirk, names in BEZIRKSREGIERUNG.items():
        if name in names or kreis in names:
            return bezirk
    return ""


def _doc(name: str, kind: str, *, kreis: str = "", ags: str = "") -> ProfileDoc:
    return ProfileDoc(
        slug=slugify(name),
        name=name,
        kind=kind,
        kreis=kreis,
        ags=ags,
        bezirksregierung=_bezirk(name, kreis),
        **DEFAULTS[kind],
    )


def seed_docs(reference: dict) -> list[ProfileDoc]:
    docs = [_doc("Regionalverband Ruhr", "verband")]
    docs[0].slug = "rvr"
    for city in reference["kreisfreie_staedte"]:
        docs.append(_doc(city["name"], "kreisfreie_stadt", ags=city.get("ags", "")))
    for kreis in reference["kreise"]:
        docs.append(_doc(kreis["name"], "kreis", ags=kreis.get("ags", "")))
        for gemeinde in kreis["gemeinden"]:
            docs.append(_doc(gemeinde, "kreisangehoerige_gemeinde", kreis=kreis["name"]))
    return docs


def main(reference_path: str) -> None:
    reference = yaml.safe_load(Path(reference_path).read_text(encoding="utf-8"))
    SEED_DIR.mkdir(exist_ok=True)
    for doc in seed_docs(reference):
        data = doc.model_dump(
            exclude={
                "recipients",
                "min_score",
                "max_items",
                "send_nothing_new",
                "auto_approve_score",
                "digest_frequency",
            }
        )
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (SEED_DIR / f"{doc.slug}.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])

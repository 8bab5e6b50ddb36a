"""The facts kept about each member and what their values mean.

A fact is one researched value about a member (its AGS, population, whether it lies in the GRW
Fördergebiet ...), stored with its source, the date it holds for and how sure it is. ``None`` means
unknown: nobody has read a source that settles it, so nothing may be concluded from it. The
profiles package stores and versions the facts; the condition reader (``core.conditions``) judges
programme conditions against them; the pages show them with the German labels below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CONFIDENCE_LABELS = {"hoch": "hoch", "mittel": "mittel", "niedrig": "niedrig"}
UNKNOWN_LABEL = "unbekannt"
_BOOL_LABELS = {True: "ja", False: "nein"}


@dataclass(frozen=True)
class FactField:
    """One kind of fact: its German label, its type and, for choices, the allowed codes with labels."""

    name: str
    label: str
    type: str  # text | int | float | bool | choice
    choices: Mapping[str, str] = field(default_factory=dict)
    pattern: str = ""  # for text: the whole value must match
    hint: str = ""  # what the value means, for the staff form


FACT_FIELDS: dict[str, FactField] = {
    f.name: f
    for f in (
        FactField("ags", "Amtlicher Gemeindeschlüssel (AGS)", "text", pattern=r"\d{8}", hint="acht Ziffern"),
        FactField("population", "Einwohnerzahl", "int", hint="Einwohnerinnen und Einwohner zum Stichtag"),
        FactField("area_km2", "Fläche in km²", "float"),
        FactField(
            "bezirksregierung",
            "Bezirksregierung",
            "choice",
            {name: name for name in ("Arnsberg", "Detmold", "Düsseldorf", "Köln", "Münster")},
        ),
        FactField(
            "gemeinde_status",
            "Status nach § 4 GO NRW",
            "choice",
            {
                "kreisfreie_stadt": "kreisfreie Stadt",
                "grosse_kreisangehoerige_stadt": "Große kreisangehörige Stadt",
                "mittlere_kreisangehoerige_stadt": "Mittlere kreisangehörige Stadt",
                "keine": "kreisangehörige Gemeinde ohne Sonderstatus",
                "nicht_anwendbar": "nicht anwendbar (Kreis)",
            },
        ),
        FactField(
            "grw_foerdergebiet",
            "GRW-Fördergebiet 2022–2027",
            "choice",
            {
                "C": "C-Fördergebiet",
                "D": "D-Fördergebiet",
                "C_und_D": "teils C-, teils D-Fördergebiet",
                "C_teilweise": "nur Teile im C-Fördergebiet",
                "C_mind_teilweise": "mindestens Teile im C-Fördergebiet",
                "kein": "kein GRW-Fördergebiet",
            },
        ),
        FactField("steinkohle_standort", "Steinkohle-Standort nach § 12 InvKG", "bool"),
        FactField("braunkohle_revier", "Braunkohlerevier nach § 2 InvKG", "bool"),
        FactField(
            "jtf_gebiet",
            "Gebiet des Just Transition Fund (JTF) NRW",
            "choice",
            {
                "noerdliches_ruhrgebiet": "JTF-Gebiet Nördliches Ruhrgebiet",
                "teilweise": "nur Teile im JTF-Gebiet",
                "nein": "nicht im JTF-Gebiet",
            },
        ),
        FactField("laendlicher_raum", "ländlicher Raum", "bool"),
        FactField("leader_region", "in einer LEADER-Region", "bool"),
        FactField(
            "staerkungspakt",
            "Stärkungspakt Stadtfinanzen (2011–2020)",
            "choice",
            {
                "stufe1_2011_pflicht": "Stufe 1 (2011, pflichtig)",
                "stufe2_2012": "Stufe 2 (2012, freiwillig)",
                "teilnehmer_stufe_vermutlich_1": "Teilnahme belegt, vermutlich Stufe 1",
                "nein": "nicht teilgenommen",
                "nicht_anwendbar": "nicht anwendbar (Kreis)",
            },
        ),
        FactField("haushaltssicherung", "in der Haushaltssicherung (§ 76 GO NRW)", "bool"),
    )
}


def check_value(name: str, value: Any) -> Any:
    """The value in its stored form, or ValueError with a German message naming the problem."""
    spec = FACT_FIELDS.get(name)
    if spec is None:
        raise ValueError(f"{name!r} ist kein bekanntes Merkmal; bekannt: {', '.join(FACT_FIELDS)}")
    if value is None:
        return None
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{spec.label}: erwartet ja (true) oder nein (false), nicht {value!r}")
        return value
    if spec.type in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{spec.label}: erwartet eine Zahl, nicht {value!r}")
        if spec.type == "int" and value != int(value):
            raise ValueError(f"{spec.label}: erwartet eine ganze Zahl, nicht {value!r}")
        if value < 0:
            raise ValueError(f"{spec.label}: darf nicht negativ sein")
        return int(value) if spec.type == "int" else float(value)
    if not isinstance(value, str):
        raise ValueError(f"{spec.label}: erwartet Text, nicht {value!r}")
    if spec.type == "choice" and value not in spec.choices:
        raise ValueError(f"{spec.label}: {value!r} ist nicht erlaubt; erlaubt: {', '.join(spec.choices)}")
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        raise ValueError(f"{spec.label}: {value!r} hat nicht die Form {spec.hint or spec.pattern}")
    return value


def value_label(name: str, value: Any) -> str:
    """How a value reads on a page: choice labels, ja/nein, German number format, ``unbekannt``."""
    if value is None:
        return UNKNOWN_LABEL
    spec = FACT_FIELDS[name]
    if spec.type == "bool":
        return _BOOL_LABELS.get(value, str(value))
    if spec.type == "choice":
        return spec.choices.get(value, str(value))
    if spec.type == "int":
        return f"{value:,}".replace(",", ".")
    if spec.type == "float":
        return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(value)


@dataclass(frozen=True)
class MemberFacts:
    """What the condition judge needs to know about one member: its kind and its current fact values."""

    kind: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        return self.values.get(name)

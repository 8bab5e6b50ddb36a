"""Labels of the SEDIA ``frameworkProgramme`` codes.

The facet API is the authority (codes change, and public tables in the wild map some wrongly);
this table, the consensus of several independent clients (NOTES §6.2), is only the fallback when
the facet call fails or does not know a code.
"""

from __future__ import annotations

from typing import Any

FALLBACK_LABELS: dict[str, str] = {  # labels as NOTES §6.2 writes them
    "43108390": "Horizon Europe (HORIZON)",
    "43252405": "LIFE",
    "43251589": "CERV",
    "43353764": "Erasmus+",
    "43152860": "Digital Europe (DIGITAL)",
    "43251567": "Connecting Europe Facility (CEF)",
    "43332642": "EU4Health (EU4H)",
    "43251814": "Creative Europe (CREA)",
    "43252476": "Single Market Programme (SMP)",
    "43254019": "ESF+",
    "44416173": "Interregional Innovation Investments (I3)",
    "43089234": "Innovation Fund",
    "43392145": "EMFAF",
    "43252386": "JUST",
    "43252368": "ISF",
    "43254037": "European Solidarity Corps",
    "43298203": "UCPM",
    "43298664": "AGRIP",
    "44181033": "EDF",
    "43298916": "EURATOM",
    "44773066": "JTM",
    "43637601": "PPPA",
    "45532249": "EUBA",
    "45876777": "NDICI",
    "43253967": "RENEWFM",
    "43252517": "SOCPL",
}


def labels_from_facets(payload: Any) -> dict[str, str]:
    """``frameworkProgramme`` code → label from a facet response; {} for any other shape."""
    if not isinstance(payload, dict):
        return {}
    for facet in payload.get("facets") or []:
        if isinstance(facet, dict) and facet.get("name") == "frameworkProgramme":
            return {
                str(v["rawValue"]): str(v["value"])
                for v in facet.get("values") or []
                if isinstance(v, dict) and v.get("rawValue") and v.get("value")
            }
    return {}


def programme_label(code: str, facet_labels: dict[str, str]) -> str:
    return facet_labels.get(code) or FALLBACK_LABELS.get(code) or f"EU-Programm {code}"

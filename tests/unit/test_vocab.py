"""Vocabulary labels other rooms show for Förderdatenbank codes."""

from __future__ import annotations

import pytest

from core.vocab import KINDS, canonical_code, label, labels


def test_labels_of_every_kind():
    assert label("foerderberechtigte", "kommune") == "Kommune"
    assert label("foerderberechtigte", "oeffentliche_einrichtung") == "Öffentliche Einrichtung"
    assert label("foerdergebiet", "nordrhein_westfalen") == "Nordrhein-Westfalen"
    assert label("foerderbereich", "kultur_medien_sport") == "Kultur, Medien & Sport"
    assert label("foerderart", "buergschaft") == "Bürgschaft"
    assert label("foerdergeber", "eu") == "EU"
    assert label("unterfoerderbereich", "kultur_medien_sport.sport_sportstaetten") == "Sport & Sportstätten"
    assert {kind: len(labels(kind)) >= 3 for kind in KINDS} == dict.fromkeys(KINDS, True)
    assert len(labels("unterfoerderbereich")) == 124


def test_aliases_and_unknown_codes():
    assert canonical_code("Foerdergebiet", "bundesweit") == "_bundesweit"
    assert canonical_code("Foerdergebiet", "schlesig_holstein") == "schleswig_holstein"
    assert label("foerdergebiet", "schleswig_holstein") == "Schleswig-Holstein"
    assert label("foerdergebiet", "schlesig_holstein") == "Schleswig-Holstein"
    assert label("foerdergebiet", "_bundesweit") == "bundesweit"
    assert label("foerderart", "neu_erfunden") == "neu_erfunden"
    labels("foerderart")["zuschuss"] = "x"
    assert label("foerderart", "zuschuss") == "Zuschuss"  # callers get copies
    with pytest.raises(KeyError, match="unknown vocabulary kind"):
        labels("branche")

"""`foerderradar match evaluate` on a small judgments file with metrics computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foerderradar.cli import app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "matcher_programmes.json"
SHIPPED = Path(__file__).resolve().parents[2] / "matcher" / "evaluation_data" / "judgments.json"


def write_judgments(tmp_path: Path) -> Path:
    """Four real programmes; one profile; only NeueWege.IN.NRW fits (grade 2).

    Eligible for a Kommune on 2024-01-01: NeueWege (NRW) and BEG für Kommunen (bundesweit). The
    Bavarian Nahverkehr programme and the company-only Agrar loan are not.
    By hand, for the matcher (ranks only the two eligible ones, NeueWege first for a mobility profile):
    P@5 = 1/5, P@10 = 1/10, nDCG@10 = 1, MAP = 1, ineligible in top 10 = 0.
    The baselines rank all four, so both ineligible programmes are in their top 10 (2) and P@5 = 1/5.
    """
    wanted = (
        "NeueWege.IN.NRW",
        "Bundesförderung für effiziente Gebäude (BEG) für Kommunen",
        "Ergänzende Nahverkehrsangebote",
        "Agrar- und Ernährungswirtschaft",
    )
    records = [r for r in json.loads(FIXTURE.read_text("utf-8")) if r["title"].startswith(wanted)]
    assert len(records) == 4
    (tmp_path / "programmes.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    neue_wege = next(r["url"] for r in records if r["title"].startswith("NeueWege"))
    judgments = {
        "today": "2024-01-01",
        "programmes": "programmes.json",
        "profiles": [
            {
                "slug": "schermbeck",
                "kind": "kreisangehoerige_gemeinde",
                "interests": "nachhaltige Mobilität und Logistik, Radverkehr, Nahverkehr",
                "relevance": {neue_wege: 2},
            }
        ],
    }
    path = tmp_path / "judgments.json"
    path.write_text(json.dumps(judgments, ensure_ascii=False), encoding="utf-8")
    return path


def test_evaluate_json_gives_hand_computed_metrics(tmp_path):
    result = CliRunner().invoke(
        app, ["match", "evaluate", "--judgments", str(write_judgments(tmp_path)), "--json", "--no-learning"]
    )
    assert result.exit_code == 0, result.output
    systems = json.loads(result.stdout)["systems"]
    assert systems["matcher"]["P@5"] == pytest.approx(0.2)
    assert systems["matcher"]["P@10"] == pytest.approx(0.1)
    assert systems["matcher"]["nDCG@10"] == pytest.approx(1.0)
    assert systems["matcher"]["MAP"] == pytest.approx(1.0)
    assert systems["matcher"]["ineligible@10"] == 0
    for baseline in ("tfidf", "bm25"):
        assert systems[baseline]["ineligible@10"] == 2
        assert systems[baseline]["P@5"] == pytest.approx(0.2)


def test_evaluate_table_names_all_three_systems(tmp_path):
    result = CliRunner().invoke(
        app, ["match", "evaluate", "--judgments", str(write_judgments(tmp_path))], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    for word in ("matcher", "tfidf", "bm25", "nDCG@10", "MAP", "P@5", "Unpassend in Top 10"):
        assert word in result.output


def test_shipped_judged_set_has_matcher_ahead_of_both_baselines_and_nothing_ineligible():
    from matcher.evaluation import evaluate_file

    result = evaluate_file(SHIPPED, with_learning=False)
    assert result.profiles >= 15
    matcher = result.systems["matcher"]
    assert matcher["max_ineligible@10"] == 0
    assert matcher["nDCG@10"] > result.systems["tfidf"]["nDCG@10"]
    assert matcher["nDCG@10"] > result.systems["bm25"]["nDCG@10"]


def test_broken_judgments_file_is_named_with_its_problem(tmp_path):
    path = write_judgments(tmp_path)
    doc = json.loads(path.read_text("utf-8"))
    doc["profiles"][0]["relevance"] = {"https://example.org/unbekannt": 1}
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(app, ["match", "evaluate", "--judgments", str(path)])
    assert result.exit_code == 1
    assert "judgments.json" in result.output and "unbekannte Programme" in result.output
    missing = CliRunner().invoke(app, ["match", "evaluate", "--judgments", str(tmp_path / "fehlt.json")])
    assert missing.exit_code == 1 and "fehlt.json" in missing.output

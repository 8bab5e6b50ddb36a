"""`foerderradar match evaluate` on a small judgments file with metrics computed by hand, and on the shipped sets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foerderradar.cli import app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "matcher_programmes.json"
SHIPPED = Path(__file__).resolve().parents[2] / "matcher" / "evaluation_data"
SYSTEMS = ("matcher", "tfidf", "bm25")


def write_judgments(tmp_path: Path) -> Path:
    """Four real programmes; one profile; NeueWege.IN.NRW fits (2), the Bavarian Nahverkehr programme is
    judged related (1) although the member cannot use it.

    Eligible for a Kommune on 2024-01-01: NeueWege (NRW) and BEG für Kommunen (bundesweit); not the
    Bavarian programme and not the company-only Agrar loan. Every system ranks only the two eligible
    ones (the baselines stand behind the matcher's filters), NeueWege first. By hand:
    P@5 = 1/5, P@10 = 1/10, recall@20 = 1/2 (the Bavarian programme is never shown),
    nDCG@10 = 3 / (3 + 1/log2(3)) = 0.8262, MAP = (1/1) / 2 = 0.5, ineligible in top 10 = 0.
    The matcher proposes NeueWege only (score ≥ 20): 1 proposal, recall of the proposals 1/2.
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
    url = {title: next(r["url"] for r in records if r["title"].startswith(title)) for title in wanted}
    judgments = {
        "today": "2024-01-01",
        "programmes": "programmes.json",
        "profiles": [
            {
                "slug": "schermbeck",
                "kind": "kreisangehoerige_gemeinde",
                "interests": "nachhaltige Mobilität und Logistik, Radverkehr, Nahverkehr",
                "relevance": {url["NeueWege.IN.NRW"]: 2, url["Ergänzende Nahverkehrsangebote"]: 1},
            }
        ],
    }
    path = tmp_path / "judgments.json"
    path.write_text(json.dumps(judgments, ensure_ascii=False), encoding="utf-8")
    return path


def evaluate_json(*args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["match", "evaluate", *args, "--json", "--no-learning"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["judged_sets"]


def test_evaluate_json_gives_hand_computed_metrics_for_all_three_systems(tmp_path):
    [judged] = evaluate_json("--judgments", str(write_judgments(tmp_path)))
    assert judged["relevant"] == {"schermbeck": 2}
    for system in SYSTEMS:
        values = judged["systems"][system]
        assert values["P@5"] == pytest.approx(0.2)
        assert values["P@10"] == pytest.approx(0.1)
        assert values["recall@20"] == pytest.approx(0.5)
        assert values["nDCG@10"] == pytest.approx(0.8262, abs=1e-4)
        assert values["MAP"] == pytest.approx(0.5)
        assert values["ineligible@10"] == 0  # the baselines stand behind the same filters
    assert judged["systems"]["matcher"]["proposals"] == 1
    assert judged["systems"]["matcher"]["recall@proposals"] == pytest.approx(0.5)
    assert judged["systems"]["tfidf"]["proposals"] is None


def test_default_run_measures_all_shipped_sets_and_prints_all_three_systems():
    result = CliRunner().invoke(app, ["match", "evaluate", "--no-learning"], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    for name in ("judgments.json", "clerk_judgments.json", "blind_judgments.json"):
        assert name in result.output
    assert result.output.count("Relevante Programme je Profil") == 3
    for word in (*SYSTEMS, "nDCG@10", "P@10", "recall@20", "Vorschläge", "Unpassend in Top 10"):
        assert word in result.output


def test_shipped_sets_filter_everything_the_grading_rule_calls_unusable():
    old, clerk = evaluate_json("-j", str(SHIPPED / "judgments.json"), "-j", str(SHIPPED / "clerk_judgments.json"))
    assert old["systems"]["matcher"]["nDCG@10"] > old["systems"]["tfidf"]["nDCG@10"]
    assert old["systems"]["matcher"]["nDCG@10"] > old["systems"]["bm25"]["nDCG@10"]
    assert clerk["profiles"] >= 25 and clerk["profiles_with_relevant"] >= 20
    for judged in (old, clerk):
        for system in SYSTEMS:
            assert judged["systems"][system]["max_ineligible@10"] == 0


def test_missing_bm25_package_is_named_with_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "rank_bm25", None)  # what an install without the [eval] extra looks like
    result = CliRunner().invoke(app, ["match", "evaluate", "-j", str(write_judgments(tmp_path)), "--no-learning"])
    assert result.exit_code == 1
    assert "rank-bm25" in result.output and "pip install '.[eval]'" in result.output


def test_broken_judgments_file_is_named_with_its_problem(tmp_path):
    path = write_judgments(tmp_path)
    doc = json.loads(path.read_text("utf-8"))
    doc["profiles"][0]["relevance"] = {"https://example.org/unbekannt": 1}
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(app, ["match", "evaluate", "--judgments", str(path)])
    assert result.exit_code == 2
    assert "judgments.json" in result.output and "unbekannte Programme" in result.output
    missing = CliRunner().invoke(app, ["match", "evaluate", "--judgments", str(tmp_path / "fehlt.json")])
    assert missing.exit_code == 2 and "fehlt.json" in missing.output

"""Too-long input gives the same result on SQLite and PostgreSQL: reported, skipped, nothing half-stored.

Run this file with and without FOERDERRADAR_TEST_DATABASE_URL; the assertions are the same.
"""

from __future__ import annotations

import json

from sqlmodel import Session, select
from typer.testing import CliRunner

from crawler.manual import MAX_FIELD_CHARS
from foerderradar.cli import app
from store.db import make_engine
from store.models import CrawlRun, Member, Programme

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _programmes(database_url: str) -> dict[str, Programme]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        found = {p.url: p for p in session.exec(select(Programme)).all()}
        runs = session.exec(select(CrawlRun)).all()
    engine.dispose()
    assert all(run.status != "running" for run in runs)
    return found


def test_a_76_character_slug_in_a_profile_file_is_refused_naming_the_field(settings_env, tmp_path):
    slug = "gemeinde-mit-einem-sehr-langen-kurznamen-" + "x" * 35
    assert len(slug) == 76
    assert invoke("init").exit_code == 0
    profile = tmp_path / "lang.yaml"
    profile.write_text(f"- slug: {slug}\n  name: Lang\n  kind: kreisangehoerige_gemeinde\n", encoding="utf-8")

    result = invoke("profiles", "import", str(profile))

    assert result.exit_code == 2
    assert "Feld slug" in result.output and f"{len(slug)} Zeichen, höchstens 64 erlaubt" in result.output
    engine = make_engine(settings_env.database_url)
    with Session(engine) as session:
        assert session.exec(select(Member)).all() == []
    engine.dispose()


def test_csv_import_reports_long_values_huge_fields_and_duplicates_and_keeps_the_good_rows(settings_env, tmp_path):
    long_url = "https://ministerium.example/" + "sehr-langer-pfad/" * 34  # about 600 characters: a legitimate key
    too_long_url = "https://ministerium.example/" + "x" * 2100
    big_text = "Förderung von Quartierskonzepten. " * 6000  # 200,000 characters: over the csv module's default
    huge_text = "y" * (MAX_FIELD_CHARS + 1)
    rows = [
        "title;url;level;description;funding_rate",
        "Gut;https://ministerium.example/gut;land;kurz;",
        f"Lange Adresse;{long_url};land;kurz;",
        f"Zu lange Adresse;{too_long_url};land;kurz;",
        "Doppelt;https://ministerium.example/gut;land;noch einmal;",
        f"Großer Text;https://ministerium.example/gross;land;{big_text};",
        f"Riesiger Text;https://ministerium.example/riesig;land;{huge_text};",
        "Danach;https://ministerium.example/danach;bund;kurz;",
    ]
    csv_file = tmp_path / "programme.csv"
    csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")

    result = invoke("programmes", "import", str(csv_file))

    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "Zeile 4: Feld url: 2128 Zeichen, höchstens 2048 erlaubt" in output
    assert "Zeile 5: URL schon in Zeile 2 angegeben (doppelt)" in output
    assert "Zeile 7: Spalte description länger als 1.000.000 Zeichen" in output
    assert "3 Zeilen übersprungen" in output
    stored = _programmes(settings_env.database_url)
    assert sorted(stored) == sorted(
        [
            "https://ministerium.example/gut",
            long_url,
            "https://ministerium.example/gross",
            "https://ministerium.example/danach",
        ]
    )
    assert stored["https://ministerium.example/gut"].description_text == "kurz"  # the first of the duplicates
    assert len(stored[long_url].natural_key) == 512 and stored[long_url].url == long_url
    assert len(stored["https://ministerium.example/gross"].description_text) == len(big_text.strip())

    again = invoke("programmes", "import", str(csv_file))
    assert "0 neu" in again.output and "4 unverändert" in again.output  # the shortened key is stable


def test_json_import_skips_a_row_with_a_too_long_value(settings_env, tmp_path):
    json_file = tmp_path / "programme.json"
    json_file.write_text(
        json.dumps(
            [
                {"title": "Gut", "url": "https://land.example/gut"},
                {"title": "Zu lang", "url": "https://land.example/" + "z" * 2100},
            ]
        ),
        encoding="utf-8",
    )

    result = invoke("programmes", "import", str(json_file))

    assert result.exit_code == 0
    assert "Eintrag 2: Feld url" in result.output and "1 Programme übernommen" in " ".join(result.output.split())
    assert list(_programmes(settings_env.database_url)) == ["https://land.example/gut"]

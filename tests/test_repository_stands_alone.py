"""The repository stands alone: no file in it points to the research folder beside it.

The saved source responses and corpus records that the tests and the demo need are copied into the
repository (with their provenance); a clone on another machine has no `../shared`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = ("../shared", "/work/")


def test_no_tracked_file_points_outside_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".html", ".mjml", ".yaml", ".json"}:
            continue
        if path.resolve() == Path(__file__).resolve() or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}: {marker}" for marker in OUTSIDE if marker in text]
    assert offenders == []

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlscore.cli import main


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_demo_builds_and_retiers_a_seeded_book(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    out = tmp_path / "demo.xlsx"
    assert main(["demo", "-o", str(out), "--customers", "60", "--seed", "5", "--lang", lang]) == 0
    printed = capsys.readouterr().out
    assert "demo book with 60 customers" in printed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.xlsx"]  # no backup, no leftover input
    wb = load_workbook(out, read_only=False)
    sheet = "Scoring" if lang == "en" else "评分"
    ref = wb[sheet].tables["tblScoring"].ref
    assert ref.endswith("61")  # header + 60 customers


def test_demo_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    from xlscore.analysis import analyse
    from xlscore.templates.demo import write_demo_book

    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_demo_book(a, 40, seed=9)
    write_demo_book(b, 40, seed=9)
    ra, rb = analyse(a).result, analyse(b).result
    assert ra is not None and rb is not None
    assert ra["Score"].tolist() == rb["Score"].tolist()

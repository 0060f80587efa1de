from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from xlscore.cli import main


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_demo_builds_and_retiers_a_seeded_book(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    out = tmp_path / "demo.xlsx"
    assert main(["demo", "-o", str(out), "--customers", "60", "--seed", "5", "--lang", lang]) == 0
    printed = capsys.readouterr().out
    assert ("demo book with 60 customers" if lang == "en" else "演示工作簿 60 位客户") in printed
    assert ("have blank cells: each blank scores 0 points" if lang == "en" else "空白计 0 分") in printed
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


class _Terminal:
    """A stand-in for a terminal's stderr: records what is written, says it is a tty."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, data: str) -> int:
        self.text += data
        return len(data)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_a_big_demo_shows_its_stages_and_retiers_without_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    out = tmp_path / "big.xlsx"
    assert main(["demo", "-o", str(out), "--customers", "30000", "--as-of", "2026-11-01"]) == 0
    lines = [line for line in terminal.text.split("\r\x1b[K") if line]
    stages = [line.split(" [")[0].split("...")[0] for line in lines]
    made, saved = "making 30,000 demo customers", "saving the demo book (30,000 customers, "
    assert stages[0] == made
    assert any(stage.startswith(saved) for stage in stages)
    for later in ("reading .big.xlsx.demo-input.xlsx", "checking and scoring 30,000 customers",
                  "building the sheets of 30,000 customers", "writing big.xlsx"):
        assert later in stages, later
    saving = next(line for line in lines if line.startswith(saved))
    assert "/" in saving and "%" in saving  # a bar with a count: the rows are many
    assert terminal.text.endswith("\r\x1b[K")  # the line is cleared before the summary
    assert "30,000 customers (30,000 scored)" in capsys.readouterr().out  # a re-tier with an error exits 1
    issues = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Issues").to_python()
    assert issues[0][0] == "Severity" and all(row[0] != "error" for row in issues[1:])


def test_demo_quiet_prints_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["demo", "-o", str(tmp_path / "q.xlsx"), "--customers", "50", "--quiet"]) == 0
    assert terminal.text == ""
    assert capsys.readouterr().out == ""
    assert (tmp_path / "q.xlsx").exists()


def test_demo_json_prints_no_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import json

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["demo", "-o", str(tmp_path / "d.xlsx"), "--customers", "1200", "--json"]) == 0
    assert terminal.text == ""
    assert json.loads(capsys.readouterr().out)["customers"] == 1200

"""``--json`` on every reporting command: one JSON document on stdout, also when the book cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlscore.cli import main
from xlscore.templates.demo import write_demo_book

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("json") / "book.xlsx"
    write_demo_book(path, 40, 4, "en")
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)  # the whole of stdout is one document


def test_every_reporting_command_prints_one_json_document(book: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "customers.csv"
    import pandas as pd

    from xlscore.analysis import analyse

    analyse(book).book.customers.drop(columns=["Last contact"]).to_csv(csv, index=False)
    runs: dict[str, tuple[list[str], set[str]]] = {
        "validate": (["validate", str(book)], {"issues", "errors", "warnings"}),
        "retier": (["retier", str(book), "-o", str(tmp_path / "r.xlsx")], {"tiers", "scored", "target"}),
        "explain": (["explain", str(book), "C00003"], {"indicators", "score", "rank", "tier", "lines", "flags"}),
        "snapshot": (["snapshot", str(book), "--period", "2026-Q3", "-o", str(tmp_path / "s.xlsx")],
                     {"period", "periods", "customers"}),
        "plan": (["plan", str(book), "-o", str(tmp_path / "p.xlsx")], {"rows", "follow_ups", "until"}),
        "classify": (["classify", str(book)], {"families", "nine_box"}),
        "score": (["score", str(book), "--customers", str(csv), "-o", str(tmp_path / "o.csv"), "--engine", "pandas"],
                  {"tiers", "scored", "output"}),
        "demo": (["demo", "-o", str(tmp_path / "d.xlsx"), "--customers", "30"], {"tiers", "with_blanks"}),
    }
    for command, (argv, keys) in runs.items():
        code, doc = _run([*argv, "--json"], capsys)
        assert code == 0, command
        assert doc["ok"] is True, command
        assert keys <= set(doc), (command, sorted(doc))
    explained = _run(["explain", str(book), "C00003", "--json"], capsys)[1]
    assert explained["customer_id"] == "C00003"
    assert sum(1 for _ in explained["indicators"]) == 3  # type: ignore[arg-type]
    assert pd.notna(explained["score"])


@pytest.mark.parametrize("command", ["validate", "retier", "explain", "snapshot", "plan", "classify", "score"])
def test_an_unreadable_workbook_gives_a_json_error_on_stdout(command: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    extra = {"explain": ["C1"], "score": ["--customers", str(bad), "-o", str(tmp_path / "o.csv")]}.get(command, [])
    code, doc = _run([command, str(bad), *extra, "--json"], capsys)
    assert code == 1
    assert doc["ok"] is False and "not an Excel workbook" in str(doc["error"]) and doc["exit_code"] == 1


def test_validation_errors_come_as_json_issues_with_their_cells(book: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    broken = tmp_path / "broken.xlsx"
    wb = load_workbook(book)
    wb["Weights"]["B2"] = 45
    wb.save(broken)
    for argv in (["retier", str(broken)], ["explain", str(broken), "C00001"], ["plan", str(broken)],
                 ["snapshot", str(broken)], ["classify", str(broken)]):
        code, doc = _run([*argv, "--json"], capsys)
        assert code == 1 and doc["ok"] is False, argv
        assert [i["cell"] for i in doc["issues"]] == ["Weights!B1"], argv  # type: ignore[union-attr]

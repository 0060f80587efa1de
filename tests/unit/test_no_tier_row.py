"""Scored customers that no tier takes are counted in a (no tier) row, so the pyramid adds up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.fixtures.books import CUSTOMER_HEAD, BookSpec, write
from xlscore.analysis import analyse
from xlscore.cli import main
from xlscore.workbook.report import tier_summary

# Scores of the standard customers: K001 84, K002 35, K003 46, K004 ~61, K005 ~90 (K003's Rating is
# missing and unapproved ones lose it): with Min scores 80 / 60 / 50, two scored customers get no tier.


def _threshold_book(path: Path) -> Path:
    spec = BookSpec()
    spec.tiers = [["A", 80, None, "Visit monthly", 30, "1F4E79"],
                  ["B", 60, None, "Call quarterly", 90, "2E75B6"],
                  ["C", 50, None, "Newsletter", 180, "9DC3E6"]]
    return write(path, spec)


def test_the_summary_has_a_no_tier_row_and_adds_up(tmp_path: Path) -> None:
    analysis = analyse(_threshold_book(tmp_path / "book.xlsx"))
    assert analysis.result is not None
    summary = tier_summary(analysis.book.model, analysis.result)
    scored = int(analysis.result["Score"].notna().sum())
    untiered = analysis.result[analysis.result["Score"].notna() & analysis.result["Tier"].isna()]
    assert len(untiered) > 0
    assert summary["Tier"].tolist()[-1] == "(no tier)"
    assert summary["Customers"].tolist()[-1] == len(untiered)
    assert summary["Customers"].sum() == scored
    assert summary["Share"].sum() == pytest.approx(1.0)
    assert summary["Min score"].tolist()[-1] == pytest.approx(untiered["Score"].min())


def test_no_row_when_every_scored_customer_has_a_tier(tmp_path: Path) -> None:
    analysis = analyse(write(tmp_path / "book.xlsx"))
    assert analysis.result is not None
    assert "(no tier)" not in tier_summary(analysis.book.model, analysis.result)["Tier"].tolist()


@pytest.mark.parametrize("live", [False, True])
def test_pyramid_sheet_and_console_count_every_scored_customer(tmp_path: Path, live: bool,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    book = _threshold_book(tmp_path / "book.xlsx")
    assert main(["retier", str(book), *(["--live"] if live else [])]) == 0
    out = capsys.readouterr().out
    no_tier_line = next(line for line in out.splitlines() if line.startswith("(no tier)"))
    scored = int(out.split("\nscored ")[1].split(" of")[0])
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Pyramid").to_python()
    table = [r for r in rows if r and r[0] in {"A", "B", "C", "(no tier)"}]
    assert [r[0] for r in table] == ["A", "B", "C", "(no tier)"]
    assert sum(int(r[1]) for r in table) == scored
    assert no_tier_line.split()[2] == str(int(table[-1][1]))


def test_json_tiers_add_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = _threshold_book(tmp_path / "book.xlsx")
    assert main(["retier", str(book), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tiers"][-1]["tier"] == "(no tier)"
    assert sum(t["customers"] for t in report["tiers"]) == report["scored"]


def test_score_command_summary_counts_customers_without_a_tier(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    book = _threshold_book(tmp_path / "book.xlsx")
    spec = BookSpec()
    lines = [",".join(CUSTOMER_HEAD)]
    lines += [",".join("" if v is None else str(v) for v in row) for row in spec.customers]
    customers = tmp_path / "customers.csv"
    customers.write_text("\n".join(lines) + "\n")
    assert main(["score", str(book), "--customers", str(customers), "-o", str(tmp_path / "out.csv")]) == 0
    out = capsys.readouterr().out.splitlines()
    counts = {line.split()[0]: int(line.split()[-2]) for line in out[:-1] if line.strip()}
    no_tier = next(line for line in out if line.startswith("(no tier)"))
    assert int(no_tier.split()[2]) == 2
    assert "scored 5 of 5 customers" in out[-1] and len(counts) == 4

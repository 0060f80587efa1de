"""Rows typed right below an input table are named by their first cell, and can be taken in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl import Workbook

from tests.fixtures import books
from xlscore.analysis import analyse
from xlscore.cli import main

PASTED = [["K006", "Fox", "Ann", None, 7000, 20, 5, 70, "yes", None],
          ["K007", "Gig", "Ben", None, 10, 1, 1, 10, "yes", None],
          ["K008", "Hub", "Cid", None, 2000, 12, 2, 50, "yes", None]]


def _paste(sheet: str, first_row: int, rows: Sequence[Sequence[Any]], first_col: int = 1) -> Any:
    def mutate(wb: Workbook) -> None:
        for k, row in enumerate(rows):
            for j, value in enumerate(row):
                wb[sheet].cell(row=first_row + k, column=first_col + j, value=value)

    return mutate


def test_rows_pasted_below_tbl_customers_are_a_warning_naming_the_first_cell(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = books.write(tmp_path / "book.xlsx", mutate=_paste("Customers", 7, PASTED))
    assert main(["validate", str(book)]) == 0
    out = capsys.readouterr().out
    assert ("warning Customers!A7: 3 rows below tblCustomers are not in the table: extend the table "
            "(Table Design > Resize Table) or re-run with --extend-tables") in out
    assert "5 customers ready to score" in out


def test_the_first_cell_is_the_first_one_holding_something(tmp_path: Path) -> None:
    book = books.write(tmp_path / "book.xlsx", mutate=_paste("Customers", 7, [[None, "Fox", "Ann"]]))
    warnings = [(str(i.ref), i.message) for i in analyse(book).issues.warnings if i.code == "rows-below-table"]
    assert warnings == [("Customers!B7", "1 row below tblCustomers is not in the table: extend the table "
                         "(Table Design > Resize Table) or re-run with --extend-tables")]


def test_any_input_table_is_checked_and_a_blank_row_ends_what_is_below(tmp_path: Path) -> None:
    def mutate(wb: Workbook) -> None:
        _paste("Bands", 9, [["Value", "Sales", 9000, None, 5]])(wb)  # tblBands is A1:E8
        _paste("Customers", 8, PASTED)(wb)  # row 7 is blank: not directly below tblCustomers
        _paste("Customers", 7, [[None] * 10 + ["a note right of the table"]])(wb)

    book = books.write(tmp_path / "book.xlsx", mutate=mutate)
    warnings = [str(i.ref) for i in analyse(book).issues.warnings if i.code == "rows-below-table"]
    assert warnings == ["Bands!A9"]


def test_extend_tables_grows_the_table_in_the_written_book(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    book = books.write(tmp_path / "book.xlsx", mutate=_paste("Customers", 7, PASTED))
    out = tmp_path / "out.xlsx"
    assert main(["retier", str(book), "--extend-tables", "-o", str(out)]) == 0
    assert "scored 8 of 8 customers" in capsys.readouterr().out
    table = openpyxl.load_workbook(out)["Customers"].tables["tblCustomers"]
    assert table.ref == "A1:J9" and table.autoFilter.ref == "A1:J9"
    assert openpyxl.load_workbook(book)["Customers"].tables["tblCustomers"].ref == "A1:J6"
    assert main(["validate", str(out)]) == 0
    assert "rows below" not in capsys.readouterr().out
    assert len(analyse(out).book.customers) == 8


def test_snapshot_and_plan_take_extend_tables_too(tmp_path: Path) -> None:
    book = books.write(tmp_path / "book.xlsx", mutate=_paste("Customers", 7, PASTED))
    out = tmp_path / "snap.xlsx"
    assert main(["snapshot", str(book), "--period", "2026-Q1", "--extend-tables", "-o", str(out)]) == 0
    assert openpyxl.load_workbook(out)["Customers"].tables["tblCustomers"].ref == "A1:J9"
    plan = tmp_path / "plan.xlsx"
    assert main(["plan", str(book), "--extend-tables", "-o", str(plan)]) == 0
    assert openpyxl.load_workbook(plan)["Customers"].tables["tblCustomers"].ref == "A1:J9"


def test_a_features_table_is_checked_too_and_extend_tables_applies_the_pasted_override(tmp_path: Path) -> None:
    """tblOverrides (A1:E2 in the template) with a row typed at A3: a warning naming it, and with
    --extend-tables the override counts and tblOverrides grows in the written book."""
    from datetime import date, datetime

    from tests.helpers.history_books import new_book, records

    book = new_book(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["Overrides"]
    for col, value in enumerate(["K05", "A", "Strategic account", "Dana", datetime(2026, 12, 31)], start=1):
        ws.cell(3, col, value)
    wb.save(book)
    analysis = analyse(book, date(2026, 5, 1))
    assert [str(i) for i in analysis.issues if i.code == "rows-below-table"] == [
        "warning: Overrides!A3: 1 row below tblOverrides is not in the table: extend the table "
        "(Table Design > Resize Table) or re-run with --extend-tables"]
    out = tmp_path / "out.xlsx"
    assert main(["retier", str(book), "-o", str(out), "--extend-tables", "--as-of", "2026-05-01", "--quiet"]) == 0
    tiers = {r["Customer ID"]: r["Tier"] for r in records(out, "tblScoring")}
    assert tiers["K05"] == "A"
    assert openpyxl.load_workbook(out)["Overrides"].tables["tblOverrides"].ref == "A1:E3"

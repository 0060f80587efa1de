"""Tables read column by column: same values, same blank rows, same issues as row lists."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xlscore.issues import IssueList
from xlscore.workbook.customers_reader import read_customers
from xlscore.workbook.reader import read_book
from xlscore.workbook.tables import ColumnarRows, RawTable, TableSource

from ..fixtures.books import BookSpec, write


def test_columnar_rows_behave_like_a_list_of_rows() -> None:
    rows = ColumnarRows([["K1", "K2", "K3"], [1.0, None, 3.0]])
    assert len(rows) == 3
    assert rows[1] == ["K2", None]
    assert rows[-1] == ["K3", 3.0]
    assert rows[0:2] == [["K1", 1.0], ["K2", None]]
    assert list(rows) == [["K1", 1.0], ["K2", None], ["K3", 3.0]]
    with pytest.raises(IndexError):
        rows[3]


def test_blank_rows_are_found_column_by_column() -> None:
    columns = [["K1", None, "  ", None, "K5"], [1.0, None, None, 4.0, None]]
    table = RawTable("t", "S", 1, 1, ("ID", "Sales"), ColumnarRows(columns))
    as_lists = RawTable("t", "S", 1, 1, ("ID", "Sales"), [list(r) for r in zip(*columns, strict=True)])
    assert table.data_rows() == [0, 3, 4]  # rows 1 and 2 hold only blanks (None, spaces)
    assert as_lists.data_rows() == [0, 3, 4]
    assert table.column(1) == [1.0, None, None, 4.0, None]


def _spec() -> BookSpec:
    spec = BookSpec()
    spec.customers = [
        [" K001 ", "Acme", "Ann", None, 6000, 12, 4, 80, "yes", datetime(2026, 1, 10)],
        [None, None, None, None, None, None, None, None, None, None],  # a blank row inside the table
        ["K002", "Bolt", "Ben", "partner", 1000, 9.99, 2, 90, "no", datetime(2026, 2, 1, 9, 30)],
        ["K003", "Cogs", "Ann", None, 999.99, "  ", None, None, "TRUE", None],
        ["K004", "Dyna", "Cid", "Default", None, 10, 3, 60, "y", datetime(2026, 3, 3)],
    ]
    return spec


def test_a_clean_table_reads_to_hand_checked_values(tmp_path: Path) -> None:
    book = read_book(write(tmp_path / "book.xlsx", _spec()))
    frame = book.customers
    assert book.issues.errors == []
    assert list(frame.index) == [0, 2, 3, 4]  # data row numbers: Customers!A2, A4, A5, A6
    assert list(frame["Customer ID"]) == ["K001", "K002", "K003", "K004"]
    assert list(frame["Profile"]) == [None, "partner", None, "Default"]
    assert list(frame["Approved"]) == [True, False, True, True]
    assert list(frame["Last contact"]) == [pd.Timestamp("2026-01-10"), pd.Timestamp("2026-02-01 09:30"),
                                           pd.NaT, pd.Timestamp("2026-03-03")]
    np.testing.assert_array_equal(frame["Sales"], [6000.0, 1000.0, 999.99, np.nan])
    np.testing.assert_array_equal(frame["Margin %"], [12.0, 9.99, np.nan, 10.0])  # "  " is a blank cell


def test_a_time_of_day_in_a_measure_is_an_error_at_its_cell(tmp_path: Path) -> None:
    spec = _spec()
    spec.customers[4][6] = time(9, 30)  # Visits of K004, Customers!G6
    book = read_book(write(tmp_path / "book.xlsx", spec))
    assert [(str(i.ref), i.message) for i in book.issues.errors] == [
        ("Customers!G6", "'09:30:00' in Visits is not a number: type a number or leave the cell blank")]


def test_columns_and_row_lists_give_the_same_frame_and_issues(tmp_path: Path) -> None:
    spec = _spec()
    spec.customers[2][0] = "k001"  # duplicate ID
    spec.customers[3][3] = "Retail"  # unknown profile
    spec.customers[4][4] = "1,2O0"  # text in a measure
    spec.customers[0][9] = "last week"  # not a date
    path = write(tmp_path / "book.xlsx", spec)
    model = read_book(path).model
    columnar = TableSource(path).table("tblCustomers")
    assert isinstance(columnar.rows, ColumnarRows)
    rows = RawTable(columnar.name, columnar.sheet, columnar.top, columnar.left, columnar.headers,
                    [list(row) for row in columnar.rows])
    by_columns, by_rows = IssueList(), IssueList()
    frame_c, _ = read_customers(columnar, model, by_columns)
    frame_r, _ = read_customers(rows, model, by_rows)
    pd.testing.assert_frame_equal(frame_c, frame_r)
    assert by_columns == by_rows
    assert [str(i.ref) for i in by_columns.errors] == ["Customers!A4", "Customers!D5", "Customers!J2",
                                                        "Customers!E6"]

"""Tables read as Arrow columns (fastexcel) give exactly what the cell-by-cell reader gives.

Every table of each book is read both ways and compared value by value; a book holding
text that fastexcel would take for a blank, or a column it cannot type exactly, must be
read cell by cell, so its odd cells are still reported where they are.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from xlscore.workbook.arrow_tables import ArrowColumn, exact_sheets
from xlscore.workbook.package import Package
from xlscore.workbook.reader import read_book
from xlscore.workbook.tables import ColumnarRows, RawTable, TableSource

from ..fixtures.books import BookSpec, write


def _sources(path: Path) -> tuple[TableSource, TableSource]:
    with Package.open(path) as pkg:
        fast = TableSource(path, pkg.last_rows, pkg.tables(), exact_sheets(pkg))
    return fast, TableSource(path)


def _arrow_columns(table: RawTable) -> int:
    assert isinstance(table.rows, ColumnarRows)
    return sum(isinstance(c, ArrowColumn) for c in table.rows._source)


def _same_tables(path: Path) -> dict[str, int]:
    """Compare every table read both ways; returns table name -> columns read as Arrow."""
    fast, slow = _sources(path)
    arrow: dict[str, int] = {}
    for name in slow._names.values():
        a, b = fast.table(name), slow.table(name)
        assert (a.name, a.sheet, a.top, a.left, a.headers) == (b.name, b.sheet, b.top, b.left, b.headers), name
        assert len(a.rows) == len(b.rows), name
        for col in range(len(a.headers)):
            got, want = a.column(col), b.column(col)
            assert [(type(v), v) for v in got] == [(type(v), v) for v in want], f"{name} column {a.headers[col]}"
            assert a.kinds(col) == b.kinds(col), f"{name} column {a.headers[col]}"
        assert a.data_rows() == b.data_rows(), name
        arrow[name] = _arrow_columns(a)
    return arrow


def _spec(rows: list[list[Any]]) -> BookSpec:
    spec = BookSpec()
    spec.customers = rows
    return spec


def test_a_clean_book_is_read_as_arrow_columns_with_the_same_values(tmp_path: Path) -> None:
    spec = _spec([
        ["K001", "Acme", "Ann", None, 6000, 12, 4, 80, "yes", date(2026, 1, 10)],
        [None, None, None, None, None, None, None, None, None, None],
        ["K002", "Bolt", "Ben", "Partner", 1000.5, 9.99, 2, 90, "no", datetime(2026, 2, 1, 9, 30)],
        ["K003", "  ", "Ann", "", 999.99, None, None, None, "yes", None],
    ] + [[f"K{i:04d}", f"Co {i}", "Cid", None, float(i), 10, 3, 60, "y", date(2026, 3, 3)] for i in range(4, 60)])
    arrow = _same_tables(write(tmp_path / "book.xlsx", spec))
    assert arrow["tblCustomers"] == 10  # every column of the customers came as Arrow


def test_dates_all_whole_days_come_as_dates_like_calamine(tmp_path: Path) -> None:
    spec = _spec([["K1", "A", "Ann", None, 1, 1, 1, 1, "yes", date(1950, 5, 6)],
                  ["K2", "B", "Ann", None, 2, 2, 2, 2, "yes", date(2026, 12, 31)]])
    _same_tables(write(tmp_path / "book.xlsx", spec))
    book = read_book(tmp_path / "book.xlsx")
    assert [str(d.date()) for d in book.customers["Last contact"]] == ["1950-05-06", "2026-12-31"]


@pytest.mark.parametrize("odd", ["n/a", "NA", "null", "None", "nan", " N/A "])
def test_a_word_fastexcel_reads_as_blank_sends_the_book_cell_by_cell(tmp_path: Path, odd: str) -> None:
    spec = _spec([["K1", "A", "Ann", None, odd, 1, 1, 1, "yes", None],
                  ["K2", "B", "Ann", None, 5.0, 2, 2, 2, "yes", None]])
    path = write(tmp_path / "book.xlsx", spec)
    assert _same_tables(path)["tblCustomers"] == 0
    book = read_book(path)
    assert [str(i.ref) for i in book.issues.errors] == ["Customers!E2"]  # the text is reported, not blanked


def test_error_cells_read_the_same_both_ways(tmp_path: Path) -> None:
    spec = _spec([["K1", "A", "Ann", None, "#N/A", 1, 1, 1, "yes", None],  # openpyxl stores these as error cells
                  ["K2", "B", "Ann", None, 5.0, "#DIV/0!", 2, 2, "yes", None]])
    _same_tables(write(tmp_path / "book.xlsx", spec))


@pytest.mark.parametrize("odd", [time(9, 30), "12", True, datetime(2026, 1, 1)])
def test_a_column_mixing_types_is_read_cell_by_cell(tmp_path: Path, odd: object) -> None:
    spec = _spec([["K1", "A", "Ann", None, odd, 1, 1, 1, "yes", None],
                  ["K2", "B", "Ann", None, 5.0, 2, 2, 2, "yes", None]])
    path = write(tmp_path / "book.xlsx", spec)
    assert _same_tables(path)["tblCustomers"] == 0
    assert [str(i.ref) for i in read_book(path).issues.errors] == ["Customers!E2"]


def test_the_shipped_demo_and_template_read_the_same_both_ways(tmp_path: Path) -> None:
    from xlscore.templates.demo import write_demo_book

    demo = tmp_path / "demo.xlsx"
    write_demo_book(demo, 300)
    assert _same_tables(demo)["tblCustomers"] > 0
    template = Path(__file__).resolve().parents[2] / "workbook_templates" / "xlscore-template-en.xlsx"
    _same_tables(template)

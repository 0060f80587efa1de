"""The demo's column-wise generation and the streamed rows under a built book's tables."""

from __future__ import annotations

import stat
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.table import Table

from xlscore.templates.build import fill_table
from xlscore.templates.demo import demo_customers, demo_rows, demo_workbook
from xlscore.templates.demo_orders import demo_orders
from xlscore.templates.tablerows import TableRows, save_with_rows

AS_OF = date(2026, 11, 1)


def _book_with_table_at_b3() -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data & more"
    ws["A1"] = "a title above the table"
    table = Table(displayName="tblData", ref="B3:E4")
    ws.add_table(table)
    for j, text in enumerate(("Name", "Amount", "Day", "Kind"), start=2):
        ws.cell(3, j, text)
    return wb


def test_rows_go_under_the_header_with_blanks_dates_and_escaped_text(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    names = pa.array(["plain", "a <b> & c", None, "=not a formula"])
    amounts = np.array([1.5, np.nan, 3.0, -2.25])
    days = np.array(["2026-01-31", "NaT", "1999-12-31", "2026-11-01"], dtype="datetime64[D]")
    kinds = pa.DictionaryArray.from_arrays(pa.array([0, 1, None, 0]), pa.array(["yes", "no"]))
    written: list[int] = []
    save_with_rows(_book_with_table_at_b3(), path, [TableRows("tblData", [names, amounts, days, kinds],
                                                               dates=frozenset({2}))], written.append)
    assert sum(written) == 4
    ws = load_workbook(path)["Data & more"]
    assert ws.tables["tblData"].ref == "B3:E7"
    assert ws["A1"].value == "a title above the table"
    rows = [[c.value for c in row] for row in ws["B4:E7"]]
    assert rows == [
        ["plain", 1.5, datetime(2026, 1, 31), "yes"],
        ["a <b> & c", None, None, "no"],
        [None, 3, datetime(1999, 12, 31), None],
        ["=not a formula", -2.25, datetime(2026, 11, 1), "yes"],
    ]
    assert ws["D4"].number_format == "yyyy-mm-dd" and ws["C4"].number_format == "General"
    assert ws["E7"].data_type == "s" and ws["B7"].data_type == "s"  # text stays text
    assert stat.S_IMODE(path.stat().st_mode) & 0o044  # readable like any saved file, not a temp file's 0600


def test_no_rows_keeps_one_blank_row_in_the_table(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    empty = np.zeros(0)
    save_with_rows(_book_with_table_at_b3(), path, [TableRows("tblData", [empty, empty, empty, empty])])
    assert load_workbook(path)["Data & more"].tables["tblData"].ref == "B3:E4"


def test_an_unknown_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="tblNope"):
        save_with_rows(_book_with_table_at_b3(), tmp_path / "x.xlsx", [TableRows("tblNope", [np.zeros(1)])])


def test_the_order_log_stops_before_a_history_that_would_pass_the_limit() -> None:
    sales = demo_customers(400, 5).sales
    full = demo_orders(sales, 5, AS_OF)
    capped = demo_orders(sales, 5, AS_OF, limit=1000)
    counts = np.bincount(full.customer, minlength=400)
    whole = int(np.searchsorted(np.cumsum(counts), 1000, side="right"))
    assert len(capped.customer) == counts[:whole].sum() <= 1000 < counts[:whole + 1].sum()
    assert set(capped.customer.tolist()) == set(range(whole))  # whole histories, customers in ID order
    keys = capped.day.astype(np.int64) * 1000 + capped.customer
    assert (np.diff(keys) >= 0).all()  # sorted by day, then customer
    assert capped.day.max() <= np.datetime64(AS_OF) and capped.day.min() >= np.datetime64("2024-11-03")


def test_the_openpyxl_demo_book_holds_the_same_customers(tmp_path: Path) -> None:
    wb = demo_workbook(25, 4, "zh", AS_OF)
    ws = wb["客户"]
    rows = [[c.value for c in row] for row in ws[ws.tables["tblCustomers"].ref]][1:]
    expected = demo_rows(25, 4, "zh", AS_OF)
    as_dates = [[v.date() if isinstance(v, datetime) else v for v in row] for row in rows]
    assert as_dates == expected
    assert expected[0][:2] == ["C00001", "华东贸易1号"] and isinstance(expected[0][9], int)


def test_fill_table_still_writes_texts_as_texts() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    table = Table(displayName="tblT", ref="A1:A2")
    fill_table(ws, table, ["H"], [["=1+1"]])
    assert ws["A2"].data_type == "s"

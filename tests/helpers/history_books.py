"""The history test book (six customers rated directly) and readers of its tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import python_calamine as calamine
from openpyxl import load_workbook

from tests.fixtures.books import BookSpec, write
from xlscore.templates.build import fill_table

HEAD = ["Customer ID", "Customer", "Owner", "Profile", "Rating", "Approved", "Last contact"]


RATINGS: dict[str, dict[str, float]] = {
    "2026-Q1": {"K01": 90, "K02": 85, "K03": 60, "K04": 55, "K05": 40, "K06": 30},
    "2026-Q2": {"K01": 90, "K02": 70, "K03": 82, "K04": 55, "K05": 52, "K07": 95},
    "2026-Q3": {"K01": 75, "K02": 72, "K03": 88, "K04": 20, "K05": 81, "K06": 65, "K08": 45, "K09": 85},
}


OWNERS = {"K01": "Ann", "K02": "Ben", "K03": "Ann", "K04": "Cid", "K05": "Ben", "K06": "Ann", "K07": "Cid",
          "K08": "Ben", "K09": "Ann"}


# The last day of each quarter: the run's date when the period is recorded.
QUARTER_END = {"2026-Q1": date(2026, 3, 31), "2026-Q2": date(2026, 6, 30), "2026-Q3": date(2026, 9, 30)}


def customer_rows(period: str, last_contact: date = date(2026, 3, 1)) -> list[list[Any]]:
    return [[cid, f"Customer {cid}", OWNERS[cid], None, rating, "yes", last_contact]
            for cid, rating in RATINGS[period].items()]


def spec(rows: list[list[Any]] | None = None) -> BookSpec:
    return BookSpec(
        indicators=[["Rating", "direct", "zero", "no", ""]],
        weight_head=["Indicator", "Default"],
        weights=[["Rating", 100]],
        bands=[],
        tiers=[["A", 80, None, "Visit monthly", 30, "1F4E79"],
               ["B", 50, None, "Call quarterly", 90, "2E75B6"],
               ["C", 0, None, "Newsletter", 180, "9DC3E6"]],
        customer_head=list(HEAD),
        customers=rows if rows is not None else customer_rows("2026-Q1"),
    )


def new_book(path: Path, rows: list[list[Any]] | None = None) -> Path:
    return write(path, spec(rows))


def set_table(path: Path, sheet: str, table_name: str, head: list[str], rows: list[list[Any]]) -> None:
    """Replace the rows of one table of an existing book (keeping every other sheet)."""
    wb = load_workbook(path)
    ws = wb[sheet]
    for row in ws.iter_rows():
        for cell in row:
            cell.value = None
    fill_table(ws, ws.tables[table_name], head, rows)
    wb.save(path)


def set_customers(path: Path, rows: list[list[Any]]) -> None:
    set_table(path, "Customers", "tblCustomers", HEAD, rows)


def table_rows(path: Path, name: str) -> tuple[list[str], list[list[Any]]]:
    book = calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    table = book.get_table_by_name(name)
    return [str(c) for c in table.columns], [list(r) for r in table.to_python()]


def records(path: Path, name: str) -> list[dict[str, Any]]:
    head, rows = table_rows(path, name)
    return [dict(zip(head, row, strict=True)) for row in rows]

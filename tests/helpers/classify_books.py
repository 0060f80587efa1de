"""The classification test book (the standard fixture plus purchase columns and the classify tables)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tests.fixtures.books import CUSTOMER_HEAD, BookSpec, build
from xlscore.analysis import analyse
from xlscore.classify.labels import SETTINGS_TABLES
from xlscore.templates.build import fill_table

AS_OF = date(2026, 6, 30)


# Column M keeps the template's date format (its Last contact cell): a date goes there.
EXTRA_HEAD = ["Orders (12 months)", "Referrals", "Last purchase", "Service cost (k)"]


EXTRA: dict[str, list[Any]] = {
    "K001": [12, 0, date(2026, 6, 30), 10],
    "K002": [3, 5, date(2026, 4, 1), 5],
    "K003": [None, None, None, None],
    "K004": [5, 1, date(2026, 3, 31), 60],
    "K005": [8, 0, date(2025, 6, 29), 5],
}


K006: list[Any] = ["K006", "Fox", "Cid", None, 2000, 15, 1, 70, "yes", date(2026, 5, 5), 8, 0, date(2025, 6, 30), 20]


TYPES: list[list[Any]] = [["High value", "Score >= 70", ""],
         ["Word of mouth", "Referrals >= 3 and Sales < 1500", ""],
         ["Maintenance", "Service cost (k) >= 50 and Score < 60", ""],
         ["Sleeping", "Lifecycle = dormant", ""],
         ["Ordinary", None, ""]]


NINE: list[list[Any]] = [["Value", "Score", 40, 70, ""], ["Potential", "Activity", 40, 70, ""]]


def spec() -> BookSpec:
    s = BookSpec()
    s.customer_head = [*CUSTOMER_HEAD, *EXTRA_HEAD]
    s.customers = [[*row, *EXTRA[row[0]]] for row in s.customers] + [list(K006)]
    return s


def set_table(wb: Workbook, key: str, rows: list[list[Any]], headers: list[str] | None = None) -> None:
    """Replace the rows of one of our template tables (the English template's sheet)."""
    spec_ = SETTINGS_TABLES[key]
    ws = wb[spec_.sheet_en]
    table = ws.tables[spec_.table]
    head = headers or [c.value for c in ws[1] if c.value is not None]
    for row in ws.iter_rows():
        for cell in row:
            cell.value = None
    fill_table(ws, table, head, rows)


def write_book(path: Path, edit: Any = None, *, drop: tuple[str, ...] = ()) -> Path:
    wb = build(spec())
    set_table(wb, "settings", [["Last purchase column", "Last purchase", ""],
                               ["Frequency column", "Orders (12 months)", ""],
                               ["Monetary column", "Sales", ""],
                               ["As of date", AS_OF, ""]])
    set_table(wb, "types", TYPES)
    set_table(wb, "ninebox", NINE)
    for key in drop:
        del wb[SETTINGS_TABLES[key].sheet_en]
    if edit:
        edit(wb)
    wb.save(path)
    return path


def by_id(path: Path) -> dict[str, dict[str, Any]]:
    analysis = analyse(path)
    assert analysis.ok, [str(i) for i in analysis.issues.errors]
    assert analysis.result is not None
    return {str(r["Customer ID"]): {str(k): v for k, v in r.items()} for r in analysis.result.to_dict("records")}


def write_zh_book(path: Path, customers: int = 40) -> Path:
    """The Chinese demo book with a purchase date (the first customer never bought) and an order count."""
    from xlscore.templates.build import customer_headers
    from xlscore.templates.content import content
    from xlscore.templates.demo import demo_rows, demo_workbook

    wb = demo_workbook(customers, 3, "zh")
    ws = wb["客户"]
    rows = [[*row[:-4], date(2026, 10, 1 + i % 28), 1 + i % 7, *row[-2:]]
            for i, row in enumerate(demo_rows(customers, 3, "zh"))]
    rows[0][-4:-2] = [None, None]
    headers = customer_headers(content("zh"), "zh")  # ends with 最近购买日期, 近12个月订单数, …
    fill_table(ws, ws.tables["tblCustomers"], headers, rows)
    wb.save(path)
    return path

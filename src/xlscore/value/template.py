"""The Orders sheet of the template (an empty tblOrders) and the demo book's order log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from xlscore.templates.build import fill_table
from xlscore.value.columns import ORDERS_SHEETS, ORDERS_TABLE
from xlscore.workbook.layout import Lang

__all__ = ["add_orders_sheet", "demo_orders", "fill_orders"]

_HEADERS = {"en": ("Customer ID", "Order date", "Amount"), "zh": ("客户编号", "订单日期", "金额")}
_ROWS = 5000  # rows the date check covers


def _sheet_name(lang: Lang) -> str:
    return ORDERS_SHEETS[0] if lang == "en" else ORDERS_SHEETS[1]


def add_orders_sheet(wb: Workbook, lang: Lang) -> None:
    """Orders: Customer ID, Order date, Amount; one row per order line (xlscore value reads it)."""
    ws = wb.create_sheet(_sheet_name(lang))
    table = Table(displayName=ORDERS_TABLE, ref="A1:C2")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium7", showRowStripes=True)
    fill_table(ws, table, _HEADERS[lang], [])
    ws.add_table(table)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABC", (14, 14, 14), strict=True):
        ws.column_dimensions[letter].width = width
    prompt = "the day of the order" if lang == "en" else "订单日期"
    check = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                           showErrorMessage=True, errorTitle="xlscore", error=prompt, showInputMessage=True,
                           promptTitle="xlscore", prompt=prompt)
    check.add(f"B2:B{_ROWS}")
    ws.add_data_validation(check)


def demo_orders(customers: Sequence[tuple[str, float | None]], seed: int, today: date) -> list[list[Any]]:
    """Two years of order lines up to ``today`` drawn from the BG/NBD and Gamma-Gamma processes.

    ``customers`` are (Customer ID, yearly sales in thousands or None): bigger customers buy more often.
    Every customer bought first in the first 300 days; some have dropped out since.
    """
    rng = np.random.default_rng(seed)
    start = today - timedelta(days=728)
    rows: list[list[Any]] = []
    for cid, sales in customers:
        size = float(sales) if sales else 50.0
        rate = float(np.clip(size / 300.0, 0.03, 1.2) * rng.gamma(2.0, 0.5))  # purchases a week while active
        drop = float(rng.beta(1.0, 10.0))
        nu = float(rng.gamma(4.0, 1 / 400.0))  # spend per order: Gamma(6, ν), about 800 on average
        day = int(rng.integers(0, 300))
        while day <= 728:
            rows.append([cid, start + timedelta(days=day), round(float(rng.gamma(6.0, 1 / nu)), 2)])
            if len(rows) > 1 and rows[-2][0] == cid and rng.random() < drop:
                break
            day += 1 + int(rng.exponential(7.0 / rate))
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows


def fill_orders(wb: Workbook, lang: Lang, rows: list[list[Any]]) -> None:
    ws = wb[_sheet_name(lang)]
    table = ws.tables[ORDERS_TABLE]
    fill_table(ws, table, _HEADERS[lang], rows)
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "yyyy-mm-dd"

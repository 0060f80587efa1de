"""The Orders sheet of the template (an empty tblOrders), and filling it in a book openpyxl builds."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from xlscore.templates.build import fill_table
from xlscore.value.columns import ORDERS_SHEETS, ORDERS_TABLE
from xlscore.workbook.layout import Lang

__all__ = ["add_orders_sheet", "fill_orders"]

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


def fill_orders(wb: Workbook, lang: Lang, rows: list[list[Any]]) -> None:
    ws = wb[_sheet_name(lang)]
    table = ws.tables[ORDERS_TABLE]
    fill_table(ws, table, _HEADERS[lang], rows)
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "yyyy-mm-dd"

"""The Overrides sheet of the template: tblOverrides with its header and drop-downs."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from xlscore.history.names import OVERRIDES, Lang, name
from xlscore.templates.build import fill_table
from xlscore.workbook.layout import HEADERS, TABLES

__all__ = ["add_overrides_sheet"]

_ROWS = 2000  # rows the drop-downs and date check cover


def add_overrides_sheet(wb: Workbook, lang: Lang) -> None:
    """Overrides sheet: Customer ID, Tier (from tblTiers), Reason, Approved by, Expires (a date)."""
    ws = wb.create_sheet(OVERRIDES.sheet(lang))
    headers = [name(key, lang) for key in ("customer_id", "tier", "reason", "approved_by", "expires")]
    table = Table(displayName=OVERRIDES.table, ref="A1:E2")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium4", showRowStripes=True)
    fill_table(ws, table, headers, [])
    ws.add_table(table)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (14, 14, 48, 18, 12), strict=True):
        ws.column_dimensions[letter].width = width
    for row in range(2, 3):
        ws[f"E{row}"].number_format = "yyyy-mm-dd"
    tier_header = HEADERS["tier"][0 if lang == "en" else 1]
    prompt = ("a tier of the Tiers sheet" if lang == "en" else "层级表中的层级")
    tiers = DataValidation(type="list", formula1=f'INDIRECT("{TABLES["tiers"].table}[{tier_header}]")',
                           allow_blank=True, showInputMessage=True, promptTitle="xlscore", prompt=prompt)
    tiers.add(f"B2:B{_ROWS}")
    ws.add_data_validation(tiers)
    date_prompt = ("the last day the override holds (blank = until deleted)" if lang == "en"
                   else "调整有效的最后一天（空白 = 一直有效直到删除）")
    expires = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                             showErrorMessage=True, errorTitle="xlscore", error=date_prompt,
                             showInputMessage=True, promptTitle="xlscore", prompt=date_prompt)
    expires.add(f"E2:E{_ROWS}")
    ws.add_data_validation(expires)

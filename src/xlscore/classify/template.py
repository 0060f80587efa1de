"""The classification tables in the template (openpyxl) and as sheets added to an existing book.

:func:`add_template_sheets` is registered in ``TEMPLATE_ADDONS``; :func:`default_sheets`
serves ``xlscore classify --add-defaults``, which writes the same tables (without the
drop-downs) into a book made before they existed.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from xlscore.classify.defaults import DefaultTable, default_table
from xlscore.classify.labels import SETTINGS_TABLES
from xlscore.templates.build import fill_table, list_validation
from xlscore.workbook.layout import Lang
from xlscore.workbook.sheetdata import Column, OutputSheet, OutputTable

__all__ = ["TEMPLATE_ORDER", "add_template_sheets", "default_sheets"]

# Settings first: it names the Customers columns the other tables rely on.
TEMPLATE_ORDER = ("settings", "lifecycle", "types", "segments", "ninebox")
_TEXT_ROWS = 200  # rows of R/F/M cells pre-formatted as text in the template


def add_template_sheets(wb: Workbook, lang: Lang) -> None:
    """Append one sheet per classification table, styled like the model sheets."""
    for key in TEMPLATE_ORDER:
        spec, content = SETTINGS_TABLES[key], default_table(key, lang)
        ws = wb.create_sheet(spec.sheet(lang))
        table = Table(displayName=spec.table, ref="A1:A2")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        for col in content.text_columns:
            letter = get_column_letter(col + 1)
            for row in range(2, _TEXT_ROWS + 2):
                ws[f"{letter}{row}"].number_format = "@"
        fill_table(ws, table, content.headers, content.rows)
        ws.add_table(table)
        ws.freeze_panes = "A2"
        for j, width in enumerate(content.widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = width
        for col, choices in content.choices.items():
            list_validation(ws, col + 1, choices, ", ".join(choices))


def _output_sheet(key: str, content: DefaultTable, lang: Lang) -> OutputSheet:
    spec = SETTINGS_TABLES[key]
    columns = [Column(head, [row[j] for row in content.rows], "text" if j in content.text_columns else "general",
                      width=content.widths[j])
               for j, head in enumerate(content.headers)]
    return OutputSheet(spec.sheet(lang), tables=[OutputTable(spec.table, columns)], freeze_row=2)


def default_sheets(keys: Sequence[str], lang: Lang) -> list[OutputSheet]:
    """The default tables ``keys`` (of SETTINGS_TABLES) as sheets to add to a book."""
    return [_output_sheet(key, default_table(key, lang), lang) for key in TEMPLATE_ORDER if key in keys]

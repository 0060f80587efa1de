"""Build the template workbook with openpyxl (a new file: nothing of a user's to lose).

Every model sheet holds one styled Excel Table with a frozen header and drop-down
validations for the columns with a fixed vocabulary.
"""

from __future__ import annotations

import importlib
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from xlscore.templates.content import TemplateContent, content
from xlscore.workbook.atomic import Replaced, write_file_atomically
from xlscore.workbook.layout import TABLES, Lang, header

__all__ = [
    "TEMPLATE_ADDONS", "build_template", "customer_headers", "fill_table", "list_validation", "save_deterministic",
    "save_template",
]

_FIXED_TIME = datetime(2026, 1, 1)

# "module:function" of functions (wb: Workbook, lang: Lang) -> None that add optional sheets
# of a feature (overrides, lifecycle rules, ...) to the template, in this order.
TEMPLATE_ADDONS: tuple[str, ...] = ("xlscore.history.template:add_overrides_sheet",
                                    "xlscore.classify.template:add_template_sheets",
                                    "xlscore.value.template:add_orders_sheet")
_VALIDATION_ROWS = 5000


def _words(lang: Lang, en: str, zh: str) -> str:
    return en if lang == "en" else zh


def customer_headers(c: TemplateContent, lang: Lang) -> list[str]:
    measures = list(dict.fromkeys(row[1] for row in c.bands))
    direct = [row[0] for row in c.indicators if row[1] in ("direct", "打分")]
    return [header("customer_id", lang), header("customer", lang), header("owner", lang), header("profile", lang),
            *measures, *direct, header("approved", lang), header("last_contact", lang), *c.extra_columns]


def fill_table(ws: Worksheet, table: Table, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Write header + rows at A1 and size the table to them (one blank row when there are none)."""
    for j, text in enumerate(headers, start=1):
        ws.cell(1, j, text)
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(i, j)
            if isinstance(value, str) and value.startswith("="):
                cell.value = value
                cell.data_type = "s"  # text, never a formula
            else:
                cell.value = value  # also None: ws.cell(i, j, None) would keep an old value
    last_row = 1 + max(len(rows), 1)
    table.ref = f"A1:{get_column_letter(len(headers))}{last_row}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref
    table.tableColumns = []  # rebuilt from the header cells on save


def _sheet(wb: Workbook, key: str, lang: Lang, headers: Sequence[str], rows: Sequence[Sequence[Any]],
           widths: Sequence[float]) -> Worksheet:
    spec = TABLES[key]
    ws = wb.create_sheet(spec.sheet(lang))
    table = Table(displayName=spec.table, ref="A1:A2")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    fill_table(ws, table, headers, rows)
    ws.add_table(table)
    ws.freeze_panes = "A2"
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    return ws


def list_validation(ws: Worksheet, column: int, choices: Sequence[str], prompt: str) -> None:
    letter = get_column_letter(column)
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="xlscore", error=prompt, promptTitle="xlscore",
                        prompt=prompt, showInputMessage=True)
    dv.add(f"{letter}2:{letter}{_VALIDATION_ROWS}")
    ws.add_data_validation(dv)


def build_template(lang: Lang = "en") -> Workbook:
    c = content(lang)
    wb = Workbook()
    guide = wb.active
    assert guide is not None
    guide.title = _words(lang, "Start here", "使用说明")
    for i, line in enumerate(c.guide, start=1):
        guide.cell(i, 1, line).font = Font(bold=i == 1, size=14 if i == 1 else 11)
    guide.column_dimensions["A"].width = 120

    ws = _sheet(wb, "indicators", lang, [header(k, lang) for k in
                ("indicator", "method", "if_missing", "needs_approval", "description")], c.indicators,
                [24, 12, 12, 16, 70])
    list_validation(ws, 2, _words(lang, "banded,direct", "分段,打分").split(","), "banded or direct")
    list_validation(ws, 3, _words(lang, "zero,exclude,error", "零分,排除,报错").split(","),
                     "zero, exclude or error")
    list_validation(ws, 4, _words(lang, "yes,no", "是,否").split(","), "yes or no")

    _sheet(wb, "weights", lang, [header("indicator", lang), *c.profiles], c.weights, [24, *[14] * len(c.profiles)])
    _sheet(wb, "bands", lang, [header(k, lang) for k in ("indicator", "measure", "from", "to", "points")],
           c.bands, [24, 32, 12, 12, 10])
    _sheet(wb, "tiers", lang, [header(k, lang) for k in
           ("tier", "min_score", "top_share", "policy", "follow_up_days", "color", "min_coverage")], c.tiers,
           [14, 12, 14, 60, 16, 12, 18])

    headers = customer_headers(c, lang)
    n_extra = len(c.extra_columns)
    ws = _sheet(wb, "customers", lang, headers, [],
                [14, 28, 16, 14, *[16] * (len(headers) - 6 - n_extra), 12, 14, *[16] * n_extra])
    list_validation(ws, headers.index(header("profile", lang)) + 1, c.profiles, "a weight profile (blank = first)")
    list_validation(ws, headers.index(header("approved", lang)) + 1, _words(lang, "yes,no", "是,否").split(","),
                     "yes or no")
    for addon in TEMPLATE_ADDONS:
        module, _, name = addon.partition(":")
        getattr(importlib.import_module(module), name)(wb, lang)
    wb.defined_names["xlscoreTemplateVersion"] = DefinedName("xlscoreTemplateVersion", attr_text='"1"')
    wb.properties.creator = "xlscore"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    return wb


def save_deterministic(wb: Workbook, path: Path, backups: int = 0) -> Replaced:
    """Save so that the same workbook gives the same bytes (fixed times, sorted zip entries),
    atomically: the complete file or nothing."""
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    result = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(result, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    return write_file_atomically(path, result.getvalue(), backups)


def save_template(path: Path, lang: Lang = "en", backups: int = 0) -> Replaced:
    """Write the empty template; ``backups`` > 0 keeps a file it replaces as ``.bak1``."""
    return save_deterministic(build_template(lang), path, backups)

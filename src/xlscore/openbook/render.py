"""An :class:`OutputSheet` as what a workbook open in Excel needs: one block of values and a few boxes.

The block starts at A1 and covers every table and free cell, so the whole sheet is written
with one range assignment. Values are in the form a range assignment takes: text carries a
leading apostrophe (Excel would otherwise turn "00123" into a number or "=x" into a
formula), formulas start with "=", links are ``HYPERLINK`` formulas (so they are written
in the same assignment), dates are ``datetime``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from xlscore.workbook.sheetdata import BarChart, CellValue, ColumnFormat, Formula, OutputSheet

__all__ = ["NUMBER_FORMATS", "ChartPlan", "PlannedSeries", "SheetImage", "TableBox", "chart_plan", "excel_value",
           "render_sheet", "stored_value"]

NUMBER_FORMATS: dict[ColumnFormat, str] = {
    "number2": "0.00",
    "integer": "0",
    "date": "yyyy-mm-dd",
    "percent1": "0.0%",
    "text": "@",
}
TEXT_PREFIX = "'"
_FILE_ONLY_PREFIXES = ("_xlfn._xlws.", "_xlfn.", "_xlws.")  # the file form; Excel's UI form has none


@dataclass(frozen=True)
class TableBox:
    """An Excel Table to create or resize: header row at (top, left), ``n_rows`` data rows."""

    name: str
    top: int
    left: int
    headers: tuple[str, ...]
    n_rows: int
    style: str

    @property
    def bottom(self) -> int:
        """Last row; a table keeps one (empty) data row when it has none."""
        return self.top + max(self.n_rows, 1)

    @property
    def right(self) -> int:
        return self.left + len(self.headers) - 1


@dataclass(frozen=True)
class PlannedSeries:
    name: str
    values: str  # absolute range on the sheet, e.g. $B$4:$B$6
    colors: tuple[str, ...]  # hex RGB: one for the series, or one per point
    visible: bool = True


@dataclass(frozen=True)
class ChartPlan:
    title: str
    categories: str
    series: tuple[PlannedSeries, ...]
    grouping: Literal["clustered", "stacked", "percentStacked"]
    horizontal: bool
    anchor_row: int
    anchor_col: int
    width_cols: int
    height_rows: int

    @property
    def xlwings_type(self) -> str:
        shape = "bar" if self.horizontal else "column"
        return {"clustered": f"{shape}_clustered", "stacked": f"{shape}_stacked",
                "percentStacked": f"{shape}_stacked_100"}[self.grouping]


@dataclass(frozen=True)
class SheetImage:
    name: str
    values: list[list[Any]]  # from A1; empty for an empty sheet
    tables: tuple[TableBox, ...]
    number_formats: tuple[tuple[int, int, int, str], ...]  # (first row, last row, column, format code)
    column_widths: dict[int, float] = field(default_factory=dict)
    chart: ChartPlan | None = None


def _link_formula(location: str, shown: Any) -> str:
    text = "" if shown is None else str(shown)
    return '=HYPERLINK("#{}","{}")'.format(location.replace('"', '""'), text.replace('"', '""'))


def _formula_text(formula: Formula) -> str:
    text = formula.text
    for prefix in _FILE_ONLY_PREFIXES:
        text = text.replace(prefix, "")
    return "=" + text


def excel_value(value: CellValue | Any, link: str | None = None) -> Any:
    """One cell as a range assignment takes it."""
    if isinstance(value, Formula):
        return _formula_text(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = None
    elif hasattr(value, "item") and not isinstance(value, str | date):  # numpy scalar
        value = value.item()
    if link:
        return _link_formula(link, value)
    if isinstance(value, str):
        return TEXT_PREFIX + value if value else None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def stored_value(assigned: Any) -> Any:
    """What a cell holds after a range assignment of ``assigned`` (text without its apostrophe)."""
    if isinstance(assigned, str) and assigned.startswith(TEXT_PREFIX):
        return assigned[len(TEXT_PREFIX):]
    if isinstance(assigned, int) and not isinstance(assigned, bool):
        return float(assigned)
    return assigned


def chart_plan(chart: Any) -> ChartPlan | None:
    """The pyramid (:class:`BarChart`) or any chart of named series (SeriesChart), in one shape."""
    if chart is None:
        return None
    if isinstance(chart, BarChart):
        # An invisible spacer series in front of the counts centres each bar: a pyramid.
        series: tuple[PlannedSeries, ...] = (PlannedSeries("Spacer", chart.spacer, ("FFFFFF",), visible=False),
                  PlannedSeries(chart.series_name, chart.values, tuple(chart.colors)))
        grouping: Literal["clustered", "stacked", "percentStacked"] = "stacked"
        horizontal = True
    else:
        series = tuple(PlannedSeries(s.name, s.values, (s.color,)) for s in chart.series)
        grouping = chart.grouping
        horizontal = bool(chart.horizontal)
    return ChartPlan(chart.title, chart.categories, series, grouping, horizontal, chart.anchor_row,
                     chart.anchor_col, chart.width_cols, chart.height_rows)


def render_sheet(sheet: OutputSheet) -> SheetImage:
    cells: dict[tuple[int, int], Any] = {}
    boxes: list[TableBox] = []
    formats: list[tuple[int, int, int, str]] = []
    for table in sheet.tables:
        boxes.append(TableBox(table.name, table.row, table.col, tuple(c.header for c in table.columns),
                              table.n_rows, table.style))
        for j, column in enumerate(table.columns):
            col = table.col + j
            cells[table.row, col] = excel_value(column.header)
            links = column.links or [None] * len(column.values)
            for i, (value, link) in enumerate(zip(column.values, links, strict=True)):
                cells[table.row + 1 + i, col] = excel_value(value, link)
            if column.fmt in NUMBER_FORMATS and table.n_rows:
                formats.append((table.row + 1, table.row + table.n_rows, col, NUMBER_FORMATS[column.fmt]))
    for cell in sheet.cells:
        cells[cell.row, cell.col] = excel_value(cell.value, cell.link)
    widths = dict(sheet.column_widths)
    for table in sheet.tables:
        for j, column in enumerate(table.columns):
            if column.width is not None:
                widths.setdefault(table.col + j, column.width)
    height = max((r for r, _ in cells), default=0)
    width = max((c for _, c in cells), default=0)
    values = [[cells.get((r, c)) for c in range(1, width + 1)] for r in range(1, height + 1)]
    return SheetImage(sheet.name, values, tuple(boxes), tuple(formats), widths, chart_plan(sheet.chart))

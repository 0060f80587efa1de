"""The open-book interface on a workbook open in Excel, through xlwings (its BSD part).

Reads: one ``Range.value`` per Excel Table (header included). Writes: one ``Range.value``
assignment per sheet (see :mod:`xlscore.openbook.render`), then the tables are created or
resized, number formats and widths set, and the chart created or refreshed through xlwings'
chart API. Excel-only finishing touches that xlwings' API does not cover (an invisible
spacer series, one colour per bar) go through the native object where there is one
(Windows) and are skipped elsewhere.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

import xlwings as xw

from xlscore.openbook.base import Selection
from xlscore.openbook.render import ChartPlan, PlannedSeries, TableBox, render_sheet
from xlscore.workbook.sheetdata import OutputSheet
from xlscore.workbook.tables import RawTable

__all__ = ["CHART_NAME", "XlwingsBook"]

CHART_NAME = "xlscoreChart"
_POINTS_PER_COLUMN = 48.0  # Excel's default column width (8.43 characters) in points
_POINTS_PER_ROW = 15.0
_MESSAGE_BOX_LIMIT = 1000  # Excel's MsgBox shows at most 1,024 characters


def _rgb(hex_color: str) -> tuple[int, int, int]:
    text = hex_color.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _bgr(hex_color: str) -> int:
    """The colour as a Windows COLORREF (what the native chart objects take)."""
    red, green, blue = _rgb(hex_color)
    return red + (green << 8) + (blue << 16)


class XlwingsBook:
    """An open Excel workbook; implements :class:`xlscore.openbook.base.OpenBook`."""

    def __init__(self, book: xw.Book) -> None:
        self._book = book
        self._tables: dict[str, tuple[xw.Sheet, Any]] | None = None

    @property
    def name(self) -> str:
        return str(self._book.name)

    @property
    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self._book.sheets]

    def _table_index(self) -> dict[str, tuple[xw.Sheet, Any]]:
        if self._tables is None:
            self._tables = {table.name.casefold(): (sheet, table)
                            for sheet in self._book.sheets for table in sheet.tables}
        return self._tables

    def table_names(self) -> list[str]:
        return [table.name for _, table in self._table_index().values()]

    def read_table(self, name: str) -> RawTable:
        sheet, table = self._table_index()[name.casefold()]
        rng = table.range
        if table.show_totals:  # the Total Row is not a customer
            rows, columns = rng.shape
            rng = rng.resize(rows - 1, columns)
        values = rng.options(ndim=2, err_to_str=True).value  # the one read
        headers = tuple("" if h is None else str(h).strip() for h in values[0])
        return RawTable(table.name, sheet.name, rng.row, rng.column, headers, values[1:])

    def write_sheet(self, sheet: OutputSheet) -> None:
        image = render_sheet(sheet)
        target = self._sheet(image.name)
        target.clear_contents()
        if image.values:
            target.range((1, 1)).value = image.values  # the one assignment
        for box in image.tables:
            self._put_table(target, box)
        self._tables = None  # tables may have been added
        for first, last, col, code in image.number_formats:
            target.range((first, col), (last, col)).number_format = code
        for col, width in image.column_widths.items():
            target.range((1, col)).column_width = width
        if image.chart is not None:
            self._put_chart(target, image.chart)
        self._freeze(target, sheet.freeze_row)

    def activate(self, sheet: str) -> None:
        self._book.sheets[sheet].activate()

    def selection(self) -> Selection | None:
        selected = self._book.selection
        if selected is None:
            return None
        cell = selected[0, 0]
        return Selection(cell.sheet.name, cell.row, cell.column, cell.value)

    def notify(self, message: str) -> None:
        text = message if len(message) <= _MESSAGE_BOX_LIMIT else message[:_MESSAGE_BOX_LIMIT - 1] + "…"
        self._book.app.alert(text, title="xlscore")

    def status(self, message: str) -> None:
        self._book.app.status_bar = message

    def new_book_from(self, template: Path) -> XlwingsBook:
        app = self._book.app
        try:  # Windows: File > New from a template, an unsaved copy ("xlscore-en1")
            app.api.Workbooks.Add(str(template))
            return XlwingsBook(app.books.active)
        except Exception:  # no native Workbooks.Add (macOS): open the template file itself
            return XlwingsBook(app.books.open(str(template)))

    # -- writing helpers ----------------------------------------------------------------------

    def _sheet(self, name: str) -> xw.Sheet:
        if name in self.sheet_names:
            return self._book.sheets[name]
        return self._book.sheets.add(name, after=self._book.sheets[-1])

    def _put_table(self, target: xw.Sheet, box: TableBox) -> None:
        rng = target.range((box.top, box.left), (box.bottom, box.right))
        found = self._table_index().get(box.name.casefold())
        if found is not None:
            sheet, table = found
            if sheet.name == target.name and (table.range.row, table.range.column) == (box.top, box.left):
                table.resize(rng)  # keeps formulas elsewhere that refer to the table working
                return
            table.api.Unlist()  # moved or on another sheet: turn it back into a plain range
        target.tables.add(source=rng, name=box.name, table_style_name=box.style)

    def _put_chart(self, target: xw.Sheet, plan: ChartPlan) -> None:
        anchor = target.range((plan.anchor_row, plan.anchor_col))
        width, height = plan.width_cols * _POINTS_PER_COLUMN, plan.height_rows * _POINTS_PER_ROW
        chart = next((c for c in target.charts if c.name == CHART_NAME), None)
        if chart is None:
            chart = target.charts.add(left=anchor.left, top=anchor.top, width=width, height=height,
                                      name=CHART_NAME)
        else:  # refresh in place: the user's own tweaks to the frame survive
            chart.left, chart.top, chart.width, chart.height = anchor.left, anchor.top, width, height
        try:
            chart.set_source_data(target.range(",".join(s.values for s in plan.series)), plot_by="columns")
        except Exception:  # a multi-area source is refused (macOS): plot the visible series only
            visible = [s for s in plan.series if s.visible]
            plan = replace(plan, series=tuple(visible))
            chart.set_source_data(target.range(visible[0].values), plot_by="columns")
        chart.chart_type = plan.xlwings_type
        chart.set_x_axis_values(target.range(plan.categories))
        chart.title = plan.title
        chart.legend.visible = len([s for s in plan.series if s.visible]) > 1
        if plan.horizontal:
            chart.category_axis.reverse_order = True  # first category (top tier) on top
        for planned, series in _match_series(plan, list(chart.series)):
            series.name = planned.name
            series.fill_color = _rgb(planned.colors[0])
            with suppress(Exception):  # native chart objects: Windows only
                _native_series_touches(series.api, planned.visible, planned.colors)

    def _freeze(self, target: xw.Sheet, freeze_row: int) -> None:
        if freeze_row < 2:
            return
        with suppress(Exception):  # xlwings' freeze_panes is not implemented for desktop Excel
            target.activate()
            window = self._book.app.api.ActiveWindow
            window.FreezePanes = False
            window.SplitColumn, window.SplitRow = 0, freeze_row - 1
            window.FreezePanes = True


def _match_series(plan: ChartPlan, series: list[Any]) -> list[tuple[PlannedSeries, Any]]:
    """Pair planned series with the chart's, by the range in each series formula where Excel
    shows it (Windows), else in order (Excel may order the areas of a multi-area source)."""
    def formula(one: Any) -> str:
        try:
            return str(one.api.Formula).replace("$", "").casefold()
        except Exception:
            return ""

    by_range = {formula(one): one for one in series}
    pairs = []
    for position, planned in enumerate(plan.series):
        wanted = planned.values.replace("$", "").casefold()
        match = next((one for text, one in by_range.items() if text and wanted in text), None)
        if match is None and position < len(series):
            match = series[position]
        if match is not None:
            pairs.append((planned, match))
    return pairs


def _native_series_touches(series: Any, visible: bool, colors: tuple[str, ...]) -> None:
    if not visible:
        series.Format.Fill.Visible = False
        series.Format.Line.Visible = False
        return
    if len(colors) > 1:
        for i, color in enumerate(colors, start=1):
            with suppress(Exception):  # fewer bars than colours
                series.Points(i).Format.Fill.ForeColor.RGB = _bgr(color)

"""What xlscore writes, described as data: sheets made of tables, free cells and a chart.

Builders (scoring, pyramid, issues, live formulas, history, ...) produce these objects;
:mod:`xlscore.workbook.writer` turns them into parts of the user's workbook. Nothing here
knows about XML.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

__all__ = [
    "ROW",
    "BarChart",
    "CellValue",
    "ChartSeries",
    "Column",
    "ColumnFormat",
    "ColumnValues",
    "Formula",
    "FormulaColumn",
    "FreeCell",
    "OutputSheet",
    "OutputTable",
    "SeriesChart",
    "shown_value",
]


@dataclass(frozen=True)
class Formula:
    """A native Excel formula (text without the leading ``=``) and its cached value.

    The text is written exactly as given: functions newer than Excel 2007 must carry their
    ``_xlfn.`` prefix, structured references must be in the file form
    (``tblCustomers[[#This Row],[Sales]]``).
    """

    text: str
    cached: str | float | int | bool | date | datetime | None = None


ROW = "\x00"  # in a FormulaColumn's template: the number of the cell's own row


def shown_value(value: Any) -> Any:
    """What a formula cell shows for a result: ``""`` where there is none (a formula cannot be blank)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    return value


class FormulaColumn(Sequence[Formula]):
    """One formula filled down a column, as Excel's fill-down (Ctrl+D) makes it.

    ``template`` is the formula text with :data:`ROW` wherever a reference names the cell's
    own row (``$F\x00``); nothing else in it may change from row to row (whole columns,
    absolute cells and structured references do not). ``cached`` holds each row's result
    (None or NaN: the formula shows ``""``); ``row`` is the sheet row of the first value.
    Indexing gives the cell's :class:`Formula`, slicing a shorter FormulaColumn; the writer
    stores the column as one shared formula, without a Python object per cell.
    """

    __slots__ = ("cached", "row", "template")

    def __init__(self, template: str, cached: Sequence[Any] | np.ndarray, row: int) -> None:
        self.template = template
        self.cached = cached
        self.row = row

    def __len__(self) -> int:
        return len(self.cached)

    def text_at(self, index: int) -> str:
        """The formula text of the ``index``-th cell (0-based)."""
        return self.template.replace(ROW, str(self.row + index))

    @overload
    def __getitem__(self, index: int) -> Formula: ...

    @overload
    def __getitem__(self, index: slice) -> FormulaColumn: ...

    def __getitem__(self, index: int | slice) -> Formula | FormulaColumn:
        n = len(self.cached)
        if isinstance(index, slice):
            start, stop, step = index.indices(n)
            if step != 1:
                raise ValueError("a FormulaColumn slices only with step 1")
            return FormulaColumn(self.template, self.cached[start:stop], self.row + start)
        i = operator.index(index)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(index)
        return Formula(self.text_at(i), shown_value(self.cached[i]))

    def __repr__(self) -> str:
        return f"FormulaColumn({self.template!r}, {len(self)} rows from row {self.row})"


# A value of a cell. ``str`` is always written as text (never as a formula, whatever it
# starts with); ``float('nan')`` and ``None`` are blank cells.
CellValue = str | float | int | bool | date | datetime | Formula | None

# The values of a column: a sequence (a FormulaColumn for one formula filled down) or a
# numpy array of plain values.
ColumnValues = Sequence[CellValue] | np.ndarray

# general: as is; number2: 0.00; integer: 0; date: the locale's short date; percent1: 0.0%;
# text: text cell style.
ColumnFormat = Literal["general", "number2", "integer", "date", "percent1", "text"]


@dataclass(frozen=True)
class Column:
    header: str
    values: ColumnValues
    fmt: ColumnFormat = "general"
    width: float | None = None  # in characters; None = fitted to header and a sample of values
    # Hyperlink targets inside the workbook (e.g. "'Bands'!C7"), one per value, None = no link.
    links: Sequence[str | None] | None = None
    # For a table column whose every cell holds the same structured formula: the table's
    # calculatedColumnFormula (text without "="), so Excel fills it into new rows.
    calculated: str | None = None
    # Fill colour (hex RGB like 1F4E79) per value, None = no fill; text turns white on dark fills.
    fills: Sequence[str | None] | np.ndarray | None = None


@dataclass(frozen=True)
class OutputTable:
    """An Excel Table (a real ``<table>`` part) with a header row at (row, col), 1-based."""

    name: str
    columns: Sequence[Column]
    row: int = 1
    col: int = 1
    style: str = "TableStyleMedium2"

    @property
    def n_rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0


@dataclass(frozen=True)
class FreeCell:
    """A single cell outside any table: a title, a note, a label."""

    row: int
    col: int
    value: CellValue
    bold: bool = False
    link: str | None = None
    fill: str | None = None  # hex RGB background


@dataclass(frozen=True)
class BarChart:
    """A native horizontal bar chart drawn as a pyramid: one centred bar per category.

    Ranges are absolute references on the output sheet itself, e.g. ``$A$3:$A$6``; the
    first category is drawn on top. An invisible ``spacer`` series pushes each bar to the
    centre; the visible series is coloured per point (hex RGB like ``1F4E79``).
    """

    title: str
    categories: str
    values: str
    spacer: str
    colors: Sequence[str]
    anchor_row: int = 1  # top-left cell of the chart frame, 1-based
    anchor_col: int = 1
    width_cols: int = 8
    height_rows: int = 18
    series_name: str = "Customers"


@dataclass(frozen=True)
class ChartSeries:
    """One series of a :class:`SeriesChart`: a name, a range on the sheet, a hex RGB colour."""

    name: str
    values: str
    color: str


@dataclass(frozen=True)
class SeriesChart:
    """A native bar chart of several series over shared categories (e.g. the tier migration).

    Ranges are absolute references on the output sheet itself. ``grouping`` is Excel's:
    side by side, stacked, or stacked to 100 % of each category. Horizontal bars put the
    first category on top.
    """

    title: str
    categories: str
    series: Sequence[ChartSeries]
    grouping: Literal["clustered", "stacked", "percentStacked"] = "clustered"
    horizontal: bool = True
    anchor_row: int = 1  # top-left cell of the chart frame, 1-based
    anchor_col: int = 1
    width_cols: int = 8
    height_rows: int = 18


@dataclass(frozen=True)
class OutputSheet:
    """A sheet xlscore owns: replaced wholesale on every run."""

    name: str
    tables: Sequence[OutputTable] = ()
    cells: Sequence[FreeCell] = ()
    chart: BarChart | SeriesChart | None = None
    freeze_row: int = 0  # rows above this one stay visible when scrolling (0 = none)
    tab_color: str | None = None
    column_widths: dict[int, float] = field(default_factory=dict)  # 1-based column -> width (0 = hidden)
    # Printing: the header row repeated on every page (0 = none), a footer (Excel's &-codes:
    # &A sheet, &P page, &N pages) and whether the sheet always fits one page wide (None:
    # only when it is narrow enough to stay readable).
    print_title_row: int = 0
    footer: str = ""
    fit_width: bool | None = None
    active: bool = False  # the book opens on this sheet

"""A workbook in memory that behaves like an open Excel book, for the macros' tests.

It keeps cells, Excel Tables, charts, number formats and messages, and counts range reads
and writes, so a test can check what a macro left in the book and that it read each table
once and wrote each sheet in one assignment. Values are stored as Excel stores a range
assignment: text without its apostrophe, formulas as ``=...`` text, numbers as float.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlscore.openbook.base import Selection
from xlscore.openbook.render import ChartPlan, render_sheet, stored_value
from xlscore.workbook.layout import TABLES
from xlscore.workbook.refs import CellRef, column_index
from xlscore.workbook.sheetdata import OutputSheet
from xlscore.workbook.tables import RawTable, TableSource

__all__ = ["MemoryBook", "MemoryTable", "xlwings_value"]


@dataclass
class MemoryTable:
    name: str
    sheet: str
    top: int
    left: int
    bottom: int
    right: int
    style: str = "TableStyleMedium2"


@dataclass
class MemoryBook:
    """An open workbook in memory; implements :class:`xlscore.openbook.base.OpenBook`."""

    name: str = "Book1.xlsx"
    cells: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)
    tables: dict[str, MemoryTable] = field(default_factory=dict)  # by name, case-folded
    charts: dict[str, ChartPlan] = field(default_factory=dict)  # by sheet
    number_formats: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)  # sheet -> cell -> code
    column_widths: dict[str, dict[int, float]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)  # message boxes, in order
    statuses: list[str] = field(default_factory=list)  # status bar texts, in order
    reads: Counter[str] = field(default_factory=Counter)  # table name -> range reads
    writes: Counter[str] = field(default_factory=Counter)  # sheet name -> range assignments
    active_sheet: str | None = None
    selected: Selection | None = None
    opened: list[MemoryBook] = field(default_factory=list)  # books made by new_book_from

    # -- building a book (tests) ------------------------------------------------------------

    def add_table(self, sheet: str, name: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                  top: int = 1, left: int = 1) -> None:
        """A table as a user would have typed it; values stored as Excel holds them."""
        grid = self.cells.setdefault(sheet, {})
        for j, header in enumerate(headers):
            grid[top, left + j] = header
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    grid[top + 1 + i, left + j] = xlwings_value(value)
        self.tables[name.casefold()] = MemoryTable(name, sheet, top, left, top + max(len(rows), 1),
                                                   left + len(headers) - 1)

    @classmethod
    def from_file(cls, path: Path, name: str | None = None) -> MemoryBook:
        """The model and customer tables of a workbook file, at their places."""
        source = TableSource(path)
        book = cls(name or path.name)
        for sheet in source.sheet_names:
            book.cells.setdefault(sheet, {})
        for spec in TABLES.values():
            if source.has(spec.table):
                table = source.table(spec.table)
                book.add_table(table.sheet, table.name, table.headers, table.rows, table.top, table.left)
        return book

    def value(self, sheet: str, address: str) -> Any:
        letters = "".join(ch for ch in address if ch.isalpha())
        return self.cells.get(sheet, {}).get((int(address[len(letters):]), column_index(letters)))

    def table_values(self, name: str) -> list[list[Any]]:
        """Header and data rows of a table as they are in the book now (no read counted)."""
        t = self.tables[name.casefold()]
        grid = self.cells[t.sheet]
        return [[grid.get((r, c)) for c in range(t.left, t.right + 1)] for r in range(t.top, t.bottom + 1)]

    def select(self, sheet: str, address: str) -> None:
        letters = "".join(ch for ch in address if ch.isalpha())
        ref = CellRef(sheet, int(address[len(letters):]), column_index(letters))
        self.selected = Selection(sheet, ref.row, ref.col, self.value(sheet, address))

    # -- OpenBook ----------------------------------------------------------------------------

    @property
    def sheet_names(self) -> list[str]:
        return list(self.cells)

    def table_names(self) -> list[str]:
        return [t.name for t in self.tables.values()]

    def read_table(self, name: str) -> RawTable:
        values = self.table_values(name)
        self.reads[name] += 1
        t = self.tables[name.casefold()]
        headers = tuple("" if h is None else str(h).strip() for h in values[0])
        return RawTable(t.name, t.sheet, t.top, t.left, headers, values[1:])

    def write_sheet(self, sheet: OutputSheet) -> None:
        image = render_sheet(sheet)
        grid = self.cells.setdefault(image.name, {})
        grid.clear()
        for r, row in enumerate(image.values, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    grid[r, c] = stored_value(value)
        self.writes[image.name] += 1
        for key in [k for k, t in self.tables.items() if t.sheet == image.name]:
            del self.tables[key]  # the sheet is replaced wholesale, its tables with it
        for box in image.tables:
            self.tables[box.name.casefold()] = MemoryTable(box.name, image.name, box.top, box.left, box.bottom,
                                                           box.right, box.style)
        formats = self.number_formats.setdefault(image.name, {})
        formats.clear()
        for first, last, col, code in image.number_formats:
            formats.update({(r, col): code for r in range(first, last + 1)})
        self.column_widths[image.name] = dict(image.column_widths)
        if image.chart is not None:
            self.charts[image.name] = image.chart
        else:
            self.charts.pop(image.name, None)

    def activate(self, sheet: str) -> None:
        if sheet not in self.cells:
            raise KeyError(sheet)
        self.active_sheet = sheet

    def selection(self) -> Selection | None:
        return self.selected

    def notify(self, message: str) -> None:
        self.messages.append(message)

    def status(self, message: str) -> None:
        self.statuses.append(message)

    def new_book_from(self, template: Path) -> MemoryBook:
        book = MemoryBook.from_file(template, name=f"Book{len(self.opened) + 2}")
        self.opened.append(book)
        return book


def xlwings_value(value: Any) -> Any:
    """A typed cell as xlwings reads it: numbers as float, dates as datetime, the rest as is."""
    if isinstance(value, bool) or value is None or isinstance(value, str | datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float):
        return float(value)
    return value

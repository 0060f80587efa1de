"""Where everything of an :class:`OutputSheet` goes: blocks of cells, limits, column widths.

A sheet is laid out as rectangular blocks: each table's header row, each table's data,
each free cell. Blocks may not overlap. Checks run before anything is written, so a sheet
that cannot be stored fails with a message naming it and leaves every file untouched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from xlscore.errors import WorkbookError
from xlscore.workbook.refs import column_letter
from xlscore.workbook.sheetdata import CellValue, ColumnFormat, Formula, FormulaColumn, OutputSheet, OutputTable

__all__ = [
    "MAX_COLS",
    "MAX_ROWS",
    "Block",
    "ColumnSource",
    "as_values",
    "blocks_of",
    "check_sheet",
    "column_widths",
    "table_bounds",
    "value_at",
]

MAX_ROWS = 1_048_576
MAX_COLS = 16_384
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_TABLE_NAME = re.compile(r"^[A-Za-z_\\][\w.\\]*$")
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|[RrCc])$")


@dataclass(frozen=True)
class ColumnSource:
    """One column of one block: the values and how they look."""

    values: Sequence[Any] | np.ndarray
    fmt: ColumnFormat = "general"
    links: Sequence[str | None] | None = None
    bold: bool = False
    fills: Sequence[str | None] | np.ndarray | None = None


@dataclass(frozen=True)
class Block:
    row: int  # first row, 1-based
    col: int  # first column, 1-based
    n_rows: int
    columns: tuple[ColumnSource, ...]
    what: str  # for messages: "table tblScoring", "cell B2"

    @property
    def last_row(self) -> int:
        return self.row + self.n_rows - 1

    @property
    def last_col(self) -> int:
        return self.col + len(self.columns) - 1


def as_values(values: Sequence[Any] | Any) -> Sequence[Any] | np.ndarray:
    """A sliceable, positional view of a column (pandas objects become numpy arrays)."""
    to_numpy = getattr(values, "to_numpy", None)
    if callable(to_numpy):
        return np.asarray(to_numpy())
    if isinstance(values, list | tuple | np.ndarray | FormulaColumn):
        return values
    return list(values)


def table_bounds(table: OutputTable) -> tuple[int, int, int, int]:
    """(first row, first col, last row, last col) of the table's ref, header included.

    A table without data rows keeps one blank data row: Excel does not accept a table
    made of its header alone.
    """
    last_row = table.row + max(table.n_rows, 1)
    return table.row, table.col, last_row, table.col + len(table.columns) - 1


def blocks_of(sheet: OutputSheet) -> list[Block]:
    blocks: list[Block] = []
    for table in sheet.tables:
        headers = tuple(ColumnSource([c.header]) for c in table.columns)
        blocks.append(Block(table.row, table.col, 1, headers, f"the header of table {table.name}"))
        if table.n_rows:
            data = tuple(ColumnSource(as_values(c.values), c.fmt, c.links, fills=c.fills) for c in table.columns)
            blocks.append(Block(table.row + 1, table.col, table.n_rows, data, f"table {table.name}"))
    for cell in sheet.cells:
        links = [cell.link] if cell.link else None
        source = ColumnSource([cell.value], "general", links, cell.bold, [cell.fill] if cell.fill else None)
        blocks.append(Block(cell.row, cell.col, 1, (source,), f"cell {column_letter(cell.col)}{cell.row}"))
    return blocks


def check_sheet_name(name: str) -> None:
    if not name or len(name) > 31 or _BAD_SHEET_CHARS.search(name) or name.startswith("'") \
            or name.endswith("'") or name.lower() == "history":
        raise WorkbookError(
            f"'{name}' cannot be an Excel sheet name: it must have 1-31 characters, none of [ ] : * ? / \\, "
            "and must not start or end with an apostrophe or be 'History'."
        )


def check_table_name(name: str) -> None:
    if len(name) > 255 or not _TABLE_NAME.match(name) or _CELL_LIKE.match(name):
        raise WorkbookError(
            f"'{name}' cannot be an Excel table name: it must start with a letter or underscore, hold only "
            "letters, digits, underscores and dots, and not look like a cell reference."
        )


def check_sheet(sheet: OutputSheet) -> None:
    """Everything Excel would refuse, found before any byte is written."""
    check_sheet_name(sheet.name)
    for table in sheet.tables:
        _check_table(sheet.name, table)
    for cell in sheet.cells:
        if not (1 <= cell.row <= MAX_ROWS and 1 <= cell.col <= MAX_COLS):
            raise WorkbookError(f"{sheet.name}: cell at row {cell.row}, column {cell.col} is outside the "
                                f"sheet (Excel has {MAX_ROWS:,} rows and {MAX_COLS:,} columns).")
    rects = [(*table_bounds(t), f"table {t.name}") for t in sheet.tables]
    rects += [(c.row, c.col, c.row, c.col, f"cell {column_letter(c.col)}{c.row}") for c in sheet.cells]
    rects.sort()
    for i, (_, c1, r2, c2, what) in enumerate(rects):
        for s1, d1, _, d2, other in rects[i + 1:]:
            if s1 > r2:
                break
            if d1 <= c2 and c1 <= d2:
                raise WorkbookError(f"{sheet.name}: {what} and {other} overlap; each cell can hold one thing.")


def _check_table(sheet: str, table: OutputTable) -> None:
    check_table_name(table.name)
    if not table.columns:
        raise WorkbookError(f"{sheet}: table {table.name} has no columns.")
    n = table.n_rows
    seen: set[str] = set()
    for column in table.columns:
        if len(column.values) != n:
            raise WorkbookError(f"{sheet}: table {table.name} column '{column.header}' has "
                                f"{len(column.values):,} values, but the first column has {n:,}.")
        if column.links is not None and len(column.links) != n:
            raise WorkbookError(f"{sheet}: table {table.name} column '{column.header}' has "
                                f"{len(column.links):,} links for {n:,} values.")
        header = column.header.strip()
        if not header or len(column.header) > 255:
            raise WorkbookError(f"{sheet}: table {table.name} has a column header {column.header!r}; a "
                                "header must hold 1-255 characters.")
        if header.lower() in seen:
            raise WorkbookError(f"{sheet}: table {table.name} has two columns named '{header}'; "
                                "Excel needs unique column names.")
        seen.add(header.lower())
    first_row, first_col, last_row, last_col = table_bounds(table)
    if first_row < 1 or first_col < 1 or last_col > MAX_COLS:
        raise WorkbookError(f"{sheet}: table {table.name} does not fit in the sheet's {MAX_COLS:,} columns.")
    if last_row > MAX_ROWS:
        raise WorkbookError(
            f"{sheet}: table {table.name} needs rows {first_row:,} to {last_row:,} ({n:,} data rows), but an "
            f"Excel sheet has {MAX_ROWS:,} rows. Nothing was written; split or filter the data."
        )


def value_at(sheet: OutputSheet, row: int, col: int) -> CellValue:
    """The value (a formula's cached value) written at a cell of ``sheet``; None if blank."""
    value: CellValue = None
    for table in sheet.tables:
        if table.col <= col < table.col + len(table.columns):
            column = table.columns[col - table.col]
            if row == table.row:
                value = column.header
            elif table.row < row <= table.row + table.n_rows:
                value = as_values(column.values)[row - table.row - 1]
    for cell in sheet.cells:
        if (cell.row, cell.col) == (row, col):
            value = cell.value
    return value.cached if isinstance(value, Formula) else value


# ------------------------------------------------------------------ widths
_SAMPLE = 400


def column_widths(sheet: OutputSheet) -> dict[int, float]:
    """Column width (in characters) per 1-based column: given, or fitted to the tables."""
    widths: dict[int, float] = {}
    for table in sheet.tables:
        for offset, column in enumerate(table.columns):
            col = table.col + offset
            if column.width is not None:
                width = column.width
            else:
                chars = max(_display_len(column.header) + 3, _sample_len(column.values, column.fmt))
                width = min(max(chars * 1.1 + 1, 8.0), 60.0)
            widths[col] = max(widths.get(col, 0.0), round(width, 2))
    widths.update(sheet.column_widths)
    return widths


def _sample_len(column_values: Sequence[Any] | np.ndarray, fmt: ColumnFormat) -> int:
    values = as_values(column_values)
    n = len(values)
    if n == 0:
        return 0
    idx = range(n) if n <= _SAMPLE else np.linspace(0, n - 1, _SAMPLE).astype(int)
    return max(_shown_len(values[int(i)], fmt) for i in idx)


def _shown_len(value: Any, fmt: ColumnFormat) -> int:
    if isinstance(value, Formula):
        value = value.cached
    if value is None:
        return 0
    if isinstance(value, str):
        return _display_len(value.split("\n", 1)[0])
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    try:
        number = float(value)
    except (TypeError, ValueError):
        return len(str(value))
    if number != number:
        return 0
    shown = {"number2": f"{number:,.2f}", "integer": f"{number:,.0f}", "percent1": f"{number:.1%}"}
    return min(len(shown.get(fmt, f"{number:.10g}")), 12 if fmt == "general" else 20)


def _display_len(text: str) -> int:
    """Characters as shown: East Asian wide characters take two columns."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

"""Excel Tables read from a workbook file as plain values, with the cell of every value.

python-calamine does the cell parsing (fast at a million rows); the package guards of
:mod:`xlscore.workbook.package` run first, so hostile files never reach it. A table read
from a file keeps its values column by column (:class:`ColumnarRows`), so readers of a big
tblCustomers take whole columns without touching every row in Python.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, overload

import numpy as np

from xlscore.errors import WorkbookError
from xlscore.workbook.layout import header_key
from xlscore.workbook.refs import CellRef

__all__ = ["ColumnarRows", "RawTable", "TableSource", "is_blank"]

# Types of values taken as calamine gives them (once its blank cell "" is made None).
_KEPT_TYPES = frozenset({str, float, int, bool, datetime, date, type(None)})


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class ColumnarRows(Sequence[list[Any]]):
    """The rows of a table stored as its columns (equal lengths); a row is assembled on request."""

    def __init__(self, columns: Sequence[list[Any]]) -> None:
        self.columns = list(columns)
        self._n = len(self.columns[0]) if self.columns else 0
        self._kinds: dict[int, frozenset[type]] = {}

    def kinds(self, col: int) -> frozenset[type]:
        """The types of the values of column ``col`` (worked out once: readers ask again and again)."""
        if col not in self._kinds:
            self._kinds[col] = frozenset(map(type, self.columns[col]))
        return self._kinds[col]

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[list[Any]]:
        return (list(row) for row in zip(*self.columns, strict=True))

    @overload
    def __getitem__(self, index: int) -> list[Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[Any]]: ...

    def __getitem__(self, index: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._n))]
        if not -self._n <= index < self._n:
            raise IndexError(index)
        return [column[index] for column in self.columns]


@dataclass(frozen=True)
class RawTable:
    """An Excel Table: header texts and data rows; data row i, column j is at (top+1+i, left+j)."""

    name: str
    sheet: str
    top: int  # 1-based row of the header
    left: int  # 1-based first column
    headers: tuple[str, ...]
    rows: Sequence[Sequence[Any]]

    def ref(self, row: int, col: int) -> CellRef:
        """Cell of data row ``row`` (0-based), column ``col`` (0-based)."""
        return CellRef(self.sheet, self.top + 1 + row, self.left + col)

    def header_ref(self, col: int) -> CellRef:
        return CellRef(self.sheet, self.top, self.left + col)

    def after_last_column(self) -> CellRef:
        """Where a missing column would go: the header cell right of the table."""
        return CellRef(self.sheet, self.top, self.left + len(self.headers))

    def find(self, *names: str) -> int | None:
        """Index of the first column whose header matches any of ``names`` (case/space-insensitive)."""
        keys = [header_key(h) for h in self.headers]
        for name in names:
            key = header_key(name)
            if key in keys:
                return keys.index(key)
        return None

    def data_rows(self) -> list[int]:
        """Indices of rows that hold anything (blank rows in a table are ignored)."""
        if not isinstance(self.rows, ColumnarRows):
            return [i for i, row in enumerate(self.rows) if not all(is_blank(v) for v in row)]
        # Column by column, looking again only at rows blank so far: usually the first
        # column (Customer ID) settles every row.
        blank_so_far: Sequence[int] = range(len(self.rows))
        for column in self.rows.columns:
            blank_so_far = [i for i in blank_so_far if is_blank(column[i])]
            if not blank_so_far:
                return list(range(len(self.rows)))
        blank = set(blank_so_far)
        return [i for i in range(len(self.rows)) if i not in blank]

    def kinds(self, col: int) -> frozenset[type]:
        """The types of the values of column ``col``; a bulk check of a column starts here."""
        if isinstance(self.rows, ColumnarRows) and col < len(self.rows.columns):
            return self.rows.kinds(col)
        return frozenset(map(type, self.column(col)))

    def below(self) -> int:
        """The sheet row right under the table's last row."""
        return self.top + len(self.rows) + 1

    def extended(self, extra: Sequence[Sequence[Any]]) -> RawTable:
        """This table with ``extra`` rows (typed right below it) taken in as data rows."""
        columns = [self.column(j) + [row[j] for row in extra] for j in range(len(self.headers))]
        return replace(self, rows=ColumnarRows(columns))

    def column(self, col: int) -> list[Any]:
        if isinstance(self.rows, ColumnarRows):
            return list(self.rows.columns[col]) if col < len(self.rows.columns) else [None] * len(self.rows)
        return [row[col] if col < len(row) else None for row in self.rows]


class TableSource:
    """Reads Excel Tables of one workbook by name, case-insensitively."""

    def __init__(self, path: Path, last_rows: Mapping[str, int] | None = None) -> None:
        """``last_rows``: the last used row of each sheet, when known, so that looking below a
        table costs nothing when the sheet ends with it."""
        import python_calamine as calamine

        self.path = path
        self._last_rows = dict(last_rows or {})
        try:
            self._book = calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
            self._names = {name.casefold(): name for name in self._book.table_names or []}
        except Exception as exc:  # calamine raises several unrelated types
            raise WorkbookError(f"{path.name}: cannot read the workbook ({exc}); save it from Excel as .xlsx") from exc
        self.sheet_names: list[str] = list(self._book.sheet_names)
        self._replaced: dict[str, RawTable] = {}

    def has(self, name: str) -> bool:
        return name.casefold() in self._names

    def replace_table(self, table: RawTable) -> None:
        """Serve ``table`` for its name from now on (a table grown by ``--extend-tables``)."""
        self._replaced[table.name.casefold()] = table

    def table(self, name: str) -> RawTable:
        if name.casefold() in self._replaced:
            return self._replaced[name.casefold()]
        real = self._names[name.casefold()]
        try:
            table = self._book.get_table_by_name(real)
        except Exception as exc:
            raise WorkbookError(f"{self.path.name}: cannot read table {real} ({exc})") from exc
        start_row, start_col = table.start or (0, 0)
        headers = tuple("" if h is None else str(h).strip() for h in table.columns or [])
        with _collector_paused():
            try:
                rows = table.to_python()
            except Exception as exc:
                raise WorkbookError(f"{self.path.name}: cannot read table {real} ({exc})") from exc
            columns = _columns(rows, len(headers))
        return RawTable(real, table.sheet, start_row, start_col + 1, headers, columns)


    def rows_below(self, table: RawTable) -> list[list[Any]]:
        """Rows holding something right under ``table``, in its columns, up to the first empty row."""
        below = table.below()
        if 0 < self._last_rows.get(table.sheet, 0) < below:  # 0: the scan found no row numbers
            return []
        try:
            sheet = self._book.get_sheet_by_name(table.sheet)
            if sheet.end is None or sheet.end[0] + 1 < below:
                return []
            grid = sheet.to_python(skip_empty_area=False)
        except Exception:  # a sheet calamine cannot read gives its own error where it is read
            return []
        width, first = len(table.headers), table.left - 1
        rows: list[list[Any]] = []
        for cells in grid[below - 1:]:
            values = [_plain(v) for v in cells[first:first + width]]
            values += [None] * (width - len(values))
            if all(is_blank(v) for v in values):
                break
            rows.append(values)
        return rows


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a million new row lists (no cycles among them) would
    set it off again and again, each time walking every object (1.5 s of 3 at 1M rows)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _columns(rows: list[list[Any]], width: int) -> ColumnarRows:
    """The ``width`` columns of calamine's rows, values made plain (see :func:`_plain`).

    Transposed and cleared of calamine's ``""`` blanks in bulk with a numpy object grid;
    only a column holding something unusual (a time of day) is then converted value by value.
    """
    if not rows:
        return ColumnarRows([[] for _ in range(width)])
    if min(map(len, rows)) >= width:
        grid = np.array([row[:width] for row in rows] if max(map(len, rows)) > width else rows, dtype=object)
        grid = grid.reshape(len(rows), width)
        grid[grid == ""] = None
        columns: list[list[Any]] = [grid[:, j].tolist() for j in range(width)]
    else:
        columns = [[row[j] if j < len(row) else None for row in rows] for j in range(width)]
    table = ColumnarRows(columns)
    for j in range(width):
        if not table.kinds(j) <= _KEPT_TYPES:
            table = ColumnarRows([column if table.kinds(k) <= _KEPT_TYPES else [_plain(v) for v in column]
                                  for k, column in enumerate(table.columns)])
            break
    return table


def _plain(value: Any) -> Any:
    """calamine's empty string is a blank cell; times and durations are not expected here."""
    if isinstance(value, str):
        return None if value == "" else value
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, time | timedelta):
        return str(value)
    return value

"""Excel Tables read from a workbook file as plain values, with the cell of every value.

python-calamine does the cell parsing (fast at a million rows); the package guards of
:mod:`xlscore.workbook.package` run first, so hostile files never reach it. A table read
from a file keeps its values column by column (:class:`ColumnarRows`), so readers of a big
tblCustomers take whole columns without touching every row in Python.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, overload

import numpy as np

from xlscore.errors import WorkbookError
from xlscore.workbook.arrow_tables import ArrowColumn, load_arrow_table
from xlscore.workbook.layout import header_key
from xlscore.workbook.memory import release_freed_memory
from xlscore.workbook.package import TableEntry
from xlscore.workbook.refs import CellRef, corners

__all__ = ["ColumnarRows", "RawTable", "TableSource", "is_blank"]

# Types of values taken as calamine gives them (once its blank cell "" is made None).
_KEPT_TYPES = frozenset({str, float, int, bool, datetime, date, type(None)})


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class ColumnarRows(Sequence[list[Any]]):
    """The rows of a table stored as its columns (equal lengths); a row is assembled on request.

    A column is a list of Python values, or an :class:`ArrowColumn` (a table loaded by
    fastexcel) whose Python values are made only when a reader asks for them.
    """

    def __init__(self, columns: Sequence[list[Any] | ArrowColumn]) -> None:
        self._source = list(columns)
        self._n = len(self._source[0]) if self._source else 0
        self._kinds: dict[int, frozenset[type]] = {}

    @property
    def width(self) -> int:
        return len(self._source)

    @property
    def columns(self) -> list[list[Any]]:
        """Every column's Python values."""
        return [self.values(j) for j in range(self.width)]

    def values(self, col: int) -> list[Any]:
        """Column ``col``'s Python values (shared: do not change the list)."""
        column = self._source[col]
        return column.values() if isinstance(column, ArrowColumn) else column

    def numbers(self, col: int) -> np.ndarray | None:
        """Column ``col`` as float64 (NaN = blank) when it is known to hold only numbers and blanks."""
        column = self._source[col]
        return column.numbers() if isinstance(column, ArrowColumn) else None

    def days(self, col: int) -> np.ndarray | None:
        """Column ``col`` as datetime64 (NaT = blank) when it is known to hold only dates and blanks."""
        column = self._source[col]
        return column.days() if isinstance(column, ArrowColumn) else None

    def blank_among(self, col: int, rows: np.ndarray) -> np.ndarray:
        """Of the rows ``rows`` (indices), which hold a blank in column ``col``."""
        column = self._source[col]
        if isinstance(column, ArrowColumn):
            mask: np.ndarray = column.blank()[rows]
            return mask
        return np.fromiter((is_blank(column[i]) for i in rows.tolist()), dtype=bool, count=len(rows))

    def kinds(self, col: int) -> frozenset[type]:
        """The types of the values of column ``col`` (worked out once: readers ask again and again)."""
        if col not in self._kinds:
            column = self._source[col]
            self._kinds[col] = column.kinds if isinstance(column, ArrowColumn) else frozenset(map(type, column))
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
        return [self.values(j)[index] for j in range(self.width)]


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
        blank_so_far = np.arange(len(self.rows))
        for col in range(self.rows.width):
            blank_so_far = blank_so_far[self.rows.blank_among(col, blank_so_far)]
            if not len(blank_so_far):
                return list(range(len(self.rows)))
        keep = np.ones(len(self.rows), dtype=bool)
        keep[blank_so_far] = False
        return np.flatnonzero(keep).tolist()

    def kinds(self, col: int) -> frozenset[type]:
        """The types of the values of column ``col``; a bulk check of a column starts here."""
        if isinstance(self.rows, ColumnarRows) and col < self.rows.width:
            return self.rows.kinds(col)
        return frozenset(map(type, self.column(col)))

    def numbers(self, col: int) -> np.ndarray | None:
        """Column ``col`` as float64 (NaN = blank), when it is known to hold only numbers and blanks."""
        if isinstance(self.rows, ColumnarRows) and col < self.rows.width:
            return self.rows.numbers(col)
        return None

    def days(self, col: int) -> np.ndarray | None:
        """Column ``col`` as datetime64 (NaT = blank), when it is known to hold only dates and blanks."""
        if isinstance(self.rows, ColumnarRows) and col < self.rows.width:
            return self.rows.days(col)
        return None

    def below(self) -> int:
        """The sheet row right under the table's last row."""
        return self.top + len(self.rows) + 1

    def extended(self, extra: Sequence[Sequence[Any]]) -> RawTable:
        """This table with ``extra`` rows (typed right below it) taken in as data rows."""
        columns = [self.column(j) + [row[j] for row in extra] for j in range(len(self.headers))]
        return replace(self, rows=ColumnarRows(columns))

    def column(self, col: int) -> list[Any]:
        if isinstance(self.rows, ColumnarRows):
            return list(self.rows.values(col)) if col < self.rows.width else [None] * len(self.rows)
        return [row[col] if col < len(row) else None for row in self.rows]


class TableSource:
    """Reads Excel Tables of one workbook by name, case-insensitively.

    Tables are loaded as Arrow columns by fastexcel when that is exact (see
    :mod:`xlscore.workbook.arrow_tables`), else cell by cell by python-calamine; a table is
    read once and then served from memory.
    """

    def __init__(self, path: Path, last_rows: Mapping[str, int] | None = None,
                 tables: Sequence[TableEntry] = (), fast_sheets: Set[str] = frozenset()) -> None:
        """``last_rows``: the last used row of each sheet, when known, so that looking below a
        table costs nothing when the sheet ends with it. ``tables``: where each table is
        (the package's table parts); ``fast_sheets``: the sheets whose tables fastexcel reads
        exactly (:func:`xlscore.workbook.arrow_tables.exact_sheets`); other tables are read
        cell by cell."""
        self.path = path
        self._last_rows = dict(last_rows or {})
        self._where = {t.name.casefold(): t for t in tables}
        self._entries = {key: t for key, t in self._where.items() if t.sheet in fast_sheets}
        self._calamine_book: Any = None
        self._fast: Any = _fastexcel_reader(path) if self._entries else None
        try:
            if self._fast is not None:
                names, sheets = list(self._fast.table_names()), list(self._fast.sheet_names)
            else:
                names, sheets = list(self._calamine.table_names or []), list(self._calamine.sheet_names)
        except WorkbookError:
            raise
        except Exception as exc:  # the readers raise several unrelated types
            raise WorkbookError(f"{path.name}: cannot read the workbook ({exc}); save it from Excel as .xlsx") from exc
        self._names = {name.casefold(): name for name in names}
        self.sheet_names: list[str] = sheets
        self._read: dict[str, RawTable] = {}

    @property
    def _calamine(self) -> Any:
        """python-calamine's view of the book, opened on first need."""
        if self._calamine_book is None:
            import python_calamine as calamine

            try:
                self._calamine_book = calamine.CalamineWorkbook.from_path(str(self.path), load_tables=True)
            except Exception as exc:  # calamine raises several unrelated types
                raise WorkbookError(f"{self.path.name}: cannot read the workbook ({exc}); save it from Excel as "
                                    ".xlsx") from exc
        return self._calamine_book

    def has(self, name: str) -> bool:
        return name.casefold() in self._names

    def replace_table(self, table: RawTable) -> None:
        """Serve ``table`` for its name from now on (a table grown by ``--extend-tables``)."""
        self._read[table.name.casefold()] = table

    def table(self, name: str) -> RawTable:
        key = name.casefold()
        if key not in self._read:
            real = self._names[key]
            self._read[key] = self._fast_table(real) or self._calamine_table(real)
        return self._read[key]

    def _fast_table(self, real: str) -> RawTable | None:
        """The table as Arrow columns, or None when only the cell-by-cell reader is exact for it."""
        entry = self._entries.get(real.casefold())
        if self._fast is None or entry is None:
            return None
        with _collector_paused():
            loaded = load_arrow_table(self._fast, entry)
        release_freed_memory()
        if loaded is None:
            return None
        (top, left), _ = corners(entry.ref)
        headers, columns = loaded
        return RawTable(real, entry.sheet, top, left, headers, ColumnarRows(columns))

    def _calamine_table(self, real: str) -> RawTable:
        try:
            table = self._calamine.get_table_by_name(real)
        except WorkbookError:
            raise
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

    def nothing_below(self, name: str) -> bool:
        """Whether the sheet is known to end with table ``name`` (so it need not be read to look below it)."""
        entry = self._where.get(name.casefold())
        if entry is None:
            return False
        try:
            _, (bottom, _) = corners(entry.ref)
        except ValueError:
            return False
        return self._ends_above(entry.sheet, bottom + 1)

    def _ends_above(self, sheet: str, row: int) -> bool:
        """Whether the scan found the sheet's last cell above ``row`` (0: it found none to go by)."""
        return 0 < self._last_rows.get(sheet, 0) < row

    def rows_below(self, table: RawTable) -> list[list[Any]]:
        """Rows holding something right under ``table``, in its columns, up to the first empty row."""
        below = table.below()
        if self._ends_above(table.sheet, below):
            return []
        try:
            sheet = self._calamine.get_sheet_by_name(table.sheet)
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


def _fastexcel_reader(path: Path) -> Any:
    """A fastexcel reader of the book, or None when fastexcel cannot open it (calamine then says why)."""
    try:
        import fastexcel
    except ImportError:  # pragma: no cover - a dependency; the cell-by-cell reader still works
        return None
    # fastexcel logs a warning for every all-blank column ("falling back to string"): not news here
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    try:
        return fastexcel.read_excel(str(path))
    except Exception:
        return None

"""Excel Tables read from a workbook file as plain values, with the cell of every value.

python-calamine does the cell parsing (fast at a million rows); the package guards of
:mod:`xlscore.workbook.package` run first, so hostile files never reach it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from xlscore.errors import WorkbookError
from xlscore.workbook.layout import header_key
from xlscore.workbook.refs import CellRef

__all__ = ["RawTable", "TableSource", "is_blank"]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
        return [i for i, row in enumerate(self.rows) if not all(is_blank(v) for v in row)]

    def column(self, col: int) -> list[Any]:
        return [row[col] if col < len(row) else None for row in self.rows]


class TableSource:
    """Reads Excel Tables of one workbook by name, case-insensitively."""

    def __init__(self, path: Path) -> None:
        import python_calamine as calamine

        self.path = path
        try:
            self._book = calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
            self._names = {name.casefold(): name for name in self._book.table_names or []}
        except Exception as exc:  # calamine raises several unrelated types
            raise WorkbookError(f"{path.name}: cannot read the workbook ({exc}); save it from Excel as .xlsx") from exc
        self.sheet_names: list[str] = list(self._book.sheet_names)

    def has(self, name: str) -> bool:
        return name.casefold() in self._names

    def table(self, name: str) -> RawTable:
        real = self._names[name.casefold()]
        try:
            table = self._book.get_table_by_name(real)
            rows = table.to_python()
        except Exception as exc:
            raise WorkbookError(f"{self.path.name}: cannot read table {real} ({exc})") from exc
        start_row, start_col = table.start or (0, 0)
        headers = tuple("" if h is None else str(h).strip() for h in table.columns or [])
        width = len(headers)
        clean = [[_plain(v) for v in row[:width]] + [None] * (width - len(row)) for row in rows]
        return RawTable(real, table.sheet, start_row, start_col + 1, headers, clean)


def _plain(value: Any) -> Any:
    """calamine's empty string is a blank cell; times and durations are not expected here."""
    if isinstance(value, str):
        return None if value == "" else value
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, time | timedelta):
        return str(value)
    return value

"""Cell references for messages: ``CellRef("Bands", 7, 3)`` prints as ``Bands!C7``."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CellRef", "column_index", "column_letter", "corners", "quote_sheet"]

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    if col < 1:
        raise ValueError(f"column must be >= 1, got {col}")
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = _LETTERS[rem] + out
    return out


def column_index(letters: str) -> int:
    """A -> 1, AA -> 27."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + (ord(ch) - 64)
    return value


_PLAIN_SHEET = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def quote_sheet(sheet: str) -> str:
    """Sheet name as it appears in a formula or hyperlink location."""
    if _PLAIN_SHEET.match(sheet) and not re.match(r"^[A-Za-z]{1,3}\d+$", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True, order=True)
class CellRef:
    """A cell of a sheet, 1-based row and column."""

    sheet: str
    row: int
    col: int

    @property
    def address(self) -> str:
        return f"{column_letter(self.col)}{self.row}"

    @property
    def location(self) -> str:
        """The hyperlink target inside the workbook, e.g. ``'My sheet'!C7``."""
        return f"{quote_sheet(self.sheet)}!{self.address}"

    def with_col(self, col: int) -> CellRef:
        """The cell of the same row in another column."""
        return CellRef(self.sheet, self.row, col)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.address}"


_RANGE = re.compile(r"^([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)$")


def corners(ref: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """``A1:Q101`` -> ((1, 1), (101, 17)): 1-based (row, column) of the first and last cell;
    ValueError if ``ref`` is not such a range."""
    match = _RANGE.match(ref.replace("$", "").strip().upper())
    if match is None:
        raise ValueError(ref)
    c1, r1, c2, r2 = match.groups()
    return (int(r1), column_index(c1)), (int(r2), column_index(c2))

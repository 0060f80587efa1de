"""The open-workbook interface the ribbon macros work through, and its table reader.

A macro never saves and reopens the user's book: it reads the Excel Tables of the open book
(one range read per table) and writes each xlscore sheet back (one range assignment per
sheet). :class:`OpenBook` is that surface; :mod:`xlscore.openbook.xlwings_book` implements
it on Excel, :mod:`xlscore.openbook.memory` in memory for tests on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from xlscore.workbook.sheetdata import OutputSheet
from xlscore.workbook.tables import RawTable

__all__ = ["OpenBook", "OpenBookTables", "Selection"]


@dataclass(frozen=True)
class Selection:
    """The top-left cell of the user's selection."""

    sheet: str
    row: int
    col: int
    value: Any = None


class OpenBook(Protocol):
    """An open workbook, as the macros need it."""

    @property
    def name(self) -> str:
        """The book's file name (or Excel's "Book1" for an unsaved one)."""

    @property
    def sheet_names(self) -> list[str]: ...

    def table_names(self) -> list[str]:
        """Names of every Excel Table in the book."""

    def read_table(self, name: str) -> RawTable:
        """The table's header and rows in one range read (KeyError when there is none)."""

    def write_sheet(self, sheet: OutputSheet) -> None:
        """Create or replace the sheet: values in one range assignment, then tables, formats, chart."""

    def activate(self, sheet: str) -> None: ...

    def selection(self) -> Selection | None: ...

    def notify(self, message: str) -> None:
        """Tell the user something that needs an answer (a message box)."""

    def status(self, message: str) -> None:
        """Tell the user something in passing (the status bar)."""

    def new_book_from(self, template: Path) -> OpenBook:
        """Open a new, unsaved workbook made from the file ``template``."""


class OpenBookTables:
    """The core reader's table source over a workbook open in Excel: each table read at most once."""

    def __init__(self, book: OpenBook) -> None:
        self.book = book
        self.sheet_names: list[str] = list(book.sheet_names)
        self._names = {name.casefold(): name for name in book.table_names()}
        self._read: dict[str, RawTable] = {}

    def has(self, name: str) -> bool:
        return name.casefold() in self._names

    def table(self, name: str) -> RawTable:
        key = name.casefold()
        if key not in self._read:
            self._read[key] = self.book.read_table(self._names[key])
        return self._read[key]

    def path(self) -> Path:
        return Path(self.book.name)

"""The ribbon macros' view of an open workbook: an interface, an Excel and an in-memory implementation.

:class:`XlwingsBook` (``xlscore.openbook.xlwings_book``) is imported only where Excel is
driven, so importing this package stays light.
"""

from __future__ import annotations

from xlscore.openbook.base import OpenBook, OpenBookTables, Selection
from xlscore.openbook.memory import MemoryBook, MemoryTable, xlwings_value

__all__ = ["MemoryBook", "MemoryTable", "OpenBook", "OpenBookTables", "Selection", "xlwings_value"]

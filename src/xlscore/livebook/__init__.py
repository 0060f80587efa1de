"""The ribbon macros' view of an open workbook: an interface, an Excel and an in-memory implementation.

:class:`XlwingsBook` (``xlscore.livebook.xlwings_book``) is imported only where Excel is
driven, so importing this package stays light.
"""

from __future__ import annotations

from xlscore.livebook.base import LiveBook, LiveTables, Selection
from xlscore.livebook.memory import MemoryBook, MemoryTable, xlwings_value

__all__ = ["LiveBook", "LiveTables", "MemoryBook", "MemoryTable", "Selection", "xlwings_value"]

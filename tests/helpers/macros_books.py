"""An in-memory open workbook for the macro tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.fixtures.books import BAND_HEAD, INDICATOR_HEAD, TIER_HEAD, BookSpec
from xlscore.openbook import MemoryBook
from xlscore.workbook.layout import TABLES

TODAY = date(2026, 5, 1)


def memory_book(spec: BookSpec | None = None, name: str = "scoring.xlsx") -> MemoryBook:
    """The standard book open in Excel: every table at A1 of its sheet."""
    spec = spec or BookSpec()
    book = MemoryBook(name)
    for key, head, rows in (("indicators", INDICATOR_HEAD, spec.indicators),
                            ("weights", spec.weight_head, spec.weights), ("bands", BAND_HEAD, spec.bands),
                            ("tiers", TIER_HEAD, spec.tiers), ("customers", spec.customer_head, spec.customers)):
        book.add_table(TABLES[key].sheet_en, TABLES[key].table, head, rows)
    return book


def column(book: MemoryBook, table: str, header: str) -> list[Any]:
    values = book.table_values(table)
    j = values[0].index(header)
    return [row[j] for row in values[1:]]

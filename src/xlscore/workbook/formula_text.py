"""Small pieces of Excel formula text shared by the live sheets: references, literals, tests.

Everything here returns formula text without the leading ``=``. References are A1 style:
absolute for cells of the model sheets (``Bands!$C$7``), ``$`` on the column only for cells
of the same table row (``$F12``), so every row's formula reads the same in R1C1 terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from xlscore.workbook.refs import CellRef, column_letter, quote_sheet

__all__ = [
    "NO_BOUND_HIGH",
    "NO_BOUND_LOW",
    "absolute",
    "absolute_range",
    "concat",
    "if_chain",
    "number",
    "row_cell",
    "structured_column",
    "sum_of",
    "text",
    "whole_column",
    "word_in",
    "yes_value",
]

# Stand-ins for an open band end: any real measure value lies strictly between them.
NO_BOUND_LOW = "-1E+307"
NO_BOUND_HIGH = "1E+307"


def absolute(ref: CellRef) -> str:
    """``Bands!$C$7``: a cell of another sheet that never moves with the formula."""
    return f"{quote_sheet(ref.sheet)}!${column_letter(ref.col)}${ref.row}"


def absolute_range(first: CellRef, last: CellRef) -> str:
    """``Bands!$C$7:$C$9`` (same sheet for both ends)."""
    return f"{absolute(first)}:${column_letter(last.col)}${last.row}"


def structured_column(table: str, header: str) -> str:
    """``tblScoring[[Margin %]]``: a whole table column, special characters escaped with '."""
    escaped = header.replace("'", "''").replace("[", "'[").replace("]", "']").replace("#", "'#")
    return f"{table}[[{escaped}]]"


def whole_column(sheet: str, col: int) -> str:
    """``Customers!$E:$E``: a whole sheet column, so a table that grows stays covered."""
    letter = column_letter(col)
    return f"{quote_sheet(sheet)}!${letter}:${letter}"


def row_cell(col: int, row: int | str) -> str:
    """``$F12``: a cell of the same table row (column fixed, row relative)."""
    return f"${column_letter(col)}{row}"


def text(value: str) -> str:
    """A string literal, inner quotes doubled (Excel's escape for a quote inside a string)."""
    return '"' + value.replace('"', '""') + '"'


def number(value: float) -> str:
    """A numeric literal exactly as Python reads it back (``repr`` of the double)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value)).upper()


def concat(parts: Iterable[str]) -> str:
    """``a&b&c``; the empty text when there are no parts."""
    items = list(parts)
    return "&".join(items) if items else '""'


def sum_of(terms: Sequence[str]) -> str:
    """``a+b+c`` evaluated left to right, like the engine's running sums (``0`` if empty).

    Deliberately not ``SUM()``: LibreOffice's SUM compensates rounding errors, so its
    result can differ in the last bit from the engine's plain left-to-right addition.
    """
    return "+".join(terms) if terms else "0"


def if_chain(cases: Sequence[tuple[str, str]], otherwise: str) -> str:
    """``IF(c1,v1,IF(c2,v2,otherwise))``: the first case that holds wins."""
    formula = otherwise
    for condition, value in reversed(cases):
        formula = f"IF({condition},{value},{formula})"
    return formula


def word_in(expr: str, words: Iterable[str]) -> str:
    """TRUE when the trimmed text of ``expr`` is one of ``words`` (case-insensitive)."""
    listed = ",".join(text(w) for w in dict.fromkeys(words))
    return f"ISNUMBER(MATCH(TRIM({expr}),{{{listed}}},0))"


def yes_value(expr: str, words: Iterable[str]) -> str:
    """TRUE for a yes: the number 1, TRUE, or one of ``words``.

    LibreOffice stores TRUE as the number 1, Excel as a logical: both branches are needed.
    """
    return f"IF(ISNUMBER({expr}),{expr}=1,IF(ISLOGICAL({expr}),{expr},{word_in(expr, words)}))"

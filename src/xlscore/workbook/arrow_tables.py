"""Excel Tables loaded as Arrow columns (fastexcel), for the big tblCustomers.

fastexcel parses a table with calamine (the same Rust parser as python-calamine) and hands
back typed Arrow arrays, so a million-row column of numbers never becomes a million Python
floats: the reader takes it straight into numpy. A column is only turned into Python values
when some reader asks for them (IDs, names, words), and then in one C-speed pass.

The load is strict: a column whose cells mix types (numbers and text, dates and text, a
time of day...) makes :func:`load_arrow_table` return None, and the caller reads the table
the cell-by-cell way, so every odd cell is still reported at its address. Values read
here are exactly the ones python-calamine gives: blank and empty-text cells are None,
whole-day dates are ``date`` and other date-times ``datetime``, numbers are floats.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from xlscore.workbook.package import Package, TableEntry
from xlscore.workbook.refs import corners
from xlscore.workbook.sniff import BLANK_WORD_TEXT

__all__ = ["ArrowColumn", "exact_sheets", "load_arrow_table"]

_MS_PER_DAY = 86_400_000
_FIRST_DAY = datetime(1900, 1, 1)
_FEW_WORDS = 16  # a text column with at most one distinct value per this many rows


class ArrowColumn:
    """One column as an Arrow array; its Python values and the set of their types on request."""

    def __init__(self, array: pa.Array) -> None:
        self.array = array
        self._values: list[Any] | None = None

    def __len__(self) -> int:
        return len(self.array)

    @property
    def kinds(self) -> frozenset[type]:
        typ, kinds = self.array.type, set[type]()
        if self.array.null_count == len(self.array):
            return frozenset({type(None)}) if len(self.array) else frozenset()
        if pa.types.is_string(typ) or pa.types.is_large_string(typ):
            kinds.add(str)
        elif pa.types.is_floating(typ):
            kinds.add(float)
        elif pa.types.is_boolean(typ):
            kinds.add(bool)
        elif pa.types.is_timestamp(typ):
            kinds.update(_date_kinds(self.array))
        if self.array.null_count:
            kinds.add(type(None))
        return frozenset(kinds)

    def values(self) -> list[Any]:
        """The Python values (computed once; callers must not change the list)."""
        if self._values is None:
            self._values = _python_values(self.array)
        return self._values

    def numbers(self) -> np.ndarray | None:
        """Float64 values (NaN for blanks) when the column holds only numbers and blanks."""
        typ = self.array.type
        if pa.types.is_floating(typ) or pa.types.is_null(typ):
            out: np.ndarray = self.array.cast(pa.float64()).to_numpy(zero_copy_only=False)
            return out
        return None

    def days(self) -> np.ndarray | None:
        """datetime64[ms] values (NaT for blanks) when the column holds only dates and blanks."""
        typ = self.array.type
        if pa.types.is_timestamp(typ) or pa.types.is_null(typ):
            out: np.ndarray = self.array.cast(pa.timestamp("ms")).to_numpy(zero_copy_only=False)
            return out
        return None

    def blank(self) -> np.ndarray:
        """Per value: blank (None, or text of only white space)."""
        if pa.types.is_string(self.array.type) or pa.types.is_large_string(self.array.type):
            spaces = pc.utf8_is_space(self.array)
            empty = pc.fill_null(spaces, True)
            out: np.ndarray = empty.to_numpy(zero_copy_only=False)
            return out
        return np.asarray(self.array.is_null().to_numpy(zero_copy_only=False), dtype=bool)


def _date_kinds(array: pa.Array) -> set[type]:
    """``date`` for whole days, ``datetime`` for the rest, as python-calamine types them."""
    ticks = array.cast(pa.int64()).drop_null().to_numpy()
    if len(ticks) == 0:
        return set()
    midnight = ticks % _MS_PER_DAY == 0
    if midnight.all():
        return {date}
    return {date, datetime} if midnight.any() else {datetime}


def _python_values(array: pa.Array) -> list[Any]:
    if pa.types.is_timestamp(array.type):
        kinds = _date_kinds(array)
        if kinds == {date}:
            return list(array.cast(pa.timestamp("ms")).cast(pa.date32()).to_pylist())
        stamps: list[Any] = array.cast(pa.timestamp("ms")).to_pylist()
        if date in kinds:  # whole days among date-times: python-calamine gives those as dates
            return [v.date() if isinstance(v, datetime) and v == datetime(v.year, v.month, v.day) else v
                    for v in stamps]
        return stamps
    if pa.types.is_string(array.type) and len(array) > _FEW_WORDS:
        # A column of a few distinct words (owners, profiles, yes/no) shares one object per word
        encoded = array.dictionary_encode()
        words = encoded.dictionary
        if len(words) <= len(array) // _FEW_WORDS:
            lookup = np.array([*words.to_pylist(), None], dtype=object)
            codes = encoded.indices.fill_null(len(words)).to_numpy(zero_copy_only=False)
            return list(lookup[codes].tolist())
    return list(array.to_pylist())


def _normalised(array: pa.Array | pa.ChunkedArray) -> pa.Array | None:
    """The column as python-calamine's values would be, or None for a type read cell by cell."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    typ = array.type
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        text = array.cast(pa.string())
        empty = pc.equal(text, "")
        if pc.any(empty).as_py():
            text = pc.if_else(empty, pa.scalar(None, pa.string()), text)
        return text
    if pa.types.is_integer(typ) or pa.types.is_floating(typ):
        return array.cast(pa.float64())
    if pa.types.is_boolean(typ) or pa.types.is_null(typ):
        return array
    if (pa.types.is_timestamp(typ) and typ.tz is None) or pa.types.is_date(typ):
        stamps = array.cast(pa.timestamp("ms"))
        earliest = pc.min(stamps).as_py()
        # a time of day comes as a date-time on 1899-12-31: python-calamine gives it as a time
        return None if earliest is not None and earliest < _FIRST_DAY else stamps
    return None  # durations, times of day...: the cell-by-cell reader says what they are


def load_arrow_table(reader: Any, entry: TableEntry) -> tuple[tuple[str, ...], list[ArrowColumn]] | None:
    """Table ``entry``'s headers and columns through a ``fastexcel`` reader, or None when they
    cannot be read exactly: a column mixing types, a header row that is not the table's
    column names, a table without exactly one header row.

    The table's range is read as a sheet range (less memory than fastexcel's table reader).
    """
    try:
        (top, left), (bottom, right) = corners(entry.ref)
    except ValueError:
        return None
    rows, width = bottom - top - entry.totals_row_count, right - left + 1
    if entry.header_row_count != 1 or rows < 1 or len(entry.columns) != width:
        return None
    try:
        sheet = reader.load_sheet(entry.sheet, header_row=top - 1, n_rows=rows,
                                  use_columns=list(range(left - 1, right)), schema_sample_rows=None,
                                  dtype_coercion="strict")
        batch = sheet.to_arrow()
        del sheet  # the parsed cells go now, before the columns are converted
    except Exception:  # fastexcel raises its own types for mixed columns; the caller reads cell by cell
        return None
    headers = tuple(str(n).strip() for n in entry.columns)
    found = [str(n).strip().casefold() for n in batch.schema.names]
    if batch.num_columns != width or batch.num_rows > rows or found != [h.casefold() for h in headers]:
        return None
    columns: list[ArrowColumn] = []
    for array in batch.columns:
        normal = _normalised(array)
        if normal is None:
            return None
        if len(normal) < rows:  # the sheet ends inside the table: its last rows are blank
            normal = pa.concat_arrays([normal, pa.nulls(rows - len(normal), normal.type)])
        columns.append(ArrowColumn(normal))
    return headers, columns


def exact_sheets(pkg: Package) -> set[str]:
    """The sheets whose tables :func:`load_arrow_table` reads exactly as python-calamine does.

    Needs the cell scan of ``Package.open``. fastexcel reads some texts as blanks in a
    column of numbers or dates (``sniff.BLANK_WORDS``): a sheet whose own text cells hold
    one is left out, and every sheet is when the shared strings hold one, or rich text
    (whose runs could spell one).
    """
    for rel in pkg.rels(pkg.workbook_part):
        if rel.kind == "sharedStrings" and not rel.external and pkg.has(rel.target):
            strings = pkg.read(rel.target)
            if b"<r>" in strings or BLANK_WORD_TEXT.search(strings):
                return set()
    return {s.name for s in pkg.sheets() if s.kind == "worksheet"} - pkg.blank_word_sheets

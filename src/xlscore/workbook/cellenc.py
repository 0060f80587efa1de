"""Turn a slice of column values into cell XML fragments, vectorised with pyarrow.

Each value becomes three pieces the sheet emitter joins with the cell reference:
the content (``<v>1.5</v>``, ``<is><t>..</t></is>``, ``<f>..</f><v>..</v>``; null = no
cell), the type attribute (`` t="inlineStr"``...) and a role code that picks the style.
Whole chunks go through pyarrow compute kernels; only columns mixing value types (or
holding formulas) are classified value by value first.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xlscore.errors import WorkbookError
from xlscore.workbook.sheetdata import Formula, FormulaColumn
from xlscore.workbook.xmltext import EXCEL_ERRORS, strip_illegal

__all__ = ["EXCEL_ERRORS", "MAX_CELL_CHARS", "ROLES", "Encoded", "Piece", "as_array", "encode_results", "encode_shared",
           "encode_values", "escape_text"]

MAX_CELL_CHARS = 32_767
MAX_FORMULA_CHARS = 8_192
# Role codes: which style a cell needs, besides its column's format.
PLAIN, TEXT, QUOTED, DATE, DATETIME = range(5)
ROLES = (PLAIN, TEXT, QUOTED, DATE, DATETIME)

_ILLEGAL_RE2 = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])  # the same, in UTF-8...
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # ...with U+FFFE and U+FFFF
_RISKY_START = r"^[=+\-@\t\r]"  # Excel would read these as a formula if typed in
_EXCEL_EPOCH_SERIAL = 25569  # serial number of 1970-01-01
_ARROW_FAIL = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError,
               UnicodeEncodeError, TypeError, ValueError)
_DAY_UNITS = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}

CellName = Callable[[int], str]  # index in the slice -> "Scoring!B7", for messages


Piece: TypeAlias = "pa.Array | str"  # one string per value, or one for all


@dataclass
class Encoded:
    """A cell is ``<c r=".." s=".."`` + t + ``>`` + open + text + close + ``</c>``."""

    text: pa.Array  # the escaped value; null = no cell
    t: Piece = ""  # '' or ' t="..."'
    open: Piece = "<v>"
    close: Piece = "</v>"
    role: np.ndarray | int = PLAIN  # which style the cell needs besides its column's


def _join(*parts: Any) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def as_array(piece: Piece, n: int) -> pa.Array:
    if isinstance(piece, str):
        return pa.array(np.full(n, piece, dtype=object), pa.string())
    return piece


def encode_values(values: Sequence[Any] | np.ndarray, cell_name: CellName, *, cached: bool = False) -> Encoded:
    """Encode a slice of values; ``cached=True`` encodes formulas' cached results."""
    arr = _to_arrow(values)
    if arr is None:
        return _encode_mixed(values, cell_name, cached)
    return _encode_typed(arr, cell_name, cached)


def _to_arrow(values: Sequence[Any] | np.ndarray) -> pa.Array | None:
    try:
        arr = pa.array(values, from_pandas=True)
    except _ARROW_FAIL:
        return None
    if (isinstance(values, np.ndarray) and values.dtype != object) or isinstance(values, pa.Array):
        return arr.cast(pa.float64()) if pa.types.is_decimal(arr.type) else arr  # typed already: no inference
    # pyarrow's inference is lenient: after a leading number it turns True into 1, and
    # after a leading date it drops datetimes' time. Such columns go value by value.
    numeric = pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)
    if numeric or pa.types.is_date32(arr.type):
        types = set(map(type, values))  # a C-speed pass, cheaper than isinstance per value
        if numeric and any(issubclass(t, bool | np.bool_) for t in types):
            return None
        if not numeric and any(issubclass(t, datetime) for t in types):
            return None
    if pa.types.is_decimal(arr.type):
        arr = arr.cast(pa.float64())
    return arr


def _encode_typed(arr: pa.Array, cell_name: CellName, cached: bool) -> Encoded:
    typ = arr.type
    if pa.types.is_null(typ):
        return Encoded(pa.nulls(len(arr), pa.string()))
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        return _encode_text(arr.cast(pa.string()), cell_name, cached)
    if pa.types.is_boolean(typ):
        return Encoded(pc.if_else(arr, "1", "0"), ' t="b"')
    if pa.types.is_floating(typ) or pa.types.is_integer(typ):
        return _encode_number(arr)
    if pa.types.is_date32(typ) or pa.types.is_date64(typ) or pa.types.is_timestamp(typ):
        return _encode_dates(arr, cell_name)
    raise TypeError(f"cannot write values of type {typ} to a cell ({cell_name(0)})")


def _encode_number(arr: pa.Array) -> Encoded:
    if pa.types.is_floating(arr.type):
        arr = arr.cast(pa.float64())
        infinite = pc.is_inf(arr)
        if pc.any(infinite).as_py():
            # Excel has no infinity: show the #NUM! error a failed calculation would
            return Encoded(pc.if_else(infinite, "#NUM!", arr.cast(pa.string())), pc.if_else(infinite, ' t="e"', ""))
    return Encoded(arr.cast(pa.string()))


def escape_text(arr: pa.Array) -> pa.Array:
    """XML-escape strings; drop characters XML cannot carry; keep CR and literal _xHHHH_.

    The raw bytes of the strings are looked at first (at memory speed): a kernel pass runs
    only for a character that is there, and most text has none.
    """
    data = _utf8_bytes(arr)
    if data is None or len(data.translate(None, _CONTROL_BYTES)) < len(data) or any(n in data for n in _NONCHARACTERS):
        arr = pc.replace_substring_regex(arr, _ILLEGAL_RE2, "")
    text = arr
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        if data is None or old.encode() in data:
            text = pc.replace_substring(text, old, new)
    if data is None or b"_x" in data:
        # Excel decodes _xHHHH_ in cell text; escape a literal one so it reads back unchanged
        text = pc.replace_substring_regex(text, r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1")
    return text


def _utf8_bytes(arr: pa.Array) -> bytes | None:
    """The UTF-8 bytes of a string array's values, one after the other (None if not at hand)."""
    if not pa.types.is_string(arr.type):
        return None
    buffers = arr.buffers()
    if len(arr) == 0 or buffers[2] is None:
        return b""
    offsets = np.frombuffer(buffers[1], dtype=np.int32)
    start, end = int(offsets[arr.offset]), int(offsets[arr.offset + len(arr)])
    return bytes(memoryview(buffers[2])[start:end])


def _encode_text(arr: pa.Array, cell_name: CellName, cached: bool) -> Encoded:
    lengths = pc.utf8_length(arr)
    longest = pc.max(lengths).as_py()
    if longest is not None and longest > MAX_CELL_CHARS // 2:
        _check_lengths(arr, np.asarray(lengths.fill_null(0)), cell_name)
    text = escape_text(arr)
    if cached:
        is_error = pc.is_in(arr, value_set=pa.array(EXCEL_ERRORS))
        t = pc.if_else(is_error, ' t="e"', ' t="str"') if pc.any(is_error).as_py() else ' t="str"'
        return Encoded(text, t)
    risky = pc.match_substring_regex(arr, _RISKY_START)
    role: np.ndarray | int = TEXT
    if pc.any(risky).as_py():
        role = np.where(np.asarray(pc.fill_null(risky, False)), QUOTED, TEXT).astype(np.int8)
    # Spaces at either end of a text are kept only when the element says so; most text has
    # none, and leaving the attribute out saves a fifth of a text-heavy sheet's bytes.
    edged = pc.not_equal(pc.utf8_trim_whitespace(arr), arr)
    opening: Piece = "<is><t>"
    if pc.any(edged).as_py():
        opening = pc.if_else(pc.fill_null(edged, False), '<is><t xml:space="preserve">', "<is><t>")
    return Encoded(text, ' t="inlineStr"', opening, "</t></is>", role)


def _check_lengths(arr: pa.Array, lengths: np.ndarray, cell_name: CellName) -> None:
    for i in np.flatnonzero(lengths > MAX_CELL_CHARS // 2):
        value = arr[int(i)].as_py()
        units = len(value.encode("utf-16-le")) // 2  # Excel counts UTF-16 code units
        if units > MAX_CELL_CHARS:
            raise WorkbookError(
                f"{cell_name(int(i))}: text of {units:,} characters is longer than Excel's limit of "
                f"{MAX_CELL_CHARS:,} characters per cell; shorten it (it starts {value[:40]!r})."
            )


def _encode_dates(arr: pa.Array, cell_name: CellName) -> Encoded:
    if pa.types.is_timestamp(arr.type):
        if arr.type.tz is not None:
            arr = pc.local_timestamp(arr)  # the wall-clock time the user sees
        ticks = np.asarray(arr.cast(pa.int64()).fill_null(0), dtype=np.float64)
        serial = ticks / _DAY_UNITS[arr.type.unit] + _EXCEL_EPOCH_SERIAL
    else:
        days = np.asarray(arr.cast(pa.date32()).cast(pa.int32()).fill_null(0), dtype=np.float64)
        serial = days + _EXCEL_EPOCH_SERIAL
    valid = np.asarray(arr.is_valid())
    # Excel's 1900 system counts a 29 February 1900 that never was: serials below 61
    # (before 1900-03-01) are one less than the day count gives.
    serial = np.where(serial < 61, serial - 1, serial)
    too_early = valid & (serial < 1)
    if too_early.any():
        i = int(np.flatnonzero(too_early)[0])
        raise WorkbookError(f"{cell_name(i)}: the date {arr[i].as_py()} is before 1900-01-01, which Excel "
                            "cannot store as a date; correct the date.")
    whole = serial == np.floor(serial)
    role = np.where(whole, DATE, DATETIME).astype(np.int8)
    return Encoded(pa.array(serial, mask=~valid).cast(pa.string()), role=role)


# ------------------------------------------------------------- mixed columns
BLANK, NUM, STR, BOOL, DAY, STAMP, FORMULA = range(7)
_KIND_OF_TYPE: dict[type, int] = {
    str: STR, float: NUM, int: NUM, bool: BOOL, type(None): BLANK, datetime: STAMP, date: DAY,
    Formula: FORMULA, np.float64: NUM, np.int64: NUM, np.bool_: BOOL, np.str_: STR,
}


def _kind(value: Any) -> int:
    kind = _KIND_OF_TYPE.get(type(value))
    if kind is None:
        if isinstance(value, bool | np.bool_):
            kind = BOOL
        elif isinstance(value, str):
            kind = STR
        elif isinstance(value, Formula):
            kind = FORMULA
        elif isinstance(value, datetime | np.datetime64):
            kind = STAMP
        elif isinstance(value, date):
            kind = DAY
        elif isinstance(value, numbers.Real | np.number):
            kind = NUM
        elif value is None or _is_na(value):
            kind = BLANK
        else:
            raise TypeError(f"cannot write a {type(value).__name__} to a cell")
    if kind in (NUM, STAMP) and value != value:  # NaN, NaT
        return BLANK
    return kind


def _is_na(value: Any) -> bool:
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing markers
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def _encode_mixed(values: Sequence[Any] | np.ndarray, cell_name: CellName, cached: bool) -> Encoded:
    items = list(values)
    n = len(items)
    if set(map(type, items)) == {Formula}:  # a formula column: no need to sort values by kind
        return _encode_formulas(items, cell_name)
    try:
        kinds = np.fromiter(map(_kind, items), dtype=np.int8, count=n)
    except TypeError as exc:
        raise TypeError(f"{exc} ({cell_name(0)} and below)") from None
    order_parts: list[np.ndarray] = []
    encoded: list[Encoded] = []
    for kind in np.unique(kinds):
        idx = np.flatnonzero(kinds == kind)
        group = [items[i] for i in idx]

        def group_cell(i: int, idx: np.ndarray = idx) -> str:
            return cell_name(int(idx[i]))

        encoded.append(_encode_group(int(kind), group, group_cell, cached))
        order_parts.append(idx)
    if len(encoded) == 1:
        return encoded[0]
    order = np.concatenate(order_parts)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    take = pa.array(inverse)
    sizes = [len(idx) for idx in order_parts]

    def merged(field: str) -> pa.Array:
        return pa.concat_arrays([as_array(getattr(e, field), k) for e, k in zip(encoded, sizes, strict=True)]
                                ).take(take)

    role = np.concatenate([np.broadcast_to(np.asarray(e.role, np.int8), k) for e, k in zip(encoded, sizes,
                                                                                         strict=True)])
    return Encoded(merged("text"), merged("t"), merged("open"), merged("close"), role[inverse])


def _encode_group(kind: int, group: list[Any], cell_name: CellName, cached: bool) -> Encoded:
    if kind == BLANK:
        return Encoded(pa.nulls(len(group), pa.string()))
    if kind == FORMULA:
        return _encode_formulas(group, cell_name)
    if kind == STR:
        try:
            arr = pa.array(group, pa.string())
        except _ARROW_FAIL:  # lone surrogates cannot be UTF-8: drop them first
            arr = pa.array([strip_illegal(s) for s in group], pa.string())
        return _encode_text(arr, cell_name, cached)
    if kind == NUM:
        return _encode_number(pa.array([float(v) for v in group], pa.float64()))
    if kind == BOOL:
        return _encode_typed(pa.array([bool(v) for v in group], pa.bool_()), cell_name, cached)
    if kind == STAMP:
        stamps = [v.replace(tzinfo=None) if isinstance(v, datetime) else v.astype("datetime64[us]").item()
                  for v in group]
        return _encode_dates(pa.array(stamps, pa.timestamp("us")), cell_name)
    return _encode_dates(pa.array(group, pa.date32()), cell_name)


def _encode_formulas(group: list[Formula], cell_name: CellName) -> Encoded:
    """``<f>`` text plus the cached value's ``<v>``, all as the cell's text."""
    texts = _formula_texts([f.text for f in group], cell_name)
    result = encode_results([f.cached for f in group], cell_name)
    return Encoded(_join("<f>", texts, "</f>", result.open, result.text, result.close), result.t, "", "", result.role)


def _formula_texts(formulas: list[str], cell_name: CellName) -> pa.Array:
    """Formula texts (a leading ``=`` dropped) checked against Excel's length limit and escaped."""
    texts = pa.array([f[1:] if f.startswith("=") else f for f in formulas], pa.string())
    lengths = np.asarray(pc.utf8_length(texts))
    if lengths.max(initial=0) > MAX_FORMULA_CHARS:
        i = int(np.argmax(lengths))
        raise WorkbookError(f"{cell_name(i)}: a formula of {int(lengths[i]):,} characters is longer than Excel's "
                            f"limit of {MAX_FORMULA_CHARS:,}.")
    return escape_text(texts)


def encode_results(values: Sequence[Any] | np.ndarray, cell_name: CellName, *, blank_shows_text: bool = False
                   ) -> Encoded:
    """Formulas' cached results: ``open`` + ``text`` + ``close`` make the ``<v>..</v>`` element,
    ``t`` and ``role`` what the cell needs. A blank (None, NaN, NaT) has no value (empty
    pieces), or with ``blank_shows_text`` the empty text a formula shows for ``""``."""
    result = encode_values(values, cell_name, cached=True)
    cached_role = np.broadcast_to(np.asarray(result.role, np.int8), len(result.text))
    role = np.where(np.isin(cached_role, (DATE, DATETIME)), cached_role, PLAIN).astype(np.int8)
    if not result.text.null_count:
        return Encoded(result.text, result.t, result.open, result.close, role)
    valid = result.text.is_valid()
    text, t = pc.fill_null(result.text, ""), pc.if_else(valid, result.t, ' t="str"' if blank_shows_text else "")
    if blank_shows_text:  # the text "": a plain cell
        return Encoded(text, t, result.open, result.close, np.where(np.asarray(valid), role, PLAIN).astype(np.int8))
    return Encoded(text, t, pc.if_else(valid, result.open, ""), pc.if_else(valid, result.close, ""), role)


def encode_shared(column: FormulaColumn, lo: int, hi: int, si: int, ref: str | None, cell_name: CellName
                  ) -> Encoded:
    """Rows [lo, hi) of a formula filled down, written as Excel writes a shared formula: the
    first cell of the range ``ref`` (given with the chunk holding it, ``lo`` = 0) carries the
    text, every other cell only the number ``si``. The cached values are encoded in bulk."""
    result = _encode_repeated(column.cached[lo:hi], cell_name)
    tag = f'<f t="shared" si="{si}"/>'
    opening: Piece = tag + result.open if isinstance(result.open, str) else _join(tag, result.open)
    if ref is not None:
        # the last row's text is the longest (its row number has the most digits)
        master = _formula_texts([column.text_at(lo), column.text_at(len(column) - 1)], cell_name)[0].as_py()
        first = result.open if isinstance(result.open, str) else result.open[0].as_py()
        head = pa.array([f'<f t="shared" ref="{ref}" si="{si}">{master}</f>{first}'], pa.string())
        opening = pa.concat_arrays([head, as_array(opening, hi - lo)[1:]])
    return Encoded(result.text, result.t, opening, result.close, result.role)


_REPEATABLE = {float, str, type(None)}  # types whose values never compare equal to another type's


def _encode_repeated(values: Sequence[Any] | np.ndarray, cell_name: CellName) -> Encoded:
    """:func:`encode_results` showing blanks as ``""``, encoding each distinct value once when
    a few values repeat (tiers, band points, flag words): the cells take their pieces."""
    n = len(values)
    if n < 256 or (isinstance(values, np.ndarray) and values.dtype != object) \
            or not set(map(type, values)) <= _REPEATABLE or len(set(values[:256])) > 64:
        return encode_results(values, cell_name, blank_shows_text=True)
    items = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(items)  # NaN and None: -1
    zero = [k for k, u in enumerate(uniques) if isinstance(u, float) and u == 0]
    if len(uniques) > n // 16 or (zero and np.signbit(items[codes == zero[0]].astype(np.float64)).any()):
        return encode_results(values, cell_name, blank_shows_text=True)  # many values, or -0.0 beside 0.0

    def first_cell(k: int) -> str:
        return cell_name(int(np.argmax(codes == k)))

    distinct = encode_results([*uniques, None], first_cell, blank_shows_text=True)
    take = np.where(codes < 0, len(uniques), codes)
    role = distinct.role if isinstance(distinct.role, int) else np.asarray(distinct.role)[take]
    picked = pa.array(take)

    def cells(piece: Piece) -> Piece:
        return piece if isinstance(piece, str) else piece.take(picked)

    return Encoded(distinct.text.take(picked), cells(distinct.t), cells(distinct.open), cells(distinct.close), role)

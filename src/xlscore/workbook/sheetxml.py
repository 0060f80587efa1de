"""Stream a worksheet part: sheet XML is emitted chunk by chunk straight into the zip entry.

Rows are produced a few thousand at a time: each column's cells are built in bulk by
:mod:`cellenc` and joined row-wise by pyarrow, and the resulting buffer is written as is.
Memory stays bounded by the chunk, whatever the number of rows.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xlscore.errors import WorkbookError
from xlscore.workbook.cellenc import DATE, DATETIME, QUOTED, Encoded, Piece, encode_shared, encode_values
from xlscore.workbook.refs import column_letter
from xlscore.workbook.sheetdata import ColumnFormat, FormulaColumn, OutputSheet
from xlscore.workbook.sheetlayout import Block, ColumnSource, blocks_of, column_widths
from xlscore.workbook.styles import StyleBook, StyleKey
from xlscore.workbook.xmltext import NS_MAIN, NS_REL, XML_DECL, esc_text, strip_illegal

__all__ = ["FORMAT_CODES", "BackgroundWriter", "SheetRels", "argb", "write_array", "write_sheet"]

FORMAT_CODES: dict[ColumnFormat, str] = {
    "general": "General", "number2": "#,##0.00", "integer": "#,##0", "date": "mm-dd-yy",
    "percent1": "0.0%", "text": "@",
}
_DATETIME_CODE = "m/d/yy h:mm"
_HIDDEN = ' hidden="1"'
CELLS_PER_CHUNK = 131_072
FIT_TO_PAGE_WIDTH = 200  # total column width (characters) up to which printing fits the page width
MAX_HYPERLINKS = 65_530  # Excel's limit per worksheet
_HEX = re.compile(r"^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$")


def argb(color: str, what: str) -> str:
    """``1F4E79`` / ``#1F4E79`` -> ``FF1F4E79`` (opaque ARGB as OOXML wants)."""
    match = _HEX.match(color.strip())
    if not match:
        raise WorkbookError(f"{what}: colour {color!r} is not a hex RGB value like 1F4E79.")
    hexa = match.group(1).upper()
    return hexa if len(hexa) == 8 else "FF" + hexa


@dataclass(frozen=True)
class SheetRels:
    """Relationship ids the sheet part refers to (its rels part is written by the caller)."""

    drawing: str | None = None
    tables: tuple[str, ...] = ()


@dataclass
class _StyleAttrs:
    """``s="n"`` attribute per (fill, role, link) code of one column, allocated on first use.

    code = (fill number * 8 + role) * 2 + link, where fill number 0 is no fill and k is the
    k-th distinct colour of the column.
    """

    source: ColumnSource
    styles: StyleBook
    cache: dict[int, str] = field(default_factory=dict)
    palette: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.source.fills is not None:
            distinct = pd.unique(np.asarray(self.source.fills, dtype=object))
            self.palette = sorted(f for f in distinct if isinstance(f, str) and f)

    def attr(self, code: int) -> str:
        if code not in self.cache:
            rest, link = divmod(code, 2)
            fill, role = divmod(rest, 8)
            num_fmt = FORMAT_CODES[self.source.fmt]
            if role == DATE:
                num_fmt = FORMAT_CODES["date"]
            elif role == DATETIME:
                num_fmt = FORMAT_CODES["date"] if self.source.fmt == "date" else _DATETIME_CODE
            colour = self.palette[fill - 1] if fill else ""
            key = StyleKey(num_fmt, self.source.bold, bool(link), role == QUOTED, colour)
            index = self.styles.index(key)
            self.cache[code] = f' s="{index}"' if index else ""
        return self.cache[code]

    def fill_codes(self, lo: int, hi: int) -> np.ndarray | None:
        if not self.palette or self.source.fills is None:
            return None
        number = {colour: k + 1 for k, colour in enumerate(self.palette)}
        codes, colours = pd.factorize(np.asarray(self.source.fills[lo:hi], dtype=object), use_na_sentinel=True)
        lookup = np.array([number.get(c, 0) for c in colours] + [0], dtype=np.int64)  # -1 (no fill) -> 0
        out: np.ndarray = lookup[codes]
        return out

    def piece(self, role: np.ndarray | int, link: np.ndarray | None, fill: np.ndarray | None = None) -> Piece:
        """The ``s`` attribute: one string when every cell shares it, else one per cell."""
        if link is None and fill is None and isinstance(role, int):
            return self.attr(role * 2)
        codes = np.asarray(role, dtype=np.int64) * 2
        if fill is not None:
            codes = codes + fill * 16
        if link is not None:
            codes = codes + link
        present = np.unique(codes)
        if len(present) == 1:
            return self.attr(int(present[0]))
        # several codes: ``codes`` is one per cell (a scalar role with per-cell links broadcasts)
        lookup = [self.attr(int(c)) if c in present else "" for c in range(int(present.max()) + 1)]
        return pc.take(pa.array(lookup, pa.string()), pa.array(codes))


def write_sheet(out: IO[bytes], sheet: OutputSheet, rels: SheetRels, styles: StyleBook,
                progress: Callable[[int], None] | None = None) -> None:
    """Write the whole worksheet part for ``sheet`` to ``out``.

    Compression (inside ``out.write``) runs in a second thread while the next chunk of rows
    is built: zlib and pyarrow both release the GIL, so the two overlap.
    """
    blocks = blocks_of(sheet)
    attrs = {id(src): _StyleAttrs(src, styles) for b in blocks for src in b.columns}
    shared = _shared_formulas(blocks)
    with BackgroundWriter(out) as sink:
        widths = column_widths(sheet)
        fit = sheet.fit_width if sheet.fit_width is not None else sum(widths.values()) <= FIT_TO_PAGE_WIDTH
        sink.write(_head(sheet, blocks, widths, fit).encode("utf-8"))
        if blocks:
            sink.write(b"<sheetData>")
            for first, stop, active in _chunks(blocks):
                _write_rows(sink, sheet.name, first, stop, active, attrs, shared)
                if progress:
                    progress(stop - first)
            sink.write(b"</sheetData>")
        else:
            sink.write(b"<sheetData/>")
        _write_hyperlinks(sink, blocks)
        sink.write(_tail(rels, fit, sheet.footer).encode("utf-8"))


class BackgroundWriter:
    """Hands buffers to a thread that writes them; errors surface in the caller."""

    def __init__(self, out: IO[bytes], depth: int = 3) -> None:
        self._out = out
        self._queue: queue.Queue[bytes | memoryview | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlscore-sheet-writer", daemon=True)

    def __enter__(self) -> BackgroundWriter:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc is None:
            raise self._error

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._out.write(data)
                except BaseException as exc:  # handed to the caller's thread
                    self._error = exc

    def write(self, data: bytes | memoryview) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(data)


def _head(sheet: OutputSheet, blocks: list[Block], widths: dict[int, float], fit: bool) -> str:
    parts = [XML_DECL, f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">']
    # Printed, a narrow sheet fits the page width (the pyramid and its table stay whole);
    # a wide one keeps its size and runs over several pages rather than becoming unreadable.
    tab = f'<tabColor rgb="{argb(sheet.tab_color, sheet.name + " tab")}"/>' if sheet.tab_color else ""
    fit_tag = '<pageSetUpPr fitToPage="1"/>' if fit else ""
    if tab or fit_tag:
        parts.append(f"<sheetPr>{tab}{fit_tag}</sheetPr>")
    if blocks:
        top = min(b.row for b in blocks)
        left = min(b.col for b in blocks)
        bottom = max(b.last_row for b in blocks)
        right = max(b.last_col for b in blocks)
        parts.append(f'<dimension ref="{column_letter(left)}{top}:{column_letter(right)}{bottom}"/>')
    else:
        parts.append('<dimension ref="A1"/>')
    view = '<sheetView tabSelected="1" workbookViewId="0"' if sheet.active else '<sheetView workbookViewId="0"'
    if sheet.freeze_row > 1:
        split = sheet.freeze_row
        view += (f'><pane ySplit="{split - 1}" topLeftCell="A{split}" activePane="bottomLeft" state="frozen"/>'
                 f'<selection pane="bottomLeft" activeCell="A{split}" sqref="A{split}"/></sheetView>')
    else:
        view += "/>"
    parts.append(f'<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    if widths:
        # width 0 means hidden (as Excel writes it); LibreOffice would show the column otherwise
        cols = "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"{_HIDDEN if w == 0 else ""}/>'
                       for c, w in sorted(widths.items()))
        parts.append(f"<cols>{cols}</cols>")
    return "".join(parts)


def _tail(rels: SheetRels, fit: bool, footer: str = "") -> str:
    setup = ' fitToWidth="1" fitToHeight="0"' if fit else ""
    parts = ['<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.75" header="0.3" footer="0.3"/>'
             f'<pageSetup orientation="landscape"{setup}/>']
    if footer:
        parts.append(f"<headerFooter><oddFooter>{esc_text(footer)}</oddFooter></headerFooter>")
    if rels.drawing:
        parts.append(f'<drawing r:id="{rels.drawing}"/>')
    if rels.tables:
        items = "".join(f'<tablePart r:id="{rid}"/>' for rid in rels.tables)
        parts.append(f'<tableParts count="{len(rels.tables)}">{items}</tableParts>')
    parts.append("</worksheet>")
    return "".join(parts)


def _chunks(blocks: list[Block]) -> Iterator[tuple[int, int, list[Block]]]:
    """Row ranges [first, stop) over which the same blocks are active, split to bound memory."""
    edges = sorted({b.row for b in blocks} | {b.last_row + 1 for b in blocks})
    for first, stop in pairwise(edges):
        active = sorted((b for b in blocks if b.row < stop and b.last_row >= first), key=lambda b: b.col)
        if not active:
            continue
        width = sum(len(b.columns) for b in active)
        step = max(64, min(16_384, CELLS_PER_CHUNK // width))
        for start in range(first, stop, step):
            yield start, min(stop, start + step), active


@dataclass(frozen=True)
class _Shared:
    """A column of one formula filled down, stored as Excel's shared formula number ``si``."""

    si: int
    ref: str  # the range it fills, e.g. E8:E100007


def _shared_formulas(blocks: list[Block]) -> dict[int, _Shared]:
    """Per column source (by id) holding a FormulaColumn over more than one row: its shared formula."""
    shared: dict[int, _Shared] = {}
    for block in blocks:
        for offset, source in enumerate(block.columns):
            if isinstance(source.values, FormulaColumn) and block.n_rows > 1:
                letter = column_letter(block.col + offset)
                shared[id(source)] = _Shared(len(shared), f"{letter}{block.row}:{letter}{block.last_row}")
    return shared


def _encode_column(source: ColumnSource, lo: int, hi: int, shared: _Shared | None,
                   cell_name: Callable[[int], str]) -> Encoded:
    values = source.values
    if shared is not None and isinstance(values, FormulaColumn):
        return encode_shared(values, lo, hi, shared.si, shared.ref if lo == 0 else None, cell_name)
    chunk = values[lo:hi]
    return encode_values(list(chunk) if isinstance(chunk, FormulaColumn) else chunk, cell_name)


def _write_rows(out: BackgroundWriter, sheet_name: str, first: int, stop: int, active: list[Block],
                attrs: dict[int, _StyleAttrs], shared: dict[int, _Shared]) -> None:
    rows = pa.array(np.arange(first, stop, dtype=np.int64)).cast(pa.string())
    cells: list[pa.Array] = []
    for block in active:
        lo, hi = first - block.row, stop - block.row
        for offset, source in enumerate(block.columns):
            letter = column_letter(block.col + offset)

            def cell_name(i: int, letter: str = letter) -> str:
                return f"{sheet_name}!{letter}{first + i}"

            enc = _encode_column(source, lo, hi, shared.get(id(source)), cell_name)
            link = None
            if source.links is not None:
                link = np.fromiter((x is not None for x in source.links[lo:hi]), dtype=np.int64, count=hi - lo)
            s_attr = attrs[id(source)].piece(enc.role, link, attrs[id(source)].fill_codes(lo, hi))
            if all(isinstance(p, str) for p in (s_attr, enc.t, enc.open, enc.close)):
                cells.append(pc.binary_join_element_wise(
                    f'<c r="{letter}', rows, f'"{s_attr}{enc.t}>{enc.open}', enc.text, f"{enc.close}</c>", ""))
            else:
                cells.append(pc.binary_join_element_wise(
                    f'<c r="{letter}', rows, '"', s_attr, enc.t, ">", enc.open, enc.text, enc.close, "</c>", ""))
    xml = pc.binary_join_element_wise('<row r="', rows, '">', *cells, "</row>", "", null_handling="skip")
    write_array(out, xml)


def write_array(out: IO[bytes] | BackgroundWriter, arr: pa.Array) -> None:
    """Write the concatenated UTF-8 bytes of a string array's valid values."""
    arr = arr.drop_null() if arr.null_count else arr
    if len(arr) == 0:
        return
    buffers = arr.buffers()
    if buffers[2] is None:
        return
    offsets = np.frombuffer(buffers[1], dtype=np.int32)
    start, end = int(offsets[arr.offset]), int(offsets[arr.offset + len(arr)])
    out.write(memoryview(buffers[2])[start:end])


def _write_hyperlinks(out: BackgroundWriter, blocks: list[Block]) -> None:
    """Internal links (``location=``, no relationships), at most Excel's 65,530 per sheet.

    Links past that limit are left out (the cells keep their text and link style): Excel
    would otherwise repair the file and drop them itself.
    """
    linked = [(b, i, s) for b in blocks for i, s in enumerate(b.columns)
              if s.links is not None and any(x is not None for x in s.links)]
    if not linked:
        return
    out.write(b"<hyperlinks>")
    room = MAX_HYPERLINKS
    for block, offset, source in linked:
        assert source.links is not None
        letter = column_letter(block.col + offset)
        for start in range(0, block.n_rows, 16_384):
            stop = min(block.n_rows, start + 16_384)
            targets: Any = pa.array([None if x is None else strip_illegal(x) for x in source.links[start:stop]],
                                    pa.string())
            valid = len(targets) - targets.null_count
            if valid > room:  # keep the first ``room`` links of this slice
                keep = np.cumsum(np.asarray(targets.is_valid())) <= room
                targets = pc.if_else(pa.array(keep), targets, pa.nulls(len(targets), pa.string()))
                valid = room
            room -= valid
            for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
                targets = pc.replace_substring(targets, old, new)
            rows = pa.array(np.arange(block.row + start, block.row + stop, dtype=np.int64)).cast(pa.string())
            write_array(out, pc.binary_join_element_wise(
                f'<hyperlink ref="{letter}', rows, '" location="', targets, '"/>', ""))
            if room == 0:
                break
        if room == 0:
            break
    out.write(b"</hyperlinks>")


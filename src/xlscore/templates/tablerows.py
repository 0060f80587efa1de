"""Save a book openpyxl built with many rows under the headers of its tables, streamed.

openpyxl builds the book (model sheets, validations, styles, frozen headers) with each big
table holding its header only; openpyxl would then take minutes over a million rows, one
cell object at a time. Here the rows go straight into those sheets' XML instead, a chunk
at a time: each column slice is encoded in bulk by the writer's cell encoder and the cells
are joined row-wise by pyarrow, as the writer does for xlscore's own sheets. Everything
else of the book is copied as openpyxl saved it; the tables' ranges grow to their rows.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook

from xlscore.workbook.atomic import temp_file_for
from xlscore.workbook.cellenc import Piece, encode_values
from xlscore.workbook.package import Package, TableEntry
from xlscore.workbook.refs import column_index, column_letter
from xlscore.workbook.sheetxml import BackgroundWriter, write_array
from xlscore.workbook.styles import StyleBook, StyleKey
from xlscore.workbook.writer import COMPRESS_LEVEL
from xlscore.workbook.zipcopy import copy_entry, new_info

__all__ = ["DATE_FORMAT", "TableRows", "save_with_rows"]

DATE_FORMAT = "yyyy-mm-dd"
ROWS_PER_CHUNK = 16_384
_ZIP64_CELLS = 20_000_000  # cells from which a sheet part might pass zip's 4 GiB (zipfile must know up front)
_REF = re.compile(r'(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\sref=")([A-Z]+)(\d+):([A-Z]+)\d+(")')
_DIMENSION = re.compile(r'<(\w+:)?dimension ref="[^"]*"')


@dataclass(frozen=True)
class TableRows:
    """The rows of one table, a column at a time in the table's column order.

    Each column is a numpy array (numbers, NaN = blank cell; ``datetime64[D]`` dates, NaT =
    blank) or a pyarrow array of texts (null = blank), dictionary-encoded when its values
    repeat; all have the same length. Cells get no style but the date format.
    """

    table: str
    columns: Sequence[np.ndarray | pa.Array]
    dates: frozenset[int] = field(default_factory=frozenset)  # positions of columns shown as DATE_FORMAT

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0


def save_with_rows(wb: Workbook, path: Path, tables: Sequence[TableRows],
                   progress: Callable[[int], None] | None = None) -> None:
    """Save ``wb`` to ``path`` with each of ``tables``' rows right under its (empty) table's header.

    ``progress`` is told the number of rows written after each chunk.
    """
    wb.save(path)  # the book as built: small, each big table still empty
    with temp_file_for(path) as temp:
        _write_book(path, temp, tables, progress)
        shutil.copymode(path, temp)  # the book's usual permissions, not a temporary file's
        temp.replace(path)  # once the book is closed (Windows cannot replace an open file)


def _write_book(path: Path, temp: Path, tables: Sequence[TableRows], progress: Callable[[int], None] | None) -> None:
    with Package.open(path, check_cells=False) as pkg:
        entries = {entry.name: entry for entry in pkg.tables()}
        missing = [t.table for t in tables if t.table not in entries]
        if missing:
            raise ValueError(f"the book has no table {missing[0]}")
        sheet_parts = {sheet.name: sheet.part for sheet in pkg.sheets()}
        fills = {sheet_parts[entries[t.table].sheet]: (entries[t.table], t) for t in tables}
        grown = {entries[t.table].part: t.n_rows for t in tables}
        styles = StyleBook(pkg.read("xl/styles.xml"))
        date_style = styles.index(StyleKey(DATE_FORMAT))
        with path.open("rb") as raw, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as out:
            for name in pkg.names:
                if name in fills:
                    entry, rows = fills[name]
                    info = new_info(name, pkg.info(name), level=COMPRESS_LEVEL)
                    with out.open(info, "w", force_zip64=rows.n_rows * len(rows.columns) > _ZIP64_CELLS) as stream:
                        _write_sheet(stream, pkg.read(name).decode("utf-8"), entry, rows, date_style, progress)
                elif name in grown:
                    out.writestr(new_info(name, pkg.info(name)), _grow(pkg.read(name).decode("utf-8"), grown[name]))
                elif name == "xl/styles.xml" and styles.changed:
                    out.writestr(new_info(name, pkg.info(name)), styles.render())
                else:
                    copy_entry(raw, pkg.info(name), out)


def _grow(table_xml: str, n_rows: int) -> str:
    """The table (and its filter) ranging over its header and ``n_rows`` rows (one blank row for none)."""
    def widen(m: re.Match[str]) -> str:
        return f"{m[1]}{m[2]}{m[3]}:{m[4]}{int(m[3]) + max(n_rows, 1)}{m[5]}"

    return _REF.sub(widen, table_xml)


def _write_sheet(out: IO[bytes], xml: str, entry: TableEntry, rows: TableRows, date_style: int,
                 progress: Callable[[int], None] | None) -> None:
    head, rest = xml.split("<sheetData>", 1)
    header, tail = rest.split("</sheetData>", 1)
    first_col, top = _top_left(entry.ref)
    last = f"{column_letter(first_col + len(rows.columns) - 1)}{top + max(rows.n_rows, 1)}"
    head = _DIMENSION.sub(lambda m: f'<{m[1] or ""}dimension ref="{column_letter(first_col)}{top}:{last}"', head,
                          count=1)
    columns = [_Column(values, column_letter(first_col + j), f' s="{date_style}"' if j in rows.dates else "",
                       entry.sheet) for j, values in enumerate(rows.columns)]
    with BackgroundWriter(out) as sink:  # compression overlaps the next chunk's cells, as the writer does
        sink.write(f"{head}<sheetData>{header}".encode())
        for start in range(0, rows.n_rows, ROWS_PER_CHUNK):
            stop = min(rows.n_rows, start + ROWS_PER_CHUNK)
            numbers = pa.array(np.arange(top + 1 + start, top + 1 + stop, dtype=np.int64)).cast(pa.string())
            cells = [column.cells(start, stop, numbers, top + 1) for column in columns]
            write_array(sink, pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "",
                                                          null_handling="skip"))
            if progress is not None:
                progress(stop - start)
        sink.write(f"</sheetData>{tail}".encode())


class _Column:
    """One column's cells, a chunk at a time; a blank value is null (no cell).

    A dictionary-encoded column (a few distinct texts, or the IDs an order log repeats) has
    its distinct values encoded once, then taken by index chunk by chunk.
    """

    def __init__(self, values: np.ndarray | pa.Array, letter: str, style: str, sheet: str) -> None:
        self.values, self.letter, self.style, self.sheet = values, letter, style, sheet
        self.distinct: list[Piece] | None = None
        self.indices: pa.Array | None = None
        if isinstance(values, pa.DictionaryArray):
            enc = encode_values(values.dictionary, lambda i: f"{sheet}!{letter} ({values.dictionary[i]})")
            self.distinct, self.indices = [enc.t, enc.open, enc.text, enc.close], values.indices

    def cells(self, start: int, stop: int, numbers: pa.Array, first_row: int) -> pa.Array:
        if self.distinct is not None and self.indices is not None:
            indices = self.indices[start:stop]
            pieces = [pc.take(p, indices) if isinstance(p, pa.Array) else p for p in self.distinct]
        else:
            enc = encode_values(self.values[start:stop], lambda i: f"{self.sheet}!{self.letter}{first_row + start + i}")
            pieces = [enc.t, enc.open, enc.text, enc.close]
        t, opening, text, closing = pieces
        if isinstance(t, str) and isinstance(opening, str) and isinstance(closing, str):  # fewer pieces: faster
            return pc.binary_join_element_wise(f'<c r="{self.letter}', numbers, f'"{self.style}{t}>{opening}', text,
                                               f"{closing}</c>", "")
        return pc.binary_join_element_wise(f'<c r="{self.letter}', numbers, f'"{self.style}', t, ">", opening, text,
                                           closing, "</c>", "")


def _top_left(ref: str) -> tuple[int, int]:
    """``B3:F9`` -> (2, 3): the header's first column number and row."""
    match = re.match(r"\$?([A-Z]+)\$?(\d+)", ref)
    if match is None:
        raise ValueError(f"table range {ref!r} is not A1-style")
    return column_index(match[1]), int(match[2])

"""Recognise what a file is when it is not a workbook, and look for DTDs in XML prologs."""

from __future__ import annotations

import html
import mmap
import re
from pathlib import Path
from typing import IO, NamedTuple

import numpy as np

from xlscore.workbook.xmltext import EXCEL_ERRORS

__all__ = ["BLANK_WORDS", "BLANK_WORD_TEXT", "Extent", "describe_non_zip", "scan_extent", "scan_prolog"]

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAMS = ("EncryptionInfo", "EncryptedPackage")
_SAVE_AS = "Open it in Excel and save it as an Excel Workbook (.xlsx)."
_TEXT_TABLE_SUFFIXES = {".csv", ".tsv", ".txt"}


def describe_non_zip(path: Path) -> str:
    """A message saying what ``path`` (which is not a zip) seems to be, and what to do."""
    size = path.stat().st_size
    name = path.name
    if size == 0:
        return f"{name} is empty (0 bytes); it is not a workbook. Use the original file or a backup."
    with path.open("rb") as fh:
        head = fh.read(65536)
    if head.startswith(OLE_SIGNATURE):
        if _is_encrypted(path):
            return (f"{name} is password-protected (encrypted), and xlscore cannot read encrypted "
                    "workbooks. Open it in Excel, remove the password (File > Info > Protect Workbook > "
                    "Encrypt with Password, clear the box), save it, and try again.")
        return (f"{name} is an old-format Excel 97-2003 workbook (.xls), which xlscore does not read. "
                + _SAVE_AS)
    text = _as_text(head)
    if text is not None and path.suffix.lower() in _TEXT_TABLE_SUFFIXES:
        return (f"{name} is a CSV file, not a workbook: import it into the Customers table (in Excel: Data > "
                "From Text/CSV, then paste the rows into tblCustomers), or score it as it is with "
                f"`xlscore score BOOK --customers {name} -o scored.csv`.")
    if text is None:
        return (f"{name} is not an Excel workbook: an .xlsx file is a zip archive and this one is not. "
                + _SAVE_AS)
    stripped = text.lstrip().lower()
    if stripped.startswith("<") and ("<html" in stripped[:4096] or "<!doctype html" in stripped[:4096]):
        return (f"{name} is a web page (HTML) saved with a workbook extension, not a real workbook. "
                + _SAVE_AS)
    if stripped.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in stripped:
        return f"{name} is an 'XML Spreadsheet 2003' file, not an .xlsx workbook. " + _SAVE_AS
    first_line = stripped.splitlines()[0] if stripped else ""
    if any(sep in first_line for sep in (",", ";", "\t", "|")):
        return (f"{name} is a CSV or text file renamed to a workbook extension, not a real workbook. "
                "Open it in Excel and save it as an Excel Workbook (.xlsx).")
    return f"{name} is a text file, not an Excel workbook. " + _SAVE_AS


def _is_encrypted(path: Path) -> bool:
    """An OLE file holding the streams an encrypted .xlsx/.xlsm is stored in."""
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return any(data.find(stream.encode("utf-16-le")) >= 0 for stream in _ENCRYPTION_STREAMS)


def _as_text(head: bytes) -> str | None:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="replace")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            try:
                text = head.decode("cp1252")
            except UnicodeDecodeError:
                return None
        else:
            text = head[: exc.start].decode("utf-8")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n")
    return None if controls > len(text[:4096]) // 100 else text


PROLOG_WINDOW = 65536


def scan_prolog(stream: IO[bytes]) -> str | None:
    """Read an XML part's prolog (up to its root element). Returns a problem or None.

    A DTD (and so any entity declaration) can only appear before the root element, so the
    part's first bytes decide. A prolog padded beyond 64 KB is itself refused.
    """
    data = stream.read(PROLOG_WINDOW)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[1:2] == b"\x00" or data[:1] == b"\x00":
        codec = "utf-16-be" if data.startswith(b"\xfe\xff") or data[:1] == b"\x00" else "utf-16-le"
        text = data[: len(data) // 2 * 2].decode(codec, errors="replace")
    else:
        text = data.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff")
    pos = 0
    while True:
        lt = text.find("<", pos)
        if lt < 0:
            if len(data) >= PROLOG_WINDOW:
                return "has more than 64 KB before its first element"
            return None  # empty or text-only part: the parser will say what is wrong
        following = text[lt + 1 : lt + 2]
        if following == "?":
            end = text.find("?>", lt)
        elif text.startswith("<!--", lt):
            end = text.find("-->", lt)
        elif following == "!":
            return "declares a DTD or XML entities (<!DOCTYPE ...>)"
        else:
            return None  # the root element starts: nothing before it was a DTD
        if end < 0:
            return "has more than 64 KB before its first element" if len(data) >= PROLOG_WINDOW else None
        pos = end + 2


# Readers that load a sheet as a dense grid (python-calamine does) allocate rows x columns
# cells, so one stray value in XFD1048576 can exhaust memory. Only what can make the grid
# large is looked for, with patterns that start with a literal so the regex engine skips
# ahead quickly (a sheet part can be ~1 GB): cells beyond column GH (190), row or cell
# numbers of 7+ digits, and the last row of each chunk (rows come in order).
NARROW_COLUMNS = 190
_WIDE_CELL = re.compile(rb'r="([A-Z]{3}|[H-Z][A-Z]|G[I-Z])(\d{1,10})"')
_BIG_NUMBER = re.compile(rb'r="[A-Z]{0,3}(\d{7,})"')
_ROW_NUMBER = re.compile(rb'\sr="(\d{1,10})"')
_CELL_ROW = re.compile(rb'\sr="[A-Za-z]{1,3}(\d{1,10})"')
_CHUNK = 4 << 20

# Texts fastexcel reads as a blank in a column of numbers or dates (pandas' missing-value
# words and Excel's error texts), where python-calamine keeps the text for the checks to
# report at its cell. Found in the shared strings or in a sheet's own text cells, they make
# the tables concerned be read cell by cell (see xlscore.workbook.arrow_tables).
BLANK_WORDS = ("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
               "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null", *EXCEL_ERRORS)
_WORDS = b"|".join(re.escape(html.escape(w, quote=False).encode()) for w in BLANK_WORDS)
BLANK_WORD_TEXT = re.compile(rb"<t(?:\s[^>]*)?>\s*(?:" + _WORDS + rb")\s*</t>")  # shared or inline string
_BLANK_WORD_RESULT = re.compile(rb't="str"[^>]*>\s*(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?\s*<v>\s*(?:' + _WORDS
                                + rb")\s*</v>")  # a formula's text result


def _col_index(letters: bytes) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + ch - 64
    return value


class Extent(NamedTuple):
    last_row: int
    last_col: int  # exact beyond column GH, else 190
    far: str  # the farthest wide cell, e.g. "XFD7" ("" if none)
    blank_word: bool  # a text cell of its own (inline, or a formula's result) holds one of BLANK_WORDS


def _maybe_far(data: bytes) -> bool:
    """Whether some ``r="..."`` in ``data`` could name a column past GH or a row of 7+ digits.

    Vectorised over the bytes (a sheet part can be ~1 GB); only a chunk where this says yes
    is searched with the exact patterns."""
    arr = np.frombuffer(data, dtype=np.uint8)
    if len(arr) < 4:
        return False
    starts = np.flatnonzero((arr[:-3] == 0x72) & (arr[1:-2] == 0x3D) & (arr[2:-1] == 0x22)) + 3  # after r="
    if not len(starts):
        return False
    padded = np.concatenate([arr, np.zeros(16, dtype=np.uint8)])

    def at(k: int) -> np.ndarray:
        return padded[starts + k]

    def letter(x: np.ndarray) -> np.ndarray:
        return ((x >= 0x41) & (x <= 0x5A)) | ((x >= 0x61) & (x <= 0x7A))

    c0, c1, c2 = at(0), at(1), at(2)
    two, three = letter(c0) & letter(c1), letter(c0) & letter(c1) & letter(c2)
    if (three | (two & ((c0 | 0x20) >= ord("g")))).any():  # 3 letters, or 2 from GA on (GI+ is past GH)
        return True
    first_digit = letter(c0).astype(np.int64) + two + three
    run = np.ones(len(starts), dtype=bool)
    for k in range(7):
        digit = padded[starts + first_digit + k]
        run &= (digit >= 0x30) & (digit <= 0x39)
    return bool(run.any())


def _last_cell_row(data: bytes, cell_tag: bytes, row_tag: bytes) -> int:
    """The row of the last cell in ``data`` (0 if none): rows that hold no cell (formatting
    only) do not count, as a grid reader does not fill them."""
    at, end = len(data), -1
    while end < 0:  # the last cell that holds something: a self-closed <c .../> is only a format
        at = data.rfind(cell_tag, 0, at)
        if at < 0:
            return 0
        end = data.find(b">", at)
        if end < 0 or data[end - 1:end] == b"/":
            end = -1
    number = _CELL_ROW.search(data, at, end + 1)
    if number is None:  # a cell without its reference: the row element says where it is
        at = data.rfind(row_tag, 0, at)
        end = data.find(b">", at) if at >= 0 else -1
        number = _ROW_NUMBER.search(data, at, end + 1) if end >= 0 else None
    return int(number.group(1)) if number else 0


def scan_extent(stream: IO[bytes]) -> Extent:
    """Where a worksheet part's cells reach, read in chunks; also whether a text cell of the
    sheet's own (not in the shared strings) holds one of :data:`BLANK_WORDS`."""
    first = stream.read(_CHUNK)
    root = re.search(rb"<(\w+:)?worksheet\b", first)
    prefix = root.group(1) or b"" if root else b""
    row_tag, cell_tag = b"<" + prefix + b"row", b"<" + prefix + b"c "
    last_row, last_col, far = 0, NARROW_COLUMNS, ""
    tail = b""
    chunk = first
    blank_word = False
    while chunk:
        data = tail + chunk
        if not blank_word and b'"inlineStr"' in data:
            blank_word = BLANK_WORD_TEXT.search(data) is not None
        if not blank_word and b't="str"' in data:
            blank_word = _BLANK_WORD_RESULT.search(data) is not None
        last_row = max(last_row, _last_cell_row(data, cell_tag, row_tag))
        if _maybe_far(data):  # rare: look exactly
            big = _BIG_NUMBER.findall(data)
            if big:
                last_row = max(last_row, *map(int, big))
            wide = set(_WIDE_CELL.findall(data))
            if wide:
                letters, row = max(wide, key=lambda m: (len(m[0]), m[0]))
                col = _col_index(letters)
                if col > last_col:
                    last_col, far = col, f"{letters.decode()}{int(row)}"
                last_row = max(last_row, *(int(r) for _, r in wide))
        cut = data.rfind(b"<")
        tail = data[cut:] if cut >= 0 and len(data) - cut < 256 else b""
        chunk = stream.read(_CHUNK)
    return Extent(last_row, last_col, far, blank_word)

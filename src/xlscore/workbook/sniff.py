"""Recognise what a file is when it is not a workbook, and look for DTDs in XML prologs."""

from __future__ import annotations

import mmap
import re
from pathlib import Path
from typing import IO

__all__ = ["describe_non_zip", "scan_prolog"]

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
_CHUNK = 4 << 20


def _col_index(letters: bytes) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + ch - 64
    return value


def scan_extent(stream: IO[bytes]) -> tuple[int, int, str]:
    """(last row, last column, farthest wide cell) of a worksheet part, read in chunks.

    The last column is exact when a cell lies beyond column GH, else reported as 190.
    """
    first = stream.read(_CHUNK)
    root = re.search(rb"<(\w+:)?worksheet\b", first)
    row_tag = b"<" + (root.group(1) or b"" if root else b"") + b"row"
    last_row, last_col, far = 0, NARROW_COLUMNS, ""
    tail = b""
    chunk = first
    while chunk:
        data = tail + chunk
        big = _BIG_NUMBER.findall(data)
        if big:
            last_row = max(last_row, *map(int, big))
        at = data.rfind(row_tag)
        end = data.find(b">", at) if at >= 0 else -1
        number = _ROW_NUMBER.search(data, at, end + 1) if end >= 0 else None
        if number:
            last_row = max(last_row, int(number.group(1)))
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
    return last_row, last_col, far

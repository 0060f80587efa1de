"""Zip-bomb guards: limits on what a workbook package may unpack to, checked from its
central directory before anything is unpacked (and enforced again while reading)."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Limits", "check_entries", "human_size"]

_GiB = 1 << 30
_MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Generous enough for a full 1,048,576-row sheet; tests pass smaller ones."""

    max_total: int = 8 * _GiB  # sum of uncompressed sizes of all parts
    max_part: int = 4 * _GiB  # uncompressed size of any one part
    max_ratio: float = 250.0  # uncompressed / compressed, for parts above ratio_floor
    ratio_floor: int = 16 * _MiB
    max_entries: int = 50_000
    max_read: int = 512 * _MiB  # a part read into memory with Package.read
    # rows x columns a dense reader would allocate for one sheet (python-calamine: ~32
    # bytes a cell, and an allocation failure aborts the process instead of raising)
    max_sheet_cells: int = 200_000_000


def human_size(n: int) -> str:
    for unit, scale in (("GB", _GiB), ("MB", _MiB), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def check_entries(infos: Sequence[zipfile.ZipInfo], file_size: int, lim: Limits) -> str | None:
    """What is wrong with a zip's directory (phrased to follow the file name), or None."""
    if len(infos) > lim.max_entries:
        return f"holds {len(infos):,} zip entries (limit {lim.max_entries:,}); not a workbook xlscore accepts."
    names = [info.filename for info in infos]
    if len(set(names)) != len(names) or len({n.lower() for n in names}) != len(names):
        return "the zip holds two entries with the same name; the file is damaged or crafted."
    total = compressed = 0
    for info in infos:
        if info.flag_bits & 0x1:
            return (f"zip entry {info.filename} is encrypted; Excel never writes that. "
                    "Remove the password and save as .xlsx.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return (f"zip entry {info.filename} uses an unsupported compression method "
                    f"({info.compress_type}); re-save the book in Excel.")
        size = info.file_size
        if size > lim.max_part:
            return (f"part {info.filename} would unpack to {human_size(size)}, above the "
                    f"limit of {human_size(lim.max_part)} per part (possible zip bomb).")
        ratio = size / max(info.compress_size, 1)
        if size > lim.ratio_floor and ratio > lim.max_ratio:
            return (f"part {info.filename} is compressed {ratio:,.0f}:1 (limit "
                    f"{lim.max_ratio:,.0f}:1); it looks like a zip bomb, not a workbook.")
        total += size
        compressed += info.compress_size
    if total > lim.max_total:
        return (f"would unpack to {human_size(total)} in all, above the limit of "
                f"{human_size(lim.max_total)} (possible zip bomb).")
    if compressed > file_size:
        return ("the zip directory claims more data than the file holds; the file is "
                "damaged or truncated. Use the original file or a backup.")
    return None

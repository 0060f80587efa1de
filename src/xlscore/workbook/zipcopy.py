"""Copy zip entries without unpacking them, so the user's parts come through byte for byte.

The compressed bytes, CRC and sizes of each entry are moved as they are: nothing is
decompressed (so a large input sheet costs a file copy, not a re-compression) and the
content cannot change. Python's ``zipfile`` has no public API for this; the few
``ZipFile`` attributes used here (``fp``, ``filelist``, ``NameToInfo``, ``start_dir``) are
the ones its own writer maintains.
"""

from __future__ import annotations

import struct
import zipfile
from typing import IO

from xlscore.errors import WorkbookError

__all__ = ["copy_entry", "new_info"]

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ZIP64_EXTRA_ID = 0x0001
_DATA_DESCRIPTOR_FLAG = 0x08


def new_info(name: str, like: zipfile.ZipInfo | None = None, level: int = 6) -> zipfile.ZipInfo:
    """A ZipInfo for a part xlscore writes: deflated at ``level``, dated like the part it replaces."""
    info = zipfile.ZipInfo(name, like.date_time if like else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    # ZipFile.open(info) takes the level from the ZipInfo, not from the ZipFile
    # (the attribute is ``compress_level`` from Python 3.13, ``_compresslevel`` before)
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", level)
    return info


def _strip_zip64_extra(extra: bytes) -> bytes:
    """Drop the zip64 field: ZipInfo.FileHeader writes a fresh one when it is needed."""
    out = bytearray()
    pos = 0
    while pos + 4 <= len(extra):
        field_id, size = struct.unpack_from("<HH", extra, pos)
        if field_id != _ZIP64_EXTRA_ID:
            out += extra[pos: pos + 4 + size]
        pos += 4 + size
    return bytes(out)


def copy_entry(source: IO[bytes], info: zipfile.ZipInfo, target: zipfile.ZipFile) -> None:
    """Append ``info``'s entry, read raw from the ``source`` zip file, to ``target``."""
    source.seek(info.header_offset)
    header = source.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise WorkbookError(f"zip entry {info.filename} has no valid local header; the file is damaged.")
    fields = _LOCAL_HEADER.unpack(header)
    name_len, extra_len = fields[-2], fields[-1]
    source.seek(name_len + extra_len, 1)

    out = zipfile.ZipInfo(info.filename, info.date_time)
    out.compress_type = info.compress_type
    out.comment = info.comment
    out.extra = _strip_zip64_extra(info.extra)
    out.create_system = info.create_system
    out.create_version = info.create_version
    out.extract_version = info.extract_version
    out.flag_bits = info.flag_bits & ~_DATA_DESCRIPTOR_FLAG  # sizes go in the header here
    out.internal_attr = info.internal_attr
    out.external_attr = info.external_attr
    out.CRC = info.CRC
    out.compress_size = info.compress_size
    out.file_size = info.file_size

    fp = target.fp
    if fp is None or getattr(target, "_writing", False):
        raise ValueError("target zip is not open for writing")
    zip64 = out.file_size > zipfile.ZIP64_LIMIT or out.compress_size > zipfile.ZIP64_LIMIT
    fp.seek(target.start_dir)
    out.header_offset = fp.tell()
    fp.write(out.FileHeader(zip64))
    _copy_exact(source, fp, info.compress_size, info.filename)
    target.start_dir = fp.tell()
    target.filelist.append(out)
    target.NameToInfo[out.filename] = out
    target._didModify = True  # type: ignore[attr-defined]  # so close() writes the directory


def _copy_exact(source: IO[bytes], target: IO[bytes], size: int, name: str) -> None:
    remaining = size
    while remaining:
        chunk = source.read(min(remaining, 1 << 20))
        if not chunk:
            raise WorkbookError(f"zip entry {name} is cut short; the file is damaged or truncated.")
        target.write(chunk)
        remaining -= len(chunk)


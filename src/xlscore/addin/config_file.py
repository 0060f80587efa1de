"""The xlwings settings file: lines of ``"KEY","VALUE"``, in the code page VBA reads it with.

xlwings' runtime reads the file with VBA's ``Open ... For Input``, which decodes bytes in
the system's ANSI code page (Windows) or legacy encoding (macOS), never as UTF-8: a path
like ``C:\\Users\\José\\...`` written as UTF-8 comes back as ``JosÃ©`` and the interpreter
is not found. So the file is written in that code page, and a value the code page cannot
hold is refused with the reason. Reading is tolerant: a file an earlier version wrote as
UTF-8 (or with a BOM) is read as such and rewritten in the code page.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from xlscore.addin.errors import AddinError

__all__ = ["config_value", "decode_config", "encode_config", "read_config", "with_config_value"]

_CONFIG_LINE = re.compile(r'^"([^"]*)","([^"]*)"\s*$')


def decode_config(data: bytes, code_page: str) -> str:
    """The text of a settings file, whether written as UTF-8 (with or without BOM) or in the code page."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")  # ASCII too; text in a legacy code page is hardly ever valid UTF-8
    except UnicodeDecodeError:
        return data.decode(code_page, errors="replace")


def read_config(path: Path, code_page: str) -> list[str]:
    return decode_config(path.read_bytes(), code_page).splitlines() if path.is_file() else []


def config_value(lines: list[str], key: str) -> str | None:
    """The value of ``key`` (compared without case, as xlwings does), or None."""
    for line in lines:
        match = _CONFIG_LINE.match(line)
        if match and match.group(1).lower() == key.lower():
            return match.group(2)
    return None


def with_config_value(lines: list[str], key: str, value: str | None) -> list[str]:
    """The lines with key set to value (None removes it); the first matching line is reused."""
    updated, placed = [], False
    for line in lines:
        match = _CONFIG_LINE.match(line)
        if match and match.group(1).lower() == key.lower():
            if value is not None and not placed:
                updated.append(f'"{key}","{value}"')
            placed = True
            continue
        updated.append(line)
    if value is not None and not placed:
        updated.append(f'"{key}","{value}"')
    return updated


def encode_config(lines: list[str], path: Path, code_page: str, newline: str, hint: str = "") -> bytes:
    """The file's bytes in the code page; a line it cannot hold is refused, naming it."""
    encoded = []
    for number, line in enumerate(lines, start=1):
        try:
            encoded.append((line + newline).encode(code_page))
        except UnicodeEncodeError as error:
            character = error.object[error.start : error.end]
            match = _CONFIG_LINE.match(line)
            what = f'"{match.group(1)}" ({match.group(2)})' if match else f"line {number} ({line})"
            raise AddinError(
                f"{path}: {what} has {character!r}, which Excel's VBA cannot read back: it reads this file in "
                f"the code page {code_page}. {hint}".rstrip()
            ) from None
    return b"".join(encoded)

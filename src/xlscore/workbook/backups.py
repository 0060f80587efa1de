"""What an in-place write keeps of the book it replaces.

* ``book.xlsx.orig`` is the book as it was before xlscore first wrote it. It is made once,
  from a book xlscore did not write itself, and never replaced: it stays until the user
  deletes it, however many runs follow.
* ``book.xlsx.bak1`` .. ``.bakN`` are the previous versions, newest first. They rotate
  only when the book changed since ``.bak1`` was kept, so repeated runs over the same book
  do not push older versions out with copies of the same bytes.

Backups are hard links to the replaced file where the file system allows (the old bytes
stay under the backup's name after the atomic rename, at no cost), copies otherwise, and
always copies when the book itself is about to be rewritten in place (a hard-linked book).
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["XLSCORE_ZIP_COMMENT", "Kept", "backup_path", "keep_previous", "original_path", "same_content",
           "written_by_xlscore"]

# The zip comment of every book xlscore writes: how a later run knows the book on disk is
# xlscore's output, not the user's original. Excel ignores it and drops it on save.
XLSCORE_ZIP_COMMENT = b"written by xlscore"


@dataclass(frozen=True)
class Kept:
    backup: Path | None  # where the content being replaced is kept (None: nothing kept)
    original: Path | None  # the book as it was before xlscore first wrote it, when kept


def backup_path(target: Path, n: int) -> Path:
    return target.with_name(f"{target.name}.bak{n}")


def original_path(target: Path) -> Path:
    return target.with_name(f"{target.name}.orig")


def written_by_xlscore(path: Path) -> bool:
    """Whether ``path`` is a book xlscore wrote (and no one re-saved since)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.comment == XLSCORE_ZIP_COMMENT
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False


def same_content(a: Path, b: Path) -> bool:
    """Byte-for-byte equality (sizes first, so different books are told apart at once)."""
    try:
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def keep_previous(target: Path, keep: int, *, copy: bool = False) -> Kept:
    """Before ``target`` is replaced: keep the original once, and the current book as ``.bak1``.

    ``keep`` is how many ``.bakN`` to keep (0: none, and no ``.orig`` either). ``copy``
    forces real copies (the book's own bytes are about to be overwritten in place).
    """
    if keep <= 0 or not target.exists():
        return Kept(None, None)
    original = original_path(target)
    if not original.exists() and not written_by_xlscore(target):
        _preserve(target, original, copy)
    first = backup_path(target, 1)
    if not (first.exists() and same_content(target, first)):
        _rotate(target, keep, copy)
    return Kept(first, original if original.exists() else None)


def _rotate(target: Path, keep: int, copy: bool) -> None:
    """Shift .bak1.. up by one (dropping the oldest) and make .bak1 the current book."""
    with contextlib.suppress(FileNotFoundError):
        backup_path(target, keep).unlink()
    for n in range(keep - 1, 0, -1):
        with contextlib.suppress(FileNotFoundError):
            backup_path(target, n).replace(backup_path(target, n + 1))
    _preserve(target, backup_path(target, 1), copy)


def _preserve(target: Path, keep_as: Path, copy: bool) -> None:
    """``keep_as`` holds ``target``'s bytes: a hard link when allowed, else a complete copy."""
    if not copy:
        try:
            os.link(target, keep_as)
            return
        except OSError:
            pass
    partial = keep_as.with_name(f".{keep_as.name}.xlscore-tmp")
    try:
        shutil.copy2(target, partial)
        with partial.open("rb+") as fh:
            os.fsync(fh.fileno())
        partial.replace(keep_as)
    finally:
        partial.unlink(missing_ok=True)

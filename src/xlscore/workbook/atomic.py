"""Replace a workbook atomically, keeping rotating backups, and refuse books open in Excel.

The new book is written to a temporary file in the target's folder, flushed to disk, and
moved over the target with :func:`os.replace`, an atomic rename: killed at any moment, the
target is either the old book or the complete new one. The old book is kept as
``book.xlsx.bak1`` (the previous one as ``.bak2``, and so on).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from xlscore.errors import WorkbookError

__all__ = ["backup_path", "check_not_open", "fsync_dir", "remove_stale_temps", "replace_with_backup", "temp_file_for"]


def owner_files(book: Path) -> list[Path]:
    """Lock files Excel and LibreOffice keep next to a book while it is open."""
    name = book.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")  # Excel shortens long names this way
    return [book.with_name(c) for c in candidates]


def check_not_open(book: Path, force: bool) -> None:
    """Refuse a book that Excel (or LibreOffice) has open, unless ``force``."""
    if force:
        return
    for lock in owner_files(book):
        if lock.exists():
            raise WorkbookError(
                f"{book.name} seems to be open in Excel or LibreOffice ({lock.name} exists next to it). "
                "Close it and try again, or use --force if no one has it open (the lock file can be left "
                "behind after a crash)."
            )


def backup_path(target: Path, n: int) -> Path:
    return target.with_name(f"{target.name}.bak{n}")


@contextlib.contextmanager
def temp_file_for(target: Path) -> Iterator[Path]:
    """A temporary path in the target's folder, removed unless it was moved into place."""
    folder = target.parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".xlscore-tmp", dir=folder)
    except OSError as exc:
        raise WorkbookError(f"cannot write in {folder} ({exc.strerror}); choose a folder you can write to.") from None
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def remove_stale_temps(target: Path, older_than: float = 600.0) -> list[Path]:
    """Delete temporary files that killed runs left next to ``target``.

    Only files untouched for ``older_than`` seconds go: a run still writing touches its
    file all the time.
    """
    removed = []
    cutoff = time.time() - older_than
    for temp in target.parent.glob(f".{glob.escape(target.name)}.*.xlscore-tmp"):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < cutoff:
                temp.unlink()
                removed.append(temp)
    return removed


def fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (a no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _rotate(target: Path, keep: int) -> Path:
    """Shift .bak1.. up by one (dropping the oldest) and make .bak1 the current book."""
    oldest = backup_path(target, keep)
    with contextlib.suppress(FileNotFoundError):
        oldest.unlink()
    for n in range(keep - 1, 0, -1):
        with contextlib.suppress(FileNotFoundError):
            backup_path(target, n).replace(backup_path(target, n + 1))
    first = backup_path(target, 1)
    try:
        os.link(target, first)  # the old book's bytes stay under this name after the replace
    except OSError:
        with temp_file_for(first) as temp:
            shutil.copy2(target, temp)
            fsync_file(temp)
            temp.replace(first)
    return first


def _copy_mode(temp: Path, target: Path) -> None:
    """Give the new book the old one's permissions (mkstemp creates files private)."""
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):
        temp.chmod(mode)


def replace_with_backup(temp: Path, target: Path, backups: int) -> Path | None:
    """Move the finished ``temp`` over ``target``, keeping ``backups`` old versions."""
    _copy_mode(temp, target)
    fsync_file(temp)
    backup = None
    try:
        if backups > 0 and target.exists():
            backup = _rotate(target, backups)
        temp.replace(target)
    except PermissionError as exc:
        raise WorkbookError(
            f"cannot replace {target.name} ({exc.strerror}); it may be open in another program. "
            "Close it and try again."
        ) from None
    except OSError as exc:
        raise WorkbookError(f"cannot write {target} ({exc.strerror}).") from None
    fsync_dir(target.parent)
    return backup

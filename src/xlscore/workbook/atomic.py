"""Replace a workbook atomically, keeping rotating backups, and refuse books open in Excel.

The new book is written to a temporary file in the target's folder, flushed to disk, and
moved over the target with :func:`os.replace`, an atomic rename: killed at any moment, the
target is either the old book or the complete new one. The old book is kept as
``book.xlsx.bak1`` (the previous one as ``.bak2``, and so on) and the book as it was before
xlscore first wrote it as ``book.xlsx.orig`` (see :mod:`xlscore.workbook.backups`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xlscore.errors import UsageError, WorkbookError
from xlscore.workbook.backups import backup_path, keep_previous, original_path, same_content

__all__ = ["Replaced", "backup_path", "check_not_open", "check_output", "fsync_dir", "link_target",
           "remove_stale_temps", "replace_with_backup", "temp_file_for", "unfinished_write", "write_file_atomically"]


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


@dataclass(frozen=True)
class Replaced:
    """What became of the book a write replaced."""

    backup: Path | None  # where the previous content is kept (.bak1), if anywhere
    original: Path | None  # the book as it was before xlscore first wrote it (.orig), if kept
    unchanged: bool = False  # the new content was the old one byte for byte: nothing was replaced
    notes: tuple[str, ...] = ()


def link_target(target: Path) -> Path:
    """The file a write to ``target`` lands in: a symbolic link (or a chain of them) is followed,
    so the link stays a link and the book it points to gets the new content."""
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def replace_with_backup(temp: Path, target: Path, backups: int) -> Replaced:
    """Move the finished ``temp`` over ``target``, keeping ``backups`` old versions and the original.

    A book with other hard links is rewritten in place (its inode kept, so every name sees
    the new book) after a full copy is kept as ``.bak1``; without backups it cannot be done
    safely, and the link is broken instead, with a note saying so.
    """
    _copy_mode(temp, target)
    try:
        fsync_file(temp)
    except OSError as exc:  # the data did not reach the disk (full, or gone): keep the old book
        raise unfinished_write(target, exc) from None
    if target.exists() and same_content(temp, target):
        first = backup_path(target, 1)
        original = original_path(target)
        return Replaced(first if first.exists() else None, original if original.exists() else None, unchanged=True)
    links = target.stat().st_nlink if target.exists() else 1
    in_place = links > 1 and backups > 0
    try:
        kept = keep_previous(target, backups, copy=in_place)
        if in_place:
            _overwrite(temp, target, kept.backup)
        else:
            temp.replace(target)
    except PermissionError as exc:
        raise WorkbookError(
            f"cannot replace {target.name} ({exc.strerror}); it may be open in another program. "
            "Close it and try again."
        ) from None
    except OSError as exc:
        raise WorkbookError(f"cannot write {target} ({exc.strerror}); {target.name} was not changed.") from None
    fsync_dir(target.parent)
    notes: tuple[str, ...] = ()
    if in_place:
        notes = (f"{target.name} has {links} hard links: rewritten in place so that every link shows the new "
                 "book",)
    elif links > 1:
        notes = (f"{target.name} had {links} hard links: replaced by a new file (without a backup it cannot "
                 "be rewritten in place safely), so the other links still show the old book",)
    return Replaced(kept.backup, kept.original, notes=notes)


def _overwrite(temp: Path, target: Path, backup: Path | None) -> None:
    """Copy ``temp`` into ``target``'s own inode; on failure put the backup's bytes back."""
    try:
        with temp.open("rb") as src, target.open("r+b") as out:
            shutil.copyfileobj(src, out, 1 << 20)
            out.truncate()
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        if backup is not None:
            with contextlib.suppress(OSError), backup.open("rb") as src, target.open("r+b") as out:
                shutil.copyfileobj(src, out, 1 << 20)
                out.truncate()
        raise WorkbookError(f"cannot rewrite {target} in place ({exc.strerror}); its previous content is in "
                            f"{backup}.") from None


def check_output(path: Path, *, force: bool = False, replaces: bool = True, make_folder: bool = False) -> None:
    """Refuse, before anything is written, an output path that cannot be written.

    Checks that the folder exists and takes a new file, and (``replaces`` False) that no
    file would be replaced without ``force``. A symbolic link is checked where it points.
    ``make_folder``: the writer creates a missing folder, so only a file in its way is refused.
    """
    real = link_target(path)
    folder = real.parent
    if real.is_dir():
        raise UsageError(f"{path} is a folder: give a file name inside it; nothing was written")
    if make_folder and not folder.exists():
        blocking = next((p for p in folder.parents if p.exists()), None)
        if blocking is not None and not blocking.is_dir():
            raise UsageError(f"{path}: {blocking} is a file, not a folder (nothing was written)")
        return
    if not folder.is_dir():
        missing = "is a file, not a folder" if folder.exists() else "does not exist"
        raise UsageError(f"{path}: the folder {folder} {missing}; create it first or choose another place "
                         "(nothing was written)")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".xlscore-tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write in the folder {folder} ({exc.strerror}); choose a folder you "
                         "can write to (nothing was written)") from None
    os.close(fd)
    Path(probe).unlink(missing_ok=True)
    if not replaces and not force and (path.exists() or path.is_symlink()):
        raise UsageError(f"{path} already exists: choose another name, or pass --force to replace it "
                         "(nothing was written)")


def write_file_atomically(path: Path, data: bytes, backups: int = 0) -> Replaced:
    """Write ``data`` to ``path`` (through a symbolic link): the complete file or nothing at all.

    ``backups`` > 0 keeps a file it replaces as ``.bak1`` (see :func:`replace_with_backup`).
    """
    real = link_target(path)
    with temp_file_for(real) as temp:
        try:
            temp.write_bytes(data)
        except OSError as exc:
            raise unfinished_write(path, exc) from None
        return replace_with_backup(temp, real, backups)


def unfinished_write(path: Path, exc: OSError) -> WorkbookError:
    """The message for a write that failed part way (a full disk, a lost network drive)."""
    return WorkbookError(f"cannot write {path} ({exc.strerror or exc}): nothing was changed, and the unfinished "
                         "temporary file was removed; free some space (or fix the drive) and run again.")

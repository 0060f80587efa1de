"""The book on disk is always the old one or the complete new one; backups rotate."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.fixtures.hostile import plain_book
from xlscore.errors import WorkbookError
from xlscore.workbook import writer
from xlscore.workbook.package import Package
from xlscore.workbook.sheetdata import Column, OutputSheet, OutputTable
from xlscore.workbook.writer import write_workbook


def _scoring(marker: str, rows: int = 3) -> OutputSheet:
    table = OutputTable("tblScoring", [Column("Run", [marker] * rows), Column("Row", list(range(rows)))])
    return OutputSheet("Scoring", tables=[table])


def _marker(book: Path) -> str:
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Scoring").to_python()
    return str(rows[1][0])


def test_backups_rotate_and_the_oldest_goes(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    original = book.read_bytes()
    for run in ("one", "two", "three", "four"):
        report = write_workbook(book, [_scoring(run)])
        assert report.backup == tmp_path / "book.xlsx.bak1"
    assert _marker(book) == "four"
    assert _marker(tmp_path / "book.xlsx.bak1") == "three"
    assert _marker(tmp_path / "book.xlsx.bak2") == "two"
    assert _marker(tmp_path / "book.xlsx.bak3") == "one"
    assert not (tmp_path / "book.xlsx.bak4").exists()
    assert original not in {p.read_bytes() for p in tmp_path.glob("book.xlsx.bak*")}


def test_no_backup_when_asked_or_when_the_target_is_new(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    assert write_workbook(book, [_scoring("a")], backups=0).backup is None
    out = tmp_path / "out.xlsx"
    assert write_workbook(book, [_scoring("b")], target=out).backup is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "out.xlsx"]


@pytest.mark.parametrize("lock", ["~$book.xlsx", ".~lock.book.xlsx#"])
def test_a_book_open_in_excel_is_refused_unless_forced(tmp_path: Path, lock: str) -> None:
    book = plain_book(tmp_path)
    (tmp_path / lock).write_bytes(b"owner")
    before = book.read_bytes()
    with pytest.raises(WorkbookError, match=r"book.xlsx seems to be open in Excel or LibreOffice \(" + re.escape(lock)):
        write_workbook(book, [_scoring("a")])
    assert book.read_bytes() == before
    write_workbook(book, [_scoring("a")], force=True)
    assert _marker(book) == "a"


def test_a_failure_before_the_replace_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = plain_book(tmp_path)
    before = book.read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as if the user pressed Ctrl+C just before the rename

    monkeypatch.setattr(writer, "replace_with_backup", crash)
    with pytest.raises(KeyboardInterrupt):
        write_workbook(book, [_scoring("a")])
    assert book.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]  # the temporary file is gone


def test_a_failure_while_streaming_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = plain_book(tmp_path)
    before = book.read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "write_sheet", broken)
    with pytest.raises(OSError):
        write_workbook(book, [_scoring("a")])
    assert book.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_permissions_of_the_book_are_kept(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    book.chmod(0o640)
    write_workbook(book, [_scoring("a")])
    assert book.stat().st_mode & 0o777 == 0o640


_KILLABLE = textwrap.dedent("""
    import sys
    from pathlib import Path
    import numpy as np
    from xlscore.workbook.sheetdata import Column, OutputSheet, OutputTable
    from xlscore.workbook.writer import write_workbook
    book, run = Path(sys.argv[1]), sys.argv[2]
    n = 150_000
    table = OutputTable("tblScoring", [Column("Run", [run] * n), Column("Score", np.linspace(0, 100, n)),
                                       Column("Name", [f"Customer {i}" for i in range(n)])])
    print("start", flush=True)
    write_workbook(book, [OutputSheet("Scoring", tables=[table])])
    print("done", flush=True)
""")


def _run_killable(script: Path, book: Path, run: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, str(script), str(book), run], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "start"
    return proc


@pytest.mark.slow
def test_killed_at_random_moments_the_book_is_old_or_complete(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    script = tmp_path / "write.py"
    script.write_text(_KILLABLE)
    started = time.perf_counter()
    proc = _run_killable(script, book, "full")  # one run to the end: how long a write takes here
    assert proc.wait() == 0
    duration = time.perf_counter() - started
    rng = random.Random(7)
    previous = {book.read_bytes()}
    for attempt in range(8):
        proc = _run_killable(script, book, f"run{attempt}")
        time.sleep(rng.uniform(0.0, 1.3 * duration))  # some kills land after the replace
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        data = book.read_bytes()
        if data not in previous:  # the write finished: it must be whole
            with zipfile.ZipFile(book) as zf:
                assert zf.testzip() is None
            Package.open(book).close()
            rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Scoring").to_python()
            assert len(rows) == 150_001 and rows[1][0] == f"run{attempt}"
            previous.add(data)
        else:
            assert _marker(book) in {"full", *(f"run{i}" for i in range(attempt))}
    # leftovers of killed runs are hidden temporary files, never the book or its backups
    for path in tmp_path.iterdir():
        assert path.name in {"book.xlsx", "write.py"} or path.name.startswith(("book.xlsx.bak", ".book.xlsx."))


def test_temporary_files_of_killed_runs_are_cleaned_up_later(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    stale = tmp_path / ".book.xlsx.abc123.xlscore-tmp"
    fresh = tmp_path / ".book.xlsx.def456.xlscore-tmp"
    other = tmp_path / ".other.xlsx.abc123.xlscore-tmp"
    for path in (stale, fresh, other):
        path.write_bytes(b"partial")
    # Every mtime is set from the same clock the cleanup reads (file systems keep real times
    # even when the clock is moved, as under time-machine).
    now = time.time()
    an_hour_ago = now - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    os.utime(other, (an_hour_ago, an_hour_ago))
    os.utime(fresh, (now, now))
    write_workbook(book, [_scoring("a")])
    assert not stale.exists()
    assert fresh.exists() and other.exists()  # maybe still being written; another book's

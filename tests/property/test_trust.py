"""Whatever a user does out of habit, no data is lost.

* Any sequence of in-place runs (re-tiers, xlscore writes, the user re-saving the book in
  between) leaves the book as it was before xlscore first wrote it recoverable byte for
  byte, and ``.bak1`` holds the book as it was before the last write that changed it.
* Any output path (missing folders, files or links in the way, existing files, a disk that
  fills up) gives either the complete file or nothing at all.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures import books
from xlscore.cli import main
from xlscore.templates.build import save_template
from xlscore.workbook import atomic
from xlscore.workbook.sheetdata import Column, OutputSheet, OutputTable
from xlscore.workbook.writer import write_workbook

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])


class Pristine(bytes):
    def __repr__(self) -> str:  # keep falsifying examples short
        return f"<the test book, {len(self)} bytes>"


@pytest.fixture(scope="module")
def pristine() -> Iterator[bytes]:
    with tempfile.TemporaryDirectory() as folder:
        yield Pristine(books.write(Path(folder) / "book.xlsx").read_bytes())


def _user_resave(book: Path, n: int) -> None:
    """As Excel saves: every part rewritten (here re-dated), no xlscore marker."""
    with zipfile.ZipFile(book) as src:
        parts = [(info, src.read(info)) for info in src.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts:
            out.writestr(zipfile.ZipInfo(info.filename, (2020, 1, 1 + n % 28, 0, 0, 0)), data)
    book.write_bytes(buffer.getvalue())


def _scoring(marker: str) -> OutputSheet:
    return OutputSheet("Scoring", tables=[OutputTable("tblScoring", [Column("Run", [marker])])])


RUNS = st.lists(st.one_of(st.just(("retier", "")), st.tuples(st.just("write"), st.sampled_from("abc")),
                          st.tuples(st.just("resave"), st.sampled_from("xyz"))), min_size=1, max_size=7)


@SETTINGS
@given(runs=RUNS, backups=st.integers(1, 3))
def test_the_book_before_xlscore_is_recoverable_after_any_runs(pristine: bytes, runs: list[tuple[str, str]],
                                                              backups: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "book.xlsx"
        book.write_bytes(pristine)
        last_replaced: bytes | None = None
        original: bytes | None = None  # the book as it was when xlscore first wrote it
        for k, (kind, arg) in enumerate(runs):
            before = book.read_bytes()
            if kind == "resave":
                _user_resave(book, k + ord(arg))
                continue
            original = before if original is None else original
            if kind == "retier":
                with mock.patch("sys.stdout", io.StringIO()):
                    assert main(["retier", str(book), "--quiet"]) == 0
            else:
                write_workbook(book, [_scoring(arg)], backups=backups)
            if book.read_bytes() != before:
                last_replaced = before
        if original is not None:
            assert (Path(folder) / "book.xlsx.orig").read_bytes() == original
        if last_replaced is not None:
            assert (Path(folder) / "book.xlsx.bak1").read_bytes() == last_replaced


PLACES = st.sampled_from(["folder", "missing", "missing/deeper", "file", "link-to-folder", "dangling-link"])
TARGETS = st.sampled_from(["none", "file", "link-to-file", "folder"])


def _place(root: Path, place: str, target: str) -> Path:
    (root / "real").mkdir()
    (root / "a-file").write_bytes(b"not a folder")
    folder = {"folder": root / "real", "missing": root / "missing", "missing/deeper": root / "missing" / "deeper",
              "file": root / "a-file", "link-to-folder": root / "linked", "dangling-link": root / "dangling"}[place]
    if place == "link-to-folder":
        folder.symlink_to(root / "real")
    if place == "dangling-link":
        folder.symlink_to(root / "nowhere")
    path = folder / "out.xlsx"
    if target != "none" and folder.is_dir():
        if target == "file":
            path.write_bytes(b"someone's file")
        elif target == "link-to-file":
            (root / "real" / "kept.xlsx").write_bytes(b"someone's file")
            path.symlink_to(root / "real" / "kept.xlsx")
        else:
            path.mkdir()
    return path


def _tree(root: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        out[key] = f"-> {path.readlink()}" if path.is_symlink() else path.read_bytes() if path.is_file() else "dir"
    return out


@SETTINGS
@given(place=PLACES, target=TARGETS, force=st.booleans(), disk_full=st.booleans(),
       command=st.sampled_from(["new", "retier"]))
def test_any_output_path_gives_a_complete_file_or_nothing(pristine: bytes, place: str, target: str, force: bool,
                                                          disk_full: bool, command: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "root"
        root.mkdir()
        path = _place(root, place, target)
        book = Path(folder) / "book.xlsx"
        book.write_bytes(pristine)
        before = _tree(root)
        argv = ["new", str(path)] if command == "new" else ["retier", str(book), "-o", str(path), "--quiet"]
        argv += ["--force"] if force else []

        def no_space(fd: int) -> None:
            raise OSError(28, "No space left on device")

        out, err = io.StringIO(), io.StringIO()
        with mock.patch.object(atomic.os, "fsync", no_space) if disk_full else mock.patch("sys.argv", []), \
                mock.patch("sys.stdout", out), mock.patch("sys.stderr", err):
            code = main(argv)
        assert "Traceback" not in err.getvalue()
        assert book.read_bytes() == pristine
        if code == 0:
            written = path.resolve()
            if command == "new":
                expected = Path(folder) / "expected.xlsx"
                save_template(expected)
                assert written.read_bytes() == expected.read_bytes()
            else:
                with zipfile.ZipFile(written) as zf:
                    assert zf.testzip() is None and "xl/workbook.xml" in zf.namelist()
            assert not list(written.parent.glob(".*xlscore-tmp"))
        else:
            assert code in (1, 2) and err.getvalue().count("\n") == 1
            assert _tree(root) == before
        shutil.rmtree(root)

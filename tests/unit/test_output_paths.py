"""Every command checks its output paths before writing anything; no traceback ever."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures import books
from xlscore.cli import main
from xlscore.workbook import atomic, writer


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return books.write(tmp_path / "book.xlsx")


@pytest.mark.parametrize("argv", [
    ["new", "{tmp}/sub/dir/b.xlsx"],
    ["demo", "--customers", "20", "-o", "{tmp}/nodir/d.xlsx"],
    ["retier", "{book}", "-o", "{tmp}/nodir/out.xlsx"],
    ["plan", "{book}", "--ics", "{tmp}/nodir/p.ics"],
    ["plan", "{book}", "-o", "{tmp}/nodir/out.xlsx"],
    ["snapshot", "{book}", "-o", "{tmp}/nodir/out.xlsx"],
    ["classify", "{book}", "-o", "{tmp}/nodir/out.xlsx"],
])
def test_a_missing_output_folder_is_one_clean_message_and_the_book_is_untouched(
        tmp_path: Path, book: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    before = _files(tmp_path)
    assert main([a.format(tmp=tmp_path, book=book) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "does not exist; create it first or choose another place (nothing was written)" in err
    assert _files(tmp_path) == before


@pytest.mark.parametrize("argv", [
    ["new", "{tmp}/there.xlsx"],
    ["demo", "--customers", "20", "-o", "{tmp}/there.xlsx"],
    ["retier", "{book}", "-o", "{tmp}/there.xlsx"],
    ["snapshot", "{book}", "-o", "{tmp}/there.xlsx"],
    ["plan", "{book}", "-o", "{tmp}/there.xlsx"],
    ["plan", "{book}", "--ics", "{tmp}/there.ics"],
    ["classify", "{book}", "-o", "{tmp}/there.xlsx"],
])
def test_an_existing_file_is_not_replaced_without_force(
        tmp_path: Path, book: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "there.xlsx").write_bytes(b"a real book")
    (tmp_path / "there.ics").write_bytes(b"a real calendar")
    before = _files(tmp_path)
    assert main([a.format(tmp=tmp_path, book=book) for a in argv]) == 2
    assert "already exists: choose another name, or pass --force to replace it" in capsys.readouterr().err
    assert _files(tmp_path) == before


def test_demo_over_a_file_with_force_keeps_the_old_one(tmp_path: Path) -> None:
    target = books.write(tmp_path / "d.xlsx")
    old = target.read_bytes()
    assert main(["demo", "--customers", "20", "-o", str(target), "--force"]) == 0
    assert (tmp_path / "d.xlsx.bak1").read_bytes() == old
    assert not list(tmp_path.glob(".d.xlsx*"))  # the demo's input book is gone


def test_retier_into_the_book_itself_is_in_place_not_a_new_file(book: Path) -> None:
    assert main(["retier", str(book), "-o", str(book)]) == 0
    assert (book.parent / "book.xlsx.bak1").exists()


def test_score_and_addin_build_refuse_an_existing_output(tmp_path: Path, book: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text("Customer ID,Sales\nK1,10\n")
    out = tmp_path / "scored.csv"
    out.write_text("keep me")
    assert main(["score", str(book), "--customers", str(customers), "-o", str(out)]) == 2
    xlam = tmp_path / "xlscore.xlam"
    xlam.write_bytes(b"keep me too")
    assert main(["addin", "build", "-o", str(xlam)]) == 2
    assert capsys.readouterr().err.count("already exists") == 2
    assert out.read_text() == "keep me" and xlam.read_bytes() == b"keep me too"


def test_an_unwritable_folder_is_refused_before_any_work(tmp_path: Path, book: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    before = _files(tmp_path)
    monkeypatch.setattr(atomic.tempfile, "mkstemp", denied)
    assert main(["retier", str(book)]) == 2
    assert main(["new", str(tmp_path / "n.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.count(f"cannot write in the folder {tmp_path} (Permission denied)") == 2
    assert _files(tmp_path) == before


def test_a_full_disk_leaves_the_book_and_says_the_partial_file_was_removed(
        tmp_path: Path, book: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    before = _files(tmp_path)
    monkeypatch.setattr(writer, "write_sheet", full)
    assert main(["retier", str(book)]) == 1
    monkeypatch.setattr(atomic.os, "fsync", full)
    assert main(["new", str(tmp_path / "n.xlsx")]) == 1
    err = capsys.readouterr().err
    assert err.count("(No space left on device): nothing was changed, and the unfinished temporary file "
                     "was removed") == 2
    assert _files(tmp_path) == before


def test_json_into_a_closed_pipe_exits_quietly(book: Path) -> None:
    for command in (["validate", str(book), "--json"], ["retier", str(book), "--json"]):
        process = subprocess.Popen([sys.executable, "-m", "xlscore.cli", *command], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader goes away before anything is printed
        err = process.stderr.read().decode()
        assert process.wait() == 0
        assert err == ""


def test_new_with_force_over_a_book_keeps_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = books.write(tmp_path / "book.xlsx")
    old = book.read_bytes()
    assert main(["new", str(book), "--force"]) == 0
    assert (tmp_path / "book.xlsx.bak1").read_bytes() == old
    assert f"the file it replaced is kept as {tmp_path / 'book.xlsx.bak1'}" in capsys.readouterr().out


def test_a_json_error_into_a_closed_pipe_shows_no_traceback(tmp_path: Path) -> None:
    """The JSON error document of a missing book, into a reader that went away: exit 2, one line, no trace."""
    command = ["validate", str(tmp_path / "none.xlsx"), "--json"]
    process = subprocess.Popen([sys.executable, "-m", "xlscore.cli", *command],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait() == 2
    assert "Traceback" not in err and "no such file" in err

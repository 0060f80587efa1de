"""In-place runs keep the book as it was before xlscore, and write through links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.fixtures import books
from xlscore.cli import main
from xlscore.workbook.sheetdata import Column, OutputSheet, OutputTable
from xlscore.workbook.writer import write_workbook


def _scoring(marker: str) -> OutputSheet:
    return OutputSheet("Scoring", tables=[OutputTable("tblScoring", [Column("Run", [marker])])])


def _marker(book: Path) -> str:
    return str(CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Scoring").to_python()[1][0])


def test_repeated_retier_runs_keep_the_original_and_do_not_rotate_copies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = books.write(tmp_path / "book.xlsx")
    original = book.read_bytes()
    for _ in range(4):
        assert main(["retier", str(book)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "book.xlsx.orig").read_bytes() == original
    assert (tmp_path / "book.xlsx.bak1").read_bytes() == original  # not pushed out by copies of the result
    assert not (tmp_path / "book.xlsx.bak2").exists()
    assert f"backup: {tmp_path / 'book.xlsx.bak1'}" in out
    assert f"before xlscore: {tmp_path / 'book.xlsx.orig'}" in out


def test_backups_rotate_only_when_the_book_changed(tmp_path: Path) -> None:
    book = books.write(tmp_path / "book.xlsx")
    original = book.read_bytes()
    write_workbook(book, [_scoring("one")])
    first = book.read_bytes()
    assert write_workbook(book, [_scoring("one")]).unchanged
    write_workbook(book, [_scoring("two")])
    write_workbook(book, [_scoring("two")])
    assert [_marker(tmp_path / f"book.xlsx.bak{n}") for n in (1,)] == ["one"]
    assert (tmp_path / "book.xlsx.bak1").read_bytes() == first
    assert (tmp_path / "book.xlsx.bak2").read_bytes() == original
    assert not (tmp_path / "book.xlsx.bak3").exists()


def test_the_original_is_made_once_and_not_again_after_the_user_deletes_it(tmp_path: Path) -> None:
    book = books.write(tmp_path / "book.xlsx")
    write_workbook(book, [_scoring("one")])
    (tmp_path / "book.xlsx.orig").unlink()
    report = write_workbook(book, [_scoring("two")])
    assert report.original is None and not (tmp_path / "book.xlsx.orig").exists()


def test_an_output_book_gets_no_original_of_its_own(tmp_path: Path) -> None:
    book = books.write(tmp_path / "book.xlsx")
    out = tmp_path / "out.xlsx"
    write_workbook(book, [_scoring("one")], target=out)
    report = write_workbook(out, [_scoring("two")])
    assert report.original is None and report.backup == tmp_path / "out.xlsx.bak1"
    assert not (tmp_path / "out.xlsx.orig").exists()


def test_a_symlinked_book_is_written_through_and_stays_a_link(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = books.write(real_dir / "book.xlsx")
    original = real.read_bytes()
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    assert main(["retier", str(link)]) == 0
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert "Scoring" in CalamineWorkbook.from_path(str(real)).sheet_names
    assert (real_dir / "book.xlsx.orig").read_bytes() == original
    assert not (tmp_path / "link.xlsx.bak1").exists()
    assert f"link.xlsx is a link: wrote through to {real}" in capsys.readouterr().out


def test_a_hard_linked_book_keeps_its_inode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = books.write(tmp_path / "book.xlsx")
    original = book.read_bytes()
    other = tmp_path / "same-book.xlsx"
    os.link(book, other)
    inode = book.stat().st_ino
    assert main(["retier", str(book)]) == 0
    assert book.stat().st_ino == inode and other.read_bytes() == book.read_bytes()
    assert "Scoring" in CalamineWorkbook.from_path(str(other)).sheet_names
    assert (tmp_path / "book.xlsx.bak1").read_bytes() == original
    assert (tmp_path / "book.xlsx.orig").read_bytes() == original
    assert (tmp_path / "book.xlsx.bak1").stat().st_ino != inode
    assert "book.xlsx has 2 hard links: rewritten in place" in capsys.readouterr().out


def test_without_backups_a_hard_link_is_broken_and_that_is_said(tmp_path: Path) -> None:
    book = books.write(tmp_path / "book.xlsx")
    original = book.read_bytes()
    other = tmp_path / "same-book.xlsx"
    os.link(book, other)
    report = write_workbook(book, [_scoring("one")], backups=0)
    assert other.read_bytes() == original
    assert any("cannot be rewritten in place safely" in note for note in report.notes)

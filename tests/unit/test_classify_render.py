"""The Nine-box and Methods sheets open and render in LibreOffice (one soffice call, both languages)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tests.helpers.classify_books import write_book, write_zh_book
from xlscore.analysis import analyse
from xlscore.retier import output_sheets
from xlscore.workbook.tables import TableSource
from xlscore.workbook.writer import write_workbook

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"),
]


def only_classification_sheets(book: Path, target: Path) -> Path:
    """Re-tier ``book`` into ``target`` keeping just the Nine-box and Methods sheets, so the PDF is short."""
    analysis = analyse(book, date(2026, 11, 1))
    sheets = output_sheets(analysis)[-2:]
    assert [s.name for s in sheets] in (["Nine-box", "Methods"], ["九宫格", "方法对比"])
    write_workbook(book, sheets, target=target, remove=TableSource(book).sheet_names)
    return target


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_nine_box_and_methods_render(tmp_path: Path) -> None:
    books = [only_classification_sheets(write_book(tmp_path / "book.xlsx"), tmp_path / "classes_en.xlsx"),
             only_classification_sheets(write_zh_book(tmp_path / "zh.xlsx"), tmp_path / "classes_zh.xlsx")]
    profile = tmp_path / "profile"
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, books)],
                   check=True, capture_output=True, timeout=300)
    text = pdf_text(tmp_path / "pdf" / "classes_en.pdf")
    assert text.count("Nine-box: value × potential") == 1
    assert "Value: High (≥ 70)" in text and "Potential: Low (< 40)" in text  # the grid's labels with cut points
    assert "High value" in text and "Low value" in text  # the cells table
    assert "Tier vs RFM segment" in text and "75.0%" in text
    assert "Tier × nine-box cell" in text and "60.0%" in text
    chinese = pdf_text(tmp_path / "pdf" / "classes_zh.pdf")
    assert chinese.count("九宫格：价值 × 潜力") == 1
    assert "层级 × RFM 细分" in chinese and "一致率" in chinese

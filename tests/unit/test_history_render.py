"""The Migration sheet as a person sees it: LibreOffice renders it to PDF, then PNG.

One ``soffice`` call. The PNG is kept next to the PDF in pytest's temporary folder so it
can be looked at; the test checks the page's text and that the chart drew something.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, time
from pathlib import Path

import pytest

from tests.helpers.history_books import QUARTER_END, customer_rows, new_book, set_customers
from xlscore.history.snapshot import take_snapshot
from xlscore.workbook.writer import write_workbook


@pytest.mark.libreoffice
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) is not installed")
def test_migration_sheet_renders_with_its_chart(tmp_path: Path) -> None:
    book = new_book(tmp_path / "three.xlsx", customer_rows("2026-Q1"))
    for period in ("2026-Q1", "2026-Q2", "2026-Q3"):
        set_customers(book, customer_rows(period))
        take_snapshot(book, period, as_of=QUARTER_END[period], taken_at=datetime.combine(QUARTER_END[period], time(17)))
    import python_calamine as calamine

    others = [s for s in calamine.CalamineWorkbook.from_path(str(book)).sheet_names if s != "Migration"]
    only = tmp_path / "migration.xlsx"
    write_workbook(book, [], target=only, remove=others)
    profile = (tmp_path / "lo-profile").as_uri()  # a private profile: parallel runs never share one
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(only)], capture_output=True, check=True, timeout=300)
    pdf = tmp_path / "migration.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Tier migration 2026-Q2 → 2026-Q3" in text
    assert "5 customers in both periods: up 1, down 2, same 2; new 3, lost 1." in text
    assert "Where 2026-Q2 tiers went in 2026-Q3" in text  # the chart title
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf), str(tmp_path / "migration")],
                   check=True)
    png = tmp_path / "migration.png"
    assert png.stat().st_size > 5_000

"""Package.open refuses bad and hostile files with a clear message, and never changes them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.fixtures.hostile import CASES, HostileCase, plain_book
from xlscore.errors import UsageError, WorkbookError
from xlscore.workbook.package import Limits, Package
from xlscore.workbook.sheetdata import Column, OutputSheet, OutputTable
from xlscore.workbook.writer import write_workbook


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_open_refuses_with_a_clear_message(case: HostileCase, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    before = _digest(path)
    with pytest.raises(case.error) as caught:
        Package.open(path, case.limits).close()
    assert case.message in str(caught.value)
    assert _digest(path) == before


_CELL_CASES = ("stray far cell", "huge row number")  # the writer copies sheets without reading cells


@pytest.mark.parametrize("case", [c for c in CASES if c.limits is None and c.name not in _CELL_CASES],
                         ids=[c.name for c in CASES if c.limits is None and c.name not in _CELL_CASES])
def test_write_refuses_the_same_files_and_leaves_them_alone(case: HostileCase, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    before = _digest(path)
    sheet = OutputSheet("Scoring", tables=[OutputTable("tblScoring", [Column("Score", [1.0])])])
    with pytest.raises((WorkbookError, UsageError)):
        write_workbook(path, [sheet])
    assert _digest(path) == before
    assert not list(tmp_path.glob("*.bak*"))
    assert not list(tmp_path.glob(".*xlscore-tmp"))


def test_a_clean_book_opens_and_describes_itself(tmp_path: Path) -> None:
    path = plain_book(tmp_path)
    with Package.open(path) as pkg:
        assert pkg.workbook_part == "xl/workbook.xml"
        assert [s.name for s in pkg.sheets()] == ["Customers"]
        assert pkg.sheets()[0].part == "xl/worksheets/sheet1.xml"
        assert not pkg.is_macro_enabled
        assert "xl/styles.xml" in pkg.names
        assert pkg.read("xl/workbook.xml").startswith(b"<workbook")


def test_tables_report_name_ref_and_counts(tmp_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.worksheet.table import Table

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Bands"
    for row in [["Indicator", "Points"], ["Value", 10], ["Value", 20]]:
        ws.append(row)
    ws.add_table(Table(displayName="tblBands", ref="A1:B3"))
    wb.save(tmp_path / "t.xlsx")
    with Package.open(tmp_path / "t.xlsx") as pkg:
        (table,) = pkg.tables()
    assert (table.name, table.ref, table.sheet, table.header_row_count, table.totals_row_count) == (
        "tblBands", "A1:B3", "Bands", 1, 0)
    assert table.part == "xl/tables/table1.xml"


def test_the_lying_header_is_caught_while_reading(tmp_path: Path) -> None:
    """The directory claims 40 bytes; reading stops there and the CRC check fails."""
    case = next(c for c in CASES if c.name == "lying size")
    with pytest.raises(WorkbookError, match="damaged"):
        Package.open(case.make(tmp_path)).close()


def test_a_wide_sheet_is_fine_when_its_grid_is_reasonable(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in range(1, 21):
        ws.append([row * 1000 + col for col in range(1, 301)])  # 300 columns, up to KN
    wb.save(tmp_path / "wide.xlsx")
    Package.open(tmp_path / "wide.xlsx").close()


def test_the_cell_limit_is_configurable(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"], ws["ZZ5000"] = "ID", "stray"
    wb.save(tmp_path / "b.xlsx")
    Package.open(tmp_path / "b.xlsx").close()  # 5,000 x 702 cells: fine by default
    with pytest.raises(WorkbookError, match=r"Sheet!ZZ5000 holds a cell so far .* grid of 3,510,000 cells"):
        Package.open(tmp_path / "b.xlsx", Limits(max_sheet_cells=1_000_000)).close()
    Package.open(tmp_path / "b.xlsx", Limits(max_sheet_cells=1_000_000), check_cells=False).close()

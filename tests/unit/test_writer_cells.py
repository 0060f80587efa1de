"""How values become cells: text stays text, numbers, dates, formulas, limits, links, views."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from tests.fixtures.hostile import plain_book
from xlscore.errors import WorkbookError
from xlscore.workbook.sheetdata import CellValue, Column, Formula, FreeCell, OutputSheet, OutputTable
from xlscore.workbook.writer import write_workbook


def _write(tmp_path: Path, values: Sequence[Any], fmt: str = "general", **sheet: Any) -> Path:
    book = plain_book(tmp_path)
    table = OutputTable("tblOut", [Column("Value", values, fmt)])  # type: ignore[arg-type]
    write_workbook(book, [OutputSheet("Out", tables=[table], **sheet)], backups=0)
    return book


def _column(book: Path, data_only: bool = False) -> list[Any]:
    ws = openpyxl.load_workbook(book, data_only=data_only)["Out"]
    return [c.value for c in ws["A"][1:]]


def _sheet_xml(book: Path) -> str:
    with zipfile.ZipFile(book) as zf:
        return zf.read("xl/worksheets/sheet2.xml").decode()


INJECTION = ["=1+1", "+A1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "=cmd|' /C calc'!A0", "=HYPERLINK(\"x\")"]


def test_formula_injection_is_written_as_text(tmp_path: Path) -> None:
    book = _write(tmp_path, INJECTION)
    ws = openpyxl.load_workbook(book)["Out"]
    for cell, text in zip(ws["A"][1:], INJECTION, strict=True):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert "<f>" not in _sheet_xml(book)
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Out").to_python()
    assert [r[0] for r in rows[1:]] == INJECTION


def test_plain_text_is_inline_escaped_and_cleaned(tmp_path: Path) -> None:
    values = ["Foxtrot & <Co>", "a\x01b\x1fc", " lead", "two\nlines", "_x0041_", "中文客户"]
    book = _write(tmp_path, values)
    xml = _sheet_xml(book)
    assert '<is><t>Foxtrot &amp; &lt;Co&gt;</t></is>' in xml  # xml:space only where spaces at an end need it
    assert '<is><t xml:space="preserve"> lead</t></is>' in xml
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Out").to_python()
    assert [r[0] for r in rows[1:]] == ["Foxtrot & <Co>", "abc", " lead", "two\nlines", "_x0041_", "中文客户"]
    ws = openpyxl.load_workbook(book)["Out"]
    assert not ws["A2"].quotePrefix


def test_numbers_blanks_and_bools(tmp_path: Path) -> None:
    values: list[CellValue] = [1, 2.5, None, float("nan"), True, False, 1e-7, 123456789012, -0.1, float("inf")]
    book = _write(tmp_path, values)
    assert _column(book) == [1, 2.5, None, None, True, False, 1e-7, 123456789012, -0.1, "#NUM!"]
    xml = _sheet_xml(book)
    assert '<c r="A4"' not in xml and '<c r="A5"' not in xml  # blanks are no cells at all
    assert '<c r="A6" t="b"><v>1</v></c>' in xml


def test_numpy_and_pandas_values(tmp_path: Path) -> None:
    series = pd.Series([np.int64(3), np.float64(2.5), np.nan, np.float32(0.5)])
    book = _write(tmp_path, series)
    assert _column(book) == [3, 2.5, None, 0.5]
    mixed: list[Any] = [np.int64(7), np.bool_(True), np.str_("x"), pd.NA, pd.NaT, pd.Timestamp("2026-03-01")]
    book = _write(tmp_path, mixed)
    got = _column(book)
    assert got[:5] == [7, True, "x", None, None]
    assert got[5] == datetime(2026, 3, 1)


def test_dates_are_serials_with_a_date_style(tmp_path: Path) -> None:
    values = [date(2026, 1, 31), date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), datetime(2026, 1, 31, 18)]
    book = _write(tmp_path, values, "date")
    xml = _sheet_xml(book)
    for serial in ("46053", "<v>1</v>", "<v>59</v>", "<v>61</v>", "46053.75"):
        assert serial in xml
    got = _column(book)
    assert got[0] == datetime(2026, 1, 31)
    assert got[3] == datetime(1900, 3, 1)
    assert openpyxl.load_workbook(book)["Out"]["A2"].number_format == "mm-dd-yy"


def test_datetimes_in_a_general_column_show_date_and_time(tmp_path: Path) -> None:
    book = _write(tmp_path, pd.Series(pd.to_datetime(["2026-01-31 06:00", None])).to_numpy())
    ws = openpyxl.load_workbook(book)["Out"]
    assert ws["A2"].value == datetime(2026, 1, 31, 6) and ws["A2"].number_format == "m/d/yy h:mm"
    assert ws["A3"].value is None


def test_dates_before_1900_are_refused_naming_the_cell(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    before = book.read_bytes()
    table = OutputTable("tblOut", [Column("Value", [date(2026, 1, 1), date(1899, 12, 31)], "date")])
    with pytest.raises(WorkbookError, match=r"^Out!A3: the date 1899-12-31 is before 1900-01-01"):
        write_workbook(book, [OutputSheet("Out", tables=[table])])
    assert book.read_bytes() == before


def test_formulas_carry_their_cached_values(tmp_path: Path) -> None:
    values = [Formula("1+1", 2), Formula("=\"a\"&\"b\"", "ab"), Formula("1=1", True), Formula("NA()", "#N/A"),
              Formula("DATE(2026,1,31)", date(2026, 1, 31)), Formula("A1<2")]
    book = _write(tmp_path, values)
    assert _column(book) == ["=1+1", '="a"&"b"', "=1=1", "=NA()", "=DATE(2026,1,31)", "=A1<2"]
    cached = _column(book, data_only=True)
    assert cached[:4] == [2, "ab", True, "#N/A"]
    assert cached[4] == datetime(2026, 1, 31)
    xml = _sheet_xml(book)
    assert '<c r="A3" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>' in xml
    assert '<c r="A5" t="e"><f>NA()</f><v>#N/A</v></c>' in xml
    assert "<f>A1&lt;2</f></c>" in xml


def test_text_longer_than_excel_allows_is_refused_naming_the_cell(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    before = book.read_bytes()
    table = OutputTable("tblOut", [Column("Value", ["ok", "x" * 40_000])])
    with pytest.raises(WorkbookError, match=r"^Out!A3: text of 40,000 characters is longer than Excel's limit "
                                            r"of 32,767 characters per cell"):
        write_workbook(book, [OutputSheet("Out", tables=[table])])
    assert book.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_limit_counts_utf16_units_like_excel(tmp_path: Path) -> None:
    emoji = "😀" * 16_384  # 16,384 characters, 32,768 UTF-16 units
    book = plain_book(tmp_path)
    with pytest.raises(WorkbookError, match="text of 32,768 characters"):
        write_workbook(book, [OutputSheet("Out", tables=[OutputTable("t", [Column("V", [emoji])])])])
    write_workbook(book, [OutputSheet("Out", tables=[OutputTable("t", [Column("V", [emoji[1:]])])])])


def test_more_rows_than_excel_has_is_refused_before_writing(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    before = book.read_bytes()
    rows = range(1_048_576)  # + the header row = 1,048,577 rows
    table = OutputTable("tblScoring", [Column("Rank", rows)])
    with pytest.raises(WorkbookError, match=r"^Scoring: table tblScoring needs rows 1 to 1,048,577 \(1,048,576 "
                                            r"data rows\), but an Excel sheet has 1,048,576 rows"):
        write_workbook(book, [OutputSheet("Scoring", tables=[table])])
    assert book.read_bytes() == before


def test_hyperlinks_views_widths_and_tab_colour(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    table = OutputTable("tblIssues", [
        Column("Cell", ["Bands!C7", "Tiers!B3"], links=["'Bands'!C7", None]),
        Column("Message", ["overlap", "gap"], width=80),
    ], row=3)
    sheet = OutputSheet("Issues", tables=[table], cells=[FreeCell(1, 1, "Issues", bold=True, link="'Issues'!A4")],
                        freeze_row=4, tab_color="#c00000", column_widths={3: 5})
    write_workbook(book, [sheet], backups=0)
    ws = openpyxl.load_workbook(book)["Issues"]
    assert ws["A4"].hyperlink.location == "'Bands'!C7" and ws["A5"].hyperlink is None
    assert ws["A1"].hyperlink.location == "'Issues'!A4" and ws["A1"].font.b
    assert ws["A4"].font.u == "single"
    assert ws.freeze_panes == "A4"
    assert ws.sheet_properties.tabColor.rgb == "FFC00000"
    assert ws.column_dimensions["B"].width == 80 and ws.column_dimensions["C"].width == 5
    assert 8 <= ws.column_dimensions["A"].width < 20


def test_an_empty_table_keeps_one_blank_row(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    table = OutputTable("tblIssues", [Column("Severity", []), Column("Message", [])])
    write_workbook(book, [OutputSheet("Issues", tables=[table])], backups=0)
    ws = openpyxl.load_workbook(book)["Issues"]
    assert dict(ws.tables.items()) == {"tblIssues": "A1:B2"}
    assert [c.value for c in ws[1]] == ["Severity", "Message"]


@pytest.mark.parametrize(("sheet", "message"), [
    (OutputSheet("Bad/Name"), "'Bad/Name' cannot be an Excel sheet name"),
    (OutputSheet("S", tables=[OutputTable("A1", [Column("x", [1])])]), "'A1' cannot be an Excel table name"),
    (OutputSheet("S", tables=[OutputTable("t", [Column("x", [1]), Column("X", [2])])]),
     "S: table t has two columns named 'X'"),
    (OutputSheet("S", tables=[OutputTable("t", [Column("x", [1]), Column("y", [1, 2])])]),
     "S: table t column 'y' has 2 values, but the first column has 1"),
    (OutputSheet("S", tables=[OutputTable("t", [Column("x", [1])])], cells=[FreeCell(2, 1, "note")]),
     "S: table t and cell A2 overlap"),
])
def test_sheets_excel_would_refuse_are_refused_first(tmp_path: Path, sheet: OutputSheet, message: str) -> None:
    book = plain_book(tmp_path)
    before = book.read_bytes()
    with pytest.raises(WorkbookError, match=message.replace("(", r"\(").replace(")", r"\)")):
        write_workbook(book, [sheet])
    assert book.read_bytes() == before


def test_many_rows_are_streamed_in_chunks(tmp_path: Path) -> None:
    n = 50_000
    ids = [f"K{i:06}" for i in range(n)]
    scores = np.linspace(0, 100, n)
    book = plain_book(tmp_path)
    table = OutputTable("tblScoring", [Column("ID", ids), Column("Score", scores, "number2"),
                                       Column("Rank", np.arange(1, n + 1), "integer")])
    seen: list[int] = []
    write_workbook(book, [OutputSheet("Scoring", tables=[table])], backups=0, progress=seen.append)
    assert sum(seen) == n + 1 and len(seen) > 2
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Scoring").to_python()
    assert len(rows) == n + 1
    assert rows[-1] == ["K049999", 100.0, n]
    assert rows[12345][1] == pytest.approx(scores[12344])


def test_hyperlinks_stop_at_excels_limit_per_sheet(tmp_path: Path) -> None:
    n = 70_000
    book = plain_book(tmp_path)
    table = OutputTable("tblIssues", [Column("Cell", [f"Customers!A{i}" for i in range(n)],
                                             links=[f"'Customers'!A{i}" for i in range(n)])])
    write_workbook(book, [OutputSheet("Issues", tables=[table])], backups=0)
    xml = _sheet_xml(book)
    assert xml.count("<hyperlink ") == 65_530
    assert '<hyperlink ref="A65531" location="\'Customers\'!A65529"/></hyperlinks>' in xml


def test_formulas_longer_than_excel_allows_are_refused(tmp_path: Path) -> None:
    book = plain_book(tmp_path)
    formula = "+".join(["1"] * 4_200)  # 8,399 characters
    with pytest.raises(WorkbookError, match=r"^Out!A2: a formula of 8,399 characters is longer than Excel's limit"):
        write_workbook(book, [OutputSheet("Out", tables=[OutputTable("t", [Column("F", [Formula(formula, 1)])])])])

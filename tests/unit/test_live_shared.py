"""The live Scoring sheet stored as shared formulas (one formula per column, filled down).

Each formula column is a :class:`FormulaColumn` (template + cached values) and the writer
stores it as Excel does a fill-down: the first cell holds the formula text, the others
only refer to it. These tests check that nothing a reader sees changes: openpyxl (which
expands shared formulas) reads the formula of every row, the cached values and styles are
those the per-cell formulas gave, and the hidden helper values equal a row-by-row reckoning.
LibreOffice's side is in test_formulas_libreoffice.py (a book written with wrong cached
values recalculates to the engine).
"""

from __future__ import annotations

import math
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from tests.fixtures.books import BookSpec, write
from tests.fixtures.hostile import plain_book
from tests.helpers.live_books import TODAY, numeric_ids_spec, threshold_spec, with_override
from xlscore.analysis import analyse
from xlscore.retier import retier
from xlscore.templates.demo import write_demo_book
from xlscore.workbook import sheetxml
from xlscore.workbook.formulas import TABLE_ROW, live_sheets
from xlscore.workbook.live_cache import band_points, earned_and_present, weights_counted
from xlscore.workbook.sheetdata import ROW, Column, Formula, FormulaColumn, OutputSheet, OutputTable, shown_value
from xlscore.workbook.writer import write_workbook

FIRST = TABLE_ROW + 1  # sheet row of tblScoring's first customer


def _live_books(folder: Path) -> dict[str, Path]:
    books = {"share": write(folder / "share.xlsx", BookSpec()), "threshold": write(folder / "t.xlsx", threshold_spec()),
             "numeric": write(folder / "numeric.xlsx", numeric_ids_spec()),
             "override": write(folder / "override.xlsx", BookSpec(), with_override)}
    write_demo_book(folder / "demo_zh.xlsx", 150, 5, "zh")
    books["demo_zh"] = folder / "demo_zh.xlsx"
    return books


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _live_books(tmp_path_factory.mktemp("shared"))


def _scoring(book: Path) -> OutputTable:
    return live_sheets(analyse(book, TODAY))[0].tables[0]


def _formula_columns(table: OutputTable) -> list[tuple[int, Column, FormulaColumn]]:
    return [(k + 1, c, c.values) for k, c in enumerate(table.columns) if isinstance(c.values, FormulaColumn)]


# ------------------------------------------------------------------ the data
def test_a_formula_column_indexes_and_slices_like_the_per_cell_formulas() -> None:
    column = FormulaColumn(f"N($B{ROW})+Bands!$C$7+SUM(Customers!$E:$E)", [1.5, None, float("nan"), "x"], 8)
    assert len(column) == 4
    assert column[0] == Formula("N($B8)+Bands!$C$7+SUM(Customers!$E:$E)", 1.5)
    assert column[-1] == Formula("N($B11)+Bands!$C$7+SUM(Customers!$E:$E)", "x")
    assert [f.cached for f in column] == [1.5, "", "", "x"]  # a formula shows "" for no value
    tail = column[2:]
    assert isinstance(tail, FormulaColumn) and list(tail) == list(column)[2:]
    with pytest.raises(IndexError):
        column[4]
    assert shown_value(pd.NaT) == "" and shown_value(0.0) == 0.0


def test_every_formula_column_of_a_live_sheet_is_shared_data(books: dict[str, Path]) -> None:
    table = _scoring(books["share"])
    shared = {c.header for _, c, _ in _formula_columns(table)}
    static = {c.header for c in table.columns} - shared
    assert static == {"Customer ID", "Customers row at last run", "Type", "Type rule"}  # Type: extension values
    assert {"Score", "Rank", "Tier", "Flags", "Customers row", "Points: Sales", "Weights counted"} <= shared


@pytest.mark.parametrize("name", ["share", "threshold", "numeric", "override", "demo_zh"])
def test_every_template_fills_down_exactly(books: dict[str, Path], name: str) -> None:
    """A fill-down (Excel's, openpyxl's Translator) of the first row's formula gives each row's
    formula: the row-relative references are the only ones that move (whole columns,
    absolute model cells and structured references stay)."""
    checked = 0
    for col, column, formulas in _formula_columns(_scoring(books[name])):
        assert formulas.row == FIRST, column.header
        letter = get_column_letter(col)
        first = Translator("=" + formulas.text_at(0), f"{letter}{FIRST}")
        for k in (1, 2, 16_383, 16_384, 16_385, 1_048_576 - FIRST):
            assert first.translate_formula(f"{letter}{FIRST + k}") == "=" + formulas.text_at(k), (column.header, k)
        assert ROW in formulas.template  # a template that ignores its row would be a constant
        checked += 1
    assert checked >= 20


# ------------------------------------------------------------------ the file
def _strip_formulas(xml: bytes) -> bytes:
    return re.sub(rb"<f(?: [^>]*)?/>|<f(?: [^>]*)?>.*?</f>", b"", xml)


def _sheet_part(book: Path, name: str) -> bytes:
    with zipfile.ZipFile(book) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet name="{re.escape(name)}" sheetId="\d+" r:id="(rId\d+)"', workbook)
        assert rid is not None
        target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="/?(?:xl/)?([^"]+)"', rels) or \
            re.search(rf'Target="/?(?:xl/)?([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
        assert target is not None
        return zf.read("xl/" + target.group(1))


def _per_cell(sheet: OutputSheet) -> OutputSheet:
    """The same sheet with a Formula object per cell (how it was written before shared formulas)."""
    tables = [OutputTable(t.name, [Column(c.header, list(c.values), c.fmt, c.width, c.links, c.calculated, c.fills)
                                   for c in t.columns], t.row, t.col, t.style) for t in sheet.tables]
    return OutputSheet(sheet.name, tables, sheet.cells, sheet.chart, sheet.freeze_row, sheet.tab_color,
                       sheet.column_widths, sheet.print_title_row, sheet.footer, sheet.fit_width, sheet.active)


def test_a_live_book_reads_back_with_each_rows_formula_and_cached_value(books: dict[str, Path],
                                                                        tmp_path: Path) -> None:
    source = books["demo_zh"]
    target = tmp_path / "live.xlsx"
    retier(source, target, as_of=TODAY, live=True)
    scoring = live_sheets(analyse(source, TODAY))[0]
    table = scoring.tables[0]
    formulas = openpyxl.load_workbook(target)["评分"]
    values = openpyxl.load_workbook(target, data_only=True)["评分"]
    for col, column, cells in _formula_columns(table):
        for k in range(len(cells)):
            assert formulas.cell(FIRST + k, col).value == "=" + cells[k].text, (column.header, k)
            cached, got = cells[k].cached, values.cell(FIRST + k, col).value
            if isinstance(got, datetime):  # a date-formatted serial number
                got = to_excel(got)
            assert got == cached or (cached == "" and got is None), (column.header, k, got, cached)
    xml = _sheet_part(target, "评分").decode()
    single = sum(isinstance(c.value, Formula) for c in scoring.cells)  # the status line
    assert xml.count("<f>") == single and xml.count('<f t="shared" ref=') == len(_formula_columns(table))


N_BIG = 17_000  # more rows than the largest chunk the writer builds (16,384)


def _big_sheet(template_of: dict[str, str]) -> OutputSheet:
    """A table of N_BIG rows: IDs, and real live templates over numbers, text and blanks."""
    rng = np.random.default_rng(7)
    numbers = np.round(rng.uniform(0, 100, N_BIG), 2)
    numbers[rng.random(N_BIG) < 0.1] = np.nan
    words = np.array(["", "missing: Sales", "no band: Sales; missing: Visits", "a & <b>", "#N/A"], dtype=object)
    flags = words[rng.integers(0, len(words), N_BIG)]
    points = np.where(rng.random(N_BIG) < 0.8, rng.choice([0.0, 10.0, 40.0, 70.0], N_BIG), "no band: Sales")
    points = np.array([float(p) if p != "no band: Sales" else p for p in points], dtype=object)
    ranks = [int(r) if r % 7 else None for r in range(1, N_BIG + 1)]
    columns = [Column("Customer ID", [f"K{k:05d}" for k in range(N_BIG)]),
               Column("Score", FormulaColumn(template_of["Score"], numbers, FIRST), "number2"),
               Column("Rank", FormulaColumn(template_of["Rank"], ranks, FIRST), "integer"),
               Column("Flags", FormulaColumn(template_of["Flags"], flags, FIRST)),
               Column("Points", FormulaColumn(template_of["Points: Sales"], points, FIRST), width=0),
               Column("Approved", FormulaColumn(template_of["Approved (as read)"], rng.random(N_BIG) < 0.5, FIRST))]
    return OutputSheet("Out", [OutputTable("tblOut", columns, row=TABLE_ROW)])


def test_shared_columns_over_many_chunks_read_back_cell_by_cell(books: dict[str, Path], tmp_path: Path) -> None:
    table = _scoring(books["share"])
    templates = {c.header: c.values.template for _, c, _ in _formula_columns(table)}
    sheet = _big_sheet(templates)
    shared, per_cell = plain_book(tmp_path, "shared.xlsx"), plain_book(tmp_path, "per_cell.xlsx")
    write_workbook(shared, [sheet], backups=0)
    write_workbook(per_cell, [_per_cell(sheet)], backups=0)
    xml, old = _sheet_part(shared, "Out"), _sheet_part(per_cell, "Out")
    # cached values, types and styles: byte for byte those of the per-cell formulas
    assert _strip_formulas(xml) == _strip_formulas(old)
    assert len(xml) < len(old) / 3
    step = min(16_384, sheetxml.CELLS_PER_CHUNK // len(sheet.tables[0].columns))
    rows = sorted({0, 1, step - 1, step, step + 1, 16_383, 16_384, 16_385, N_BIG - 2, N_BIG - 1})
    wanted = {FIRST + k for k in rows}
    got: dict[int, tuple[Any, ...]] = {}
    for r, row in enumerate(openpyxl.load_workbook(shared, read_only=True)["Out"].iter_rows(values_only=True), 1):
        if r in wanted:
            got[r] = row
    cached: dict[int, tuple[Any, ...]] = {}
    for r, row in enumerate(openpyxl.load_workbook(shared, read_only=True, data_only=True)["Out"].iter_rows(
            values_only=True), 1):
        if r in wanted:
            cached[r] = row
    for k in rows:
        for col, column in enumerate(sheet.tables[0].columns[1:], 1):
            cell = column.values[k]
            assert isinstance(cell, Formula)
            assert got[FIRST + k][col] == "=" + cell.text, (column.header, k)
            value = cached[FIRST + k][col]
            want = cell.cached
            assert value == want or (want == "" and value is None), (column.header, k, value, want)


# ------------------------------------------------------------------ helper values, row by row
def _weights_by_row(model: Any, result: pd.DataFrame) -> list[float]:
    profiles = {p.name: p for p in model.profiles}
    out = []
    for record in result[["Profile", *(i.name for i in model.indicators)]].itertuples(index=False):
        total = 0.0
        for ind, score in zip(model.indicators, record[1:], strict=True):
            if score == score:
                total += float(profiles[record[0]].weights.get(ind.name, 0.0))
        out.append(total)
    return out


def _same_floats(got: np.ndarray, want: list[float]) -> bool:
    return len(got) == len(want) and all(g == w and math.copysign(1, g) == math.copysign(1, w)
                                         for g, w in zip(got.tolist(), want, strict=True))


@pytest.mark.parametrize("name", ["share", "numeric", "demo_zh"])
def test_helper_values_equal_a_row_by_row_reckoning(books: dict[str, Path], name: str) -> None:
    analysis = analyse(books[name], TODAY)
    model, result = analysis.book.model, analysis.result
    assert result is not None
    frame = analysis.book.customers.loc[result.index]
    assert _same_floats(weights_counted(model, result), _weights_by_row(model, result))
    for ind in model.indicators:
        if ind.method != "banded":
            continue
        measures = model.measures_of(ind.name)
        earned_want, present_want = [0.0] * len(frame), [0.0] * len(frame)
        for measure in measures:
            values = frame[measure.name].to_numpy(dtype=np.float64)
            got = band_points(measure, values, model.lang)
            for i, v in enumerate(values.tolist()):
                band = None if v != v else measure.band_of(v)
                want: float | str = float(band.points) if band is not None else (
                    f"missing: {measure.name}" if v != v else f"no band: {measure.name}")
                if model.lang == "en":
                    assert got[i] == want and type(got[i]) is type(want), (measure.name, i)
                earned_want[i] += float(band.points) if band is not None else 0.0
                present_want[i] += measure.max_points if v == v else 0.0
        earned, present = earned_and_present(measures, frame)
        assert _same_floats(earned, earned_want) and _same_floats(present, present_want)

"""The live Scoring sheet without a spreadsheet engine: formula text, layout, cached values.

The standard fixture book (tests/fixtures/books.py) has tiers A 20 % / B 50 % / C 100 % and
five customers; K002 (profile Partner: weights 40/40/20) has Sales 1000 -> 40 points,
Margin 9.99 -> 5, Visits 2 -> 20 and an unapproved Rating: Value 45, Activity 20, Rating
left out, Score (45 x 40 + 20 x 40) / 80 = 32.5, rank 4 of 5, tier C (B's cut is
ceil(50 % x 5) = 3).
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from tests.fixtures.books import BookSpec, write
from tests.helpers.live_books import (
    TODAY,
    compare,
    compare_pyramid,
    numeric_ids_spec,
    read_scoring,
    threshold_spec,
    with_override,
    write_live,
)
from xlscore.analysis import analyse
from xlscore.model import Model
from xlscore.retier import output_sheets, retier
from xlscore.templates.demo import write_demo_book
from xlscore.workbook.formula_text import (
    absolute,
    if_chain,
    structured_column,
    sum_of,
    text,
    whole_column,
    word_in,
)
from xlscore.workbook.formulas import TABLE_ROW, live_sheets
from xlscore.workbook.refs import CellRef
from xlscore.workbook.sheetdata import Formula, OutputSheet

# Excel 2007 functions, plus AGGREGATE (Excel 2010, written with its _xlfn. prefix).
ALLOWED_FUNCTIONS = {
    "AND", "AVERAGEIFS", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "FIXED", "IF", "IFERROR", "INDEX", "INT",
    "ISBLANK", "ISLOGICAL", "ISNA", "ISNUMBER", "LOOKUP", "MATCH", "MAX", "MID", "N", "NA", "NOT", "OR", "ROUND",
    "SMALL", "SUMPRODUCT", "TRIM", "_xlfn.AGGREGATE",
}


@pytest.fixture(scope="module")
def fixture_sheets(tmp_path_factory: pytest.TempPathFactory) -> list[OutputSheet]:
    book = write(tmp_path_factory.mktemp("live") / "book.xlsx")
    return live_sheets(analyse(book, TODAY))


def cells_of(sheet: OutputSheet) -> dict[str, list[object]]:
    table = sheet.tables[0]
    return {column.header: list(column.values) for column in table.columns}


def formulas_of(sheets: list[OutputSheet]) -> list[str]:
    out = []
    for sheet in sheets:
        values = [v for t in sheet.tables for c in t.columns for v in c.values] + [c.value for c in sheet.cells]
        out += [v.text for v in values if isinstance(v, Formula)]
    return out


# ------------------------------------------------------------------ formula text
def test_formula_text_pieces() -> None:
    assert text('say "hi"') == '"say ""hi"""'
    assert structured_column("tblCustomers", "Visits [n]'s #1") == "tblCustomers[[Visits '[n']''s '#1]]"
    assert if_chain([("A1>1", "1"), ("A1>0", "2")], "0") == "IF(A1>1,1,IF(A1>0,2,0))"
    assert sum_of(["a", "b", "c"]) == "a+b+c" and sum_of([]) == "0"
    assert word_in("X1", ["yes", "y", "yes"]) == 'ISNUMBER(MATCH(TRIM(X1),{"yes","y"},0))'
    assert absolute(CellRef("Live model", 7, 2)) == "'Live model'!$B$7"
    assert absolute(CellRef("Bands", 3, 3)) == "Bands!$C$3"
    assert whole_column("Customers", 5) == "Customers!$E:$E"


# ------------------------------------------------------------------ layout
def test_live_sheets_are_scoring_pyramid_and_the_live_model(fixture_sheets: list[OutputSheet]) -> None:
    scoring, pyramid, model = fixture_sheets
    assert [s.name for s in fixture_sheets] == ["Scoring", "Pyramid", "Live model"]
    table = scoring.tables[0]
    assert (table.name, table.row) == ("tblScoring", TABLE_ROW)
    headers = [c.header for c in table.columns]
    assert headers[:13] == ["Customer ID", "Customer", "Owner", "Profile", "Value", "Activity", "Rating", "Score",
                            "Rank", "Tier", "Policy", "Next follow-up", "Flags"]
    helpers = [c for c in table.columns if c.header not in headers[:13] and c.width == 0]
    assert [c.header for c in helpers][:3] == ["Customers row", "Customers row at last run", "Profile number"]
    note = " ".join(str(c.value) for c in scoring.cells[1:4])
    assert "re-run of xlscore retier --live" in note and "copy the formulas down" in note
    assert pyramid.chart is not None and pyramid.chart.values == "$B$4:$B$6"
    assert model.cells[0].value == "Live model: the model as the live Scoring formulas read it"


def test_cached_values_of_k002_are_the_hand_checked_ones(fixture_sheets: list[OutputSheet]) -> None:
    cells = cells_of(fixture_sheets[0])
    row = cells["Customer ID"].index("K002")
    cached = {header: v.cached if isinstance(v, Formula) else v for header, values in cells.items()
              for v in [values[row]]}
    assert cached["Profile"] == "Partner"
    assert (cached["Value"], cached["Activity"], cached["Rating"]) == (45.0, 20.0, "")
    assert (cached["Score"], cached["Rank"], cached["Tier"]) == (32.5, 4, "C")
    assert cached["Flags"] == "unapproved: Rating"
    assert (cached["Points: Sales"], cached["Points: Margin %"], cached["Points: Visits"]) == (40.0, 5.0, 20.0)
    assert cached["Weights counted"] == 80.0
    score = cells["Score"][row]
    assert isinstance(score, Formula) and score.text.startswith("IF(OR(") and ",2))" in score.text


def test_live_model_caches_the_exact_share_cuts(fixture_sheets: list[OutputSheet]) -> None:
    model = fixture_sheets[2]
    cuts = [c.value.cached for c in model.cells if isinstance(c.value, Formula) and "ROUND(" in c.value.text]
    assert cuts == [1, 3, 5]  # ceil(20 % of 5), ceil(50 % of 5), 100 %


def test_formulas_use_excel_2010_functions_and_nothing_volatile(fixture_sheets: list[OutputSheet]) -> None:
    texts = formulas_of(fixture_sheets)
    assert len(texts) > 100
    names = {name for t in texts for name in re.findall(r"([A-Za-z_][A-Za-z0-9_.]*)\(", t)}
    assert names <= ALLOWED_FUNCTIONS, names - ALLOWED_FUNCTIONS
    assert all(len(t) < 8192 for t in texts)  # Excel's limit on formula length


def test_every_row_holds_the_same_formula_in_r1c1_terms(fixture_sheets: list[OutputSheet]) -> None:
    table = fixture_sheets[0].tables[0]
    for column in table.columns:
        texts = [v.text for v in column.values if isinstance(v, Formula)]
        same_row = {re.sub(rf"(\$[A-Z]+){TABLE_ROW + 1 + i}(?![0-9])", r"\1<row>", t) for i, t in enumerate(texts)}
        assert len(same_row) <= 1, column.header


# ------------------------------------------------------------------ cached values
@pytest.mark.parametrize("spec", [BookSpec(), threshold_spec(), numeric_ids_spec()],
                         ids=["share tiers", "threshold tiers", "numeric IDs"])
def test_cached_values_equal_the_engine_without_recalculation(tmp_path: Path, spec: BookSpec) -> None:
    result = write_live(tmp_path / "in.xlsx", tmp_path / "live.xlsx", spec)
    assert result is not None
    model: Model = analyse(tmp_path / "in.xlsx", TODAY).book.model
    assert compare("live.xlsx", read_scoring(tmp_path / "live.xlsx"), result, model) == []
    assert compare_pyramid("live.xlsx", tmp_path / "live.xlsx", result, model) == []


def test_an_override_keeps_its_tier_and_flag_in_the_live_sheet(tmp_path: Path) -> None:
    result = write_live(tmp_path / "in.xlsx", tmp_path / "live.xlsx", BookSpec(), with_override)
    assert result is not None
    rows = {r["Customer ID"]: r for r in read_scoring(tmp_path / "live.xlsx")}
    assert (rows["K003"]["Tier"], rows["K003"]["Computed tier"]) == ("A", "C")
    assert rows["K003"]["Flags"].endswith("; override: strategic account")
    model = analyse(tmp_path / "in.xlsx", TODAY).book.model
    assert compare("live.xlsx", list(rows.values()), result, model) == []


def test_cached_values_of_a_chinese_demo_book_equal_the_engine(tmp_path: Path) -> None:
    source = tmp_path / "demo.xlsx"
    write_demo_book(source, 120, 7, "zh")
    analysis = analyse(source, TODAY)
    assert analysis.result is not None
    retier(source, tmp_path / "live.xlsx", as_of=TODAY, live=True)
    rows = read_scoring(tmp_path / "live.xlsx", sheet="评分")
    assert len(rows) == 120
    assert compare("live.xlsx", rows, analysis.result, analysis.book.model) == []


def test_live_runs_after_a_values_run_replace_the_sheets_they_wrote(tmp_path: Path) -> None:
    book = write(tmp_path / "book.xlsx")
    retier(book, as_of=TODAY)  # Issues exists before the Live model sheet is added
    retier(book, as_of=TODAY, live=True)
    retier(book, as_of=TODAY, live=True)
    wb = openpyxl.load_workbook(book)
    assert [n for n in wb.sheetnames if n in ("Scoring", "Pyramid", "Issues", "Live model")] == [
        "Scoring", "Pyramid", "Issues", "Live model"]
    assert wb["Issues"]["A1"].value == "Severity"
    assert wb["Live model"]["A1"].value == "Live model: the model as the live Scoring formulas read it"
    assert str(wb["Scoring"][f"H{TABLE_ROW + 1}"].value).startswith("=IF(OR(")


def test_output_sheets_in_live_mode_end_with_issues_and_extension_sheets(tmp_path: Path) -> None:
    analysis = analyse(write(tmp_path / "book.xlsx"), TODAY)
    names = [s.name for s in output_sheets(analysis, live=True)]
    assert names[:4] == ["Scoring", "Pyramid", "Live model", "Issues"]


def test_a_values_run_after_a_live_run_removes_the_live_model_sheet(tmp_path: Path) -> None:
    from xlscore.cli import main as cli_main

    path = write(tmp_path / "book.xlsx")
    assert cli_main(["retier", str(path), "--live", "--quiet"]) == 0
    assert "Live model" in openpyxl.load_workbook(path, read_only=True).sheetnames
    assert cli_main(["retier", str(path), "--quiet"]) == 0
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert "Live model" not in names and "Scoring" in names

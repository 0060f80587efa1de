"""The benchmark's own tools are right: the big-book generator, the floor and the naive script.

A baseline that scored differently from xlscore, or a generated book xlscore read
differently from Excel's view of it, would make the benchmark's ratios meaningless.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from xlscore.analysis import analyse

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def big_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "book.xlsx"
    _load("bigbook").write_big_book(path, 300, seed=3)
    return path


def test_the_generated_book_holds_every_customer_in_its_table(big_book: Path) -> None:
    wb = load_workbook(big_book)  # openpyxl reads it as Excel would
    customers = wb["Customers"]
    headers = [c.value for c in customers[1]]
    last = customers.cell(1, len(headers)).column_letter
    assert customers.tables["tblCustomers"].ref == f"A1:{last}301"
    assert [c.value for c in customers[2]][:4] == ["C0000001", "Northwind Trading 1", "Alice Chen", None]
    assert customers["A301"].value == "C0000300"
    assert customers.cell(2, headers.index("Last contact") + 1).is_date
    analysis = analyse(big_book)
    assert analysis.issues.errors == []
    assert len(analysis.book.customers) == 300
    assert analysis.book.customers["Last contact"].notna().all()  # date cells, read as dates


def test_a_date_format_is_added_when_the_styles_have_none() -> None:
    date_style = _load("bigbook")._date_style
    plain = ('<styleSheet><cellXfs count="2"><xf numFmtId="0" fontId="0"/><xf numFmtId="49" fontId="0"/>'
             '</cellXfs></styleSheet>')
    index, styles = date_style(plain)
    assert index == 2
    assert '<cellXfs count="3">' in styles and '<xf numFmtId="14"' in styles
    with_date = plain.replace('<xf numFmtId="49"', '<xf numFmtId="14"')
    assert date_style(with_date) == (1, with_date)


def test_the_naive_script_scores_exactly_like_xlscore(big_book: Path) -> None:
    naive = _load("naive")
    sheets = pd.read_excel(big_book, sheet_name=["Indicators", "Weights", "Bands", "Tiers", "Customers"],
                           engine="openpyxl")
    theirs = pd.DataFrame(naive.score_rows(sheets))
    result = analyse(big_book).result
    assert result is not None
    ours = result.sort_index()
    assert (ours["Flags"] != "").sum() > 10  # the book exercises missing values and approvals
    np.testing.assert_array_equal(ours["Score"].to_numpy(float), theirs["Score"].to_numpy(float))
    np.testing.assert_array_equal(ours["Rank"].to_numpy(float), theirs["Rank"].to_numpy(float))
    assert list(ours["Tier"]) == list(theirs["Tier"])
    assert list(ours["Flags"]) == list(theirs["Flags"])


def test_the_naive_script_and_the_floor_write_a_sheet_of_every_customer(big_book: Path, tmp_path: Path) -> None:
    assert _load("naive").naive_retier(big_book, tmp_path / "naive.xlsx") == 300
    scoring = load_workbook(tmp_path / "naive.xlsx", read_only=True)["Scoring"]
    assert scoring.max_row == 301
    assert _load("floor").floor(big_book, tmp_path / "floor.xlsx", 13) == 300
    rows = list(load_workbook(tmp_path / "floor.xlsx", read_only=True)["Scoring"].iter_rows(values_only=True))
    assert len(rows) == 301
    assert {len(row) for row in rows} == {13}
    assert rows[1][0] == "C0000001"

"""The template's defaults never reward a blank; `exclude` shows Coverage % and can require a minimum."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xlscore.analysis import analyse
from xlscore.engine import score_customers
from xlscore.model import Model
from xlscore.templates.demo import write_demo_book
from xlscore.workbook.report import scoring_sheet


def _demo(folder: Path, lang: str) -> tuple[Model, pd.DataFrame]:
    path = folder / f"demo-{lang}.xlsx"
    write_demo_book(path, 300, 7, lang)  # type: ignore[arg-type]
    book = analyse(path).book
    return book.model, book.customers


@pytest.fixture(scope="module", params=["en", "zh"])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Model, pd.DataFrame]:
    return _demo(tmp_path_factory.mktemp("demo"), request.param)


@pytest.fixture(scope="module")
def demo_en(tmp_path_factory: pytest.TempPathFactory) -> tuple[Model, pd.DataFrame]:
    """The English demo: the arithmetic below names its indicators."""
    return _demo(tmp_path_factory.mktemp("demo_en"), "en")


def _worst_filled(model: Model, customers: pd.DataFrame) -> pd.DataFrame:
    """Every blank replaced by the real value of its column that earns the fewest points."""
    filled = customers.copy()
    for measure in model.measures:
        observed = customers[measure.name].dropna().unique()
        points = [next((b.points for b in measure.bands if b.contains(v)), 0.0) for v in observed]
        filled[measure.name] = customers[measure.name].fillna(observed[int(np.argmin(points))])
    for column in model.direct_columns:
        filled[column] = customers[column].fillna(customers[column].min())
    return filled


def test_no_customer_with_blanks_scores_above_its_worst_real_values(demo: tuple[Model, pd.DataFrame]) -> None:
    model, customers = demo
    columns = [*model.measure_columns, *model.direct_columns]
    with_blanks = customers[columns].isna().any(axis=1)
    assert with_blanks.sum() > 40  # the demo has gaps to show
    as_is = score_customers(model, customers).loc[customers.index, "Score"]
    filled = score_customers(model, _worst_filled(model, customers)).loc[customers.index, "Score"]
    above = customers.loc[with_blanks & (as_is.fillna(-1) > filled), "Customer ID"].tolist()
    assert above == []


def test_template_default_policy_is_zero_and_no_coverage_column(demo: tuple[Model, pd.DataFrame]) -> None:
    model, customers = demo
    assert {ind.if_missing for ind in model.indicators} == {"zero"}
    sheet = scoring_sheet(model, score_customers(model, customers), model.lang)
    headers = [c.header for c in sheet.tables[0].columns]
    assert "Coverage %" not in headers and "覆盖率%" not in headers


def test_exclude_shows_coverage_and_minimum_leaves_thin_customers_unscored(
        demo_en: tuple[Model, pd.DataFrame]) -> None:
    model, customers = demo_en
    excluded = replace(model, indicators=tuple(replace(i, if_missing="exclude") for i in model.indicators))
    # C: all three measures of Operating strength (40 %) blank, the rest present -> coverage 60 %
    row = customers.index[0]
    thin = customers.copy()
    for measure in model.measures_of("Operating strength"):
        thin.loc[row, measure.name] = np.nan
    thin.loc[row, "Approved"] = True
    for column in [m.name for m in model.measures_of("Profitability")] + ["Relationship"]:
        thin.loc[row, column] = thin[column].median()
    thin.loc[row, "Profile"] = None
    result = score_customers(excluded, thin).loc[thin.index]
    assert result.loc[row, "Coverage"] == pytest.approx(0.6)
    headers = [c.header for c in scoring_sheet(excluded, result, "en").tables[0].columns]
    assert headers[headers.index("Score") + 1] == "Coverage %"

    strict = replace(excluded, min_coverage=70.0)
    strict_result = score_customers(strict, thin).loc[thin.index]
    assert np.isnan(strict_result.loc[row, "Score"])
    assert "coverage 60% below 70%" in strict_result.loc[row, "Flags"]
    assert strict_result.loc[row, "Flags"].endswith("not scored")
    lenient = score_customers(replace(excluded, min_coverage=60.0), thin).loc[thin.index]
    assert not np.isnan(lenient.loc[row, "Score"])  # exactly the minimum is enough


def test_min_coverage_is_read_from_tblTiers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "book.xlsx"
    write_demo_book(path, 20, 1, "en")
    wb = load_workbook(path)
    wb["Tiers"]["G2"] = 75
    wb["Tiers"]["G3"] = 80
    wb.save(path)
    analysis = analyse(path)
    assert [(str(i.ref), i.code) for i in analysis.issues.errors] == [("Tiers!G3", "coverage-differs")]
    wb["Tiers"]["G3"] = None
    wb.save(path)
    assert analyse(path).book.model.min_coverage == 75.0


def test_paths_that_cannot_apply_min_coverage_refuse_it(demo: tuple[Model, pd.DataFrame]) -> None:
    from xlscore.errors import UsageError
    from xlscore.sql.statement import scoring_statement

    model, _ = demo
    with pytest.raises(UsageError, match="Min coverage %"):
        scoring_statement(replace(model, min_coverage=50.0))
    scoring_statement(model)  # without it the SQL is built as before

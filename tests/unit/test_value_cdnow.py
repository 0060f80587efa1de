"""The published CDNOW results, reproduced through the command line from the raw order log.

Fader, Hardie & Lee (2005) fit BG/NBD to the CDNOW sample (2,357 customers, calibration to
1997-09-30, weeks): r = 0.243, α = 4.414, a = 0.793, b = 2.426, log-likelihood −9582.4. Their
Gamma-Gamma note fits the 946 repeat buyers' mean repeat-purchase amounts: p = 6.25,
q = 3.74, γ = 15.44. Per-customer figures are checked against the paper's formulas written
out here without the rewriting the package uses.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaln, hyp2f1

from tests.fixtures.orders import cdnow_orders, write_orders_book, write_orders_csv
from xlscore.cli import main
from xlscore.workbook.tables import TableSource

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def cdnow_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], pd.DataFrame]:
    folder = tmp_path_factory.mktemp("cdnow")
    orders = write_orders_csv(cdnow_orders(), folder / "cdnow.csv")
    out = folder / "predictions.csv"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["value", "--orders", str(orders), "--as-of", "1997-09-30", "--time-unit", "week",
                     "--horizon", "39", "-o", str(out), "--json"])
    assert code == 0
    return json.loads(buffer.getvalue()), pd.read_csv(out, dtype={"Customer ID": str})


def test_published_bgnbd_parameters_and_log_likelihood(cdnow_run: tuple[dict[str, object], pd.DataFrame]) -> None:
    data, _ = cdnow_run
    bg = data["bgnbd"]
    assert isinstance(bg, dict)
    for name, value in PUBLISHED_BGNBD.items():
        assert bg[name] == pytest.approx(value, rel=0.01), name
        assert round(bg[name], 3) == value, name  # the published figures are these, rounded
    assert bg["log_likelihood"] == pytest.approx(-9582.4, abs=0.05)
    assert bg["converged"] is True
    assert data["customers"] == 2357


def test_published_gamma_gamma_parameters(cdnow_run: tuple[dict[str, object], pd.DataFrame]) -> None:
    data, _ = cdnow_run
    gg = data["gamma_gamma"]
    assert isinstance(gg, dict)
    for name, value in PUBLISHED_GG.items():
        assert gg[name] == pytest.approx(value, rel=0.01), name
        assert round(gg[name], 2) == value, name
    assert gg["customers"] == 946 and gg["converged"] is True


def _paper_expectations(table: pd.DataFrame, bg: dict[str, float], t: float) -> tuple[np.ndarray, np.ndarray]:
    """Equations (10) and P(alive) of the paper, as printed (log space only for the gamma functions)."""
    r, alpha, a, b = bg["r"], bg["alpha"], bg["a"], bg["b"]
    x = table["Frequency"].to_numpy(float)
    t_x = table["Recency"].to_numpy(float)
    T = table["Tenure"].to_numpy(float)
    odds = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    head = (a + b + x - 1) / (a - 1)
    tail = ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    assert np.isfinite(gammaln(r + x)).all()
    return head * (1 - tail) / (1 + odds), 1 / (1 + odds)


def test_per_customer_expectations_follow_the_paper(cdnow_run: tuple[dict[str, object], pd.DataFrame]) -> None:
    data, table = cdnow_run
    assert len(table) == 2357 and table["Customer ID"].is_unique
    assert table.loc[table["Customer ID"] == "00004", "Frequency"].item() == 2  # leading zeros kept
    bg = data["bgnbd"]
    assert isinstance(bg, dict)
    expected, alive = _paper_expectations(table, bg, 39.0)
    np.testing.assert_allclose(table["Expected purchases"], expected, rtol=1e-6)
    np.testing.assert_allclose(table["P alive"], alive, rtol=1e-6)
    # the paper's headline: 1,653 expected repeat purchases in the 39-week holdout (figure 2)
    assert table["Expected purchases"].sum() == pytest.approx(1653.4, abs=1.0)


def test_order_value_and_predicted_value(cdnow_run: tuple[dict[str, object], pd.DataFrame]) -> None:
    data, table = cdnow_run
    gg = data["gamma_gamma"]
    assert isinstance(gg, dict)
    p, q, v = gg["p"], gg["q"], gg["v"]
    x = table["Frequency"].to_numpy(float)
    m = table["Mean repeat amount"].to_numpy(float)
    want = np.where(x > 0, p * (v + x * np.nan_to_num(m)) / (p * x + q - 1), p * v / (q - 1))
    np.testing.assert_allclose(table["Expected order value"], want, rtol=1e-9)
    np.testing.assert_allclose(table["Predicted value"], table["Expected purchases"] * want, rtol=1e-9)
    # the note's population mean spend per transaction, p γ / (q − 1): about $35
    assert p * v / (q - 1) == pytest.approx(35.2, abs=0.1)


def test_expected_purchases_cross_checked_with_an_independent_implementation(
        cdnow_run: tuple[dict[str, object], pd.DataFrame]) -> None:
    lifetimes = pytest.importorskip("lifetimes")
    data, table = cdnow_run
    bg = data["bgnbd"]
    assert isinstance(bg, dict)
    fitter = lifetimes.BetaGeoFitter()
    fitter.params_ = pd.Series({k: bg[k] for k in ("r", "alpha", "a", "b")})
    x, t_x, T = (table[c].to_numpy(float) for c in ("Frequency", "Recency", "Tenure"))
    np.testing.assert_allclose(table["Expected purchases"],
                               fitter.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T), rtol=1e-6)
    np.testing.assert_allclose(table["P alive"], fitter.conditional_probability_alive(x, t_x, T), rtol=1e-6)


def test_book_run_writes_value_and_value_model_with_the_holdout(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    book = write_orders_book(cdnow_orders(), tmp_path / "cdnow.xlsx")
    before = book.read_bytes()
    out = tmp_path / "out.xlsx"
    assert main(["value", str(book), "--as-of", "1997-09-30", "--horizon", "39", "--holdout-end", "1998-06-30",
                 "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert book.read_bytes() == before
    assert data["bgnbd"]["r"] == pytest.approx(0.243, rel=0.01)
    holdout = data["holdout"]
    assert holdout["length"] == pytest.approx(39.0)
    assert holdout["predicted"] == pytest.approx(1653.4, abs=1.0)
    assert sum(g["actual"] for g in holdout["by_frequency"]) == holdout["actual"]
    source = TableSource(out)
    value = source.table("tblValue")
    assert value.sheet == "Value" and len(value.rows) == 2357
    for column in ("Customer ID", "Frequency", "Recency", "Tenure", "P alive", "Expected purchases",
                   "Expected order value", "Predicted value", "Last purchase", "Orders last 12 months",
                   "Revenue last 12 months", "Holdout purchases"):
        assert column in value.headers
    frequency = source.table("tblValueFrequency")
    assert frequency.sheet == "Value model"
    assert [str(row[0]) for row in frequency.rows] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert [row[1] for row in frequency.rows] == [1411, 439, 214, 100, 62, 38, 29, 64]
    assert sum(row[2] for row in frequency.rows) == pytest.approx(2357, abs=0.05)
    assert source.has("tblValueHoldout") and source.has("tblValueParameters")

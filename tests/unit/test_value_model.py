"""The value model on logs made here: recovery of known parameters, the order-log rules, clear refusals."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.fixtures.orders import simulated_orders, write_orders_book, write_orders_csv
from xlscore.cli import main
from xlscore.value.bgnbd import BGNBD, conditional_expected, fit_bgnbd, log_likelihood
from xlscore.value.fitting import Fit
from xlscore.value.gammagamma import log_likelihood as gg_log_likelihood
from xlscore.value.orders import one_year_before

FIT = Fit(0.0, True, 0, "", 0)
TRUE = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "v": 15.0}


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object], str]:
    code = main(["value", *args, "--json"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else {}), captured.err


@pytest.mark.slow
def test_parameters_of_a_simulated_log_are_recovered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    orders = simulated_orders(4000, **TRUE, start=date(2024, 1, 1), days=728, seed=3)
    path = write_orders_csv(orders, tmp_path / "orders.csv")
    code, data, _ = _run(["--orders", str(path), "--as-of", "2025-12-29"], capsys)
    assert code == 0
    bg, gg = data["bgnbd"], data["gamma_gamma"]
    assert isinstance(bg, dict) and isinstance(gg, dict)
    for name in ("r", "alpha", "a", "b"):
        assert bg[name] == pytest.approx(TRUE[name], rel=0.25), name
    for name in ("p", "q", "v"):
        assert gg[name] == pytest.approx(TRUE[name], rel=0.3), name


def test_the_gradient_is_the_derivative_of_the_log_likelihood() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 30, 200).astype(float)
    T = rng.uniform(1, 50, 200)
    t_x = np.where(x > 0, T * rng.uniform(0, 1, 200), 0.0)
    params = np.array([0.4, 3.0, 0.9, 2.0])
    _, grad = log_likelihood(params, x, t_x, T, np.ones(200))
    for k in range(4):
        step = np.zeros(4)
        step[k] = 1e-6
        up, _ = log_likelihood(params * np.exp(step), x, t_x, T, np.ones(200))
        down, _ = log_likelihood(params * np.exp(-step), x, t_x, T, np.ones(200))
        assert grad[k] == pytest.approx((up - down) / 2e-6, rel=1e-5)


def test_large_frequencies_do_not_overflow() -> None:
    x = np.array([0.0, 5.0, 2000.0, 50000.0])
    t_x = np.array([0.0, 30.0, 100.0, 100.0])
    T = np.full(4, 100.0)
    model = BGNBD(0.243, 4.414, 0.793, 2.426, FIT)
    expected = conditional_expected(model, 52.0, x, t_x, T)
    assert np.isfinite(expected).all()
    assert expected[3] > expected[2] > expected[1]
    assert np.isfinite(log_likelihood(np.array([0.243, 4.414, 0.793, 2.426]), x, t_x, T, np.ones(4))[0])


def test_a_dropout_probability_fixed_by_the_data_uses_the_point_mass_limit() -> None:
    """Six customers pin Beta(a, b) to a point: 2F1 overflows there and the a, b → ∞ limit takes over."""
    model = fit_bgnbd(np.array([0.0, 1, 2, 3, 0, 4]), np.array([0.0, 5, 9, 20, 0, 30]),
                      np.array([40.0, 40, 40, 40, 40, 40]), np.ones(6))
    assert model.a + model.b > 1e5
    x, t_x, T = np.array([0.0, 2.0]), np.array([0.0, 9.0]), np.array([40.0, 40.0])
    expected = conditional_expected(model, 52.0, x, t_x, T)
    near = BGNBD(model.r, model.alpha, 2000 * model.a / (model.a + model.b), 2000 * model.b / (model.a + model.b),
                 FIT)
    np.testing.assert_allclose(expected, conditional_expected(near, 52.0, x, t_x, T), rtol=2e-3)


def test_same_day_orders_are_one_purchase_and_later_orders_are_ignored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    orders = simulated_orders(300, **TRUE, start=date(2024, 1, 1), days=364, seed=5)
    extra = pd.DataFrame([["X1", date(2024, 3, 1), 10.0], ["X1", date(2024, 3, 1), 5.0],
                          ["X1", date(2024, 3, 15), 20.0], ["X1", date(2024, 4, 1), 1.0],
                          ["X1", date(2024, 4, 1), 3.0], ["X1", date(2025, 6, 1), 999.0]],
                         columns=orders.columns)
    path = write_orders_csv(pd.concat([orders, extra]), tmp_path / "orders.csv")
    out = tmp_path / "p.csv"
    code, data, _ = _run(["--orders", str(path), "--as-of", "2024-12-29", "--time-unit", "day", "-o", str(out)],
                         capsys)
    assert code == 0
    row = pd.read_csv(out).set_index("Customer ID").loc["X1"]
    assert row["Frequency"] == 2  # three purchase days
    assert row["Recency"] == 31 and row["Tenure"] == (date(2024, 12, 29) - date(2024, 3, 1)).days
    assert row["Mean repeat amount"] == pytest.approx((20 + 4) / 2)
    assert row["Last purchase"] == "2024-04-01"
    assert row["Orders last 12 months"] == 3 and row["Revenue last 12 months"] == pytest.approx(39.0)
    assert data["orders_after_as_of"] >= 1
    assert data["horizon"] == 365


def test_twelve_month_window_and_the_default_as_of(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert one_year_before(date(2024, 2, 29)) == date(2023, 2, 28)
    orders = simulated_orders(300, **TRUE, start=date(2022, 1, 3), days=900, seed=2)
    last = max(orders["Order date"])
    path = write_orders_csv(orders, tmp_path / "orders.csv")
    out = tmp_path / "p.parquet"
    code, data, _ = _run(["--orders", str(path), "--time-unit", "month", "-o", str(out)], capsys)
    assert code == 0 and data["as_of"] == last.isoformat() and data["horizon"] == 12
    table = pd.read_parquet(out)
    frame = orders.copy()
    window = frame[frame["Order date"] > one_year_before(last)].groupby("Customer ID")
    want = window["Order date"].nunique()
    got = table.set_index("Customer ID")["Orders last 12 months"]
    assert (got.reindex(want.index) == want).all() and got.drop(want.index).eq(0).all()


def test_discounting_lowers_predicted_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_orders_csv(simulated_orders(400, **TRUE, start=date(2024, 1, 1), days=364, seed=4),
                            tmp_path / "orders.csv")
    plain, discounted = tmp_path / "a.csv", tmp_path / "b.csv"
    assert _run(["--orders", str(path), "--as-of", "2024-12-29", "--horizon", "104", "-o", str(plain)], capsys)[0] == 0
    assert _run(["--orders", str(path), "--as-of", "2024-12-29", "--horizon", "104", "--discount-rate", "10%",
                 "-o", str(discounted)], capsys)[0] == 0
    a, b = pd.read_csv(plain), pd.read_csv(discounted)
    ratio = (b["Predicted value"] / a["Predicted value"]).to_numpy()
    # two years at 10 %: between the factor of the first and the last week
    assert ((ratio < 1.0) & (ratio > 1 / 1.1**2)).all()
    assert (a["Expected purchases"] == b["Expected purchases"]).all()


def _log(rows: list[tuple[str, str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["Customer ID", "Order date", "Amount"])


@pytest.mark.parametrize(("rows", "message"), [
    ([("A", "2024-01-01", 1.0), ("B", "2024-01-01", 2.0), ("B", "2024-01-01", 3.0)], "one day of data"),
    ([(f"C{k}", f"2024-01-{1 + k % 20:02d}", 1.0) for k in range(40)] + [("C1", "2024-02-01", 2.0)],
     "1 of 40 customers bought again"),
    ([("A", "2024-13-01", 1.0)], "not a date"),
    ([("A", "2024-01-01", "12,5 EUR")], "not a number"),
])
def test_logs_that_cannot_support_a_fit_are_refused_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            rows: list[tuple[str, str, object]], message: str) -> None:
    path = tmp_path / "orders.csv"
    _log(rows).to_csv(path, index=False)
    code, _, err = _run(["--orders", str(path)], capsys)
    assert code == 1
    assert message in err and "Traceback" not in err


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orders.csv"
    pd.DataFrame({"Client": ["A"], "Order date": ["2024-01-01"], "Amount": [1]}).to_csv(path, index=False)
    assert main(["value"]) == 2
    assert main(["value", "--orders", str(tmp_path / "missing.csv")]) == 2
    assert main(["value", "--orders", str(path), "--as-of", "30.09.1997"]) == 2
    assert main(["value", "--orders", str(path)]) == 1
    assert "no column 'Customer ID'" in capsys.readouterr().err


def test_bad_cells_in_tbl_orders_are_named_and_nothing_is_written(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    orders = simulated_orders(100, **TRUE, start=date(2024, 1, 1), days=364, seed=6)
    orders = orders.astype(object)
    orders.loc[3, "Order date"] = "soon"
    orders.loc[5, "Amount"] = "n/a"
    book = write_orders_book(orders, tmp_path / "book.xlsx")
    before = book.read_bytes()
    assert main(["value", str(book)]) == 1
    err = capsys.readouterr().err
    assert "Orders!B5" in err and "Orders!C7" in err and "nothing was written" in err
    assert book.read_bytes() == before


def test_the_gamma_gamma_gradient_is_the_derivative_of_its_log_likelihood() -> None:
    rng = np.random.default_rng(1)
    x = rng.integers(1, 20, 300).astype(float)
    m = rng.gamma(3.0, 10.0, 300)
    params = np.array([5.0, 3.0, 12.0])
    _, grad = gg_log_likelihood(params, x, m)
    for k in range(3):
        step = np.zeros(3)
        step[k] = 1e-6
        up, _ = gg_log_likelihood(params * np.exp(step), x, m)
        down, _ = gg_log_likelihood(params * np.exp(-step), x, m)
        assert grad[k] == pytest.approx((up - down) / 2e-6, rel=1e-5)


def test_compact_dates_and_other_headers_are_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    orders = simulated_orders(300, **TRUE, start=date(2024, 1, 1), days=364, seed=8)
    frame = pd.DataFrame({"customer_id": orders["Customer ID"],
                          "date": [d.strftime("%Y%m%d") for d in orders["Order date"]],
                          "sales": orders["Amount"], "note": "x"})
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    code, data, _ = _run(["--orders", str(path), "--as-of", "2024-12-29"], capsys)
    assert code == 0 and data["customers"] == 300 and data["orders_used"] == len(frame)


def test_an_existing_predictions_file_needs_force_and_is_kept_as_a_backup(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_orders_csv(simulated_orders(200, **TRUE, start=date(2024, 1, 1), days=364, seed=12),
                            tmp_path / "orders.csv")
    out = tmp_path / "p.csv"
    out.write_text("mine\n")
    code, _, _ = _run(["--orders", str(path), "--as-of", "2024-12-29", "-o", str(out)], capsys)
    assert code == 2 and out.read_text() == "mine\n"  # an existing file is replaced only with --force
    code, data, _ = _run(["--orders", str(path), "--as-of", "2024-12-29", "-o", str(out), "--force"], capsys)
    assert code == 0 and data["written"] == [f"{out} (backup: p.csv.bak1)"]
    assert (tmp_path / "p.csv.bak1").read_text() == "mine\n"
    assert pd.read_csv(out)["Customer ID"].nunique() == 200

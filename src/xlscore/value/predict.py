"""From the per-customer summary to fitted models and one prediction row per customer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xlscore.value.bgnbd import BGNBD, conditional_expected, expected_count_distribution, fit_bgnbd, p_alive
from xlscore.value.fitting import FitError
from xlscore.value.gammagamma import GammaGamma, expected_order_value, fit_gamma_gamma
from xlscore.value.orders import OrderSummary

__all__ = ["COLUMNS", "TOP_FREQUENCY", "UNIT_DAYS", "Holdout", "Settings", "TimeUnit", "ValueRun", "run_models"]

Array = NDArray[np.float64]
TimeUnit = Literal["day", "week", "month"]
UNIT_DAYS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}
TOP_FREQUENCY = 7  # the comparison groups 0, 1, …, 6 and 7+ repeat purchases, as the paper's figures
MIN_REPEAT_BUYERS = 10
_MAX_DISCOUNT_STEPS = 520

# The per-customer output, in order (the holdout columns are added with a holdout end).
COLUMNS: tuple[str, ...] = (
    "Customer ID", "First purchase", "Last purchase", "Frequency", "Recency", "Tenure",
    "Orders last 12 months", "Revenue last 12 months", "Mean repeat amount",
    "P alive", "Expected purchases", "Expected order value", "Predicted value",
)
HOLDOUT_COLUMNS: tuple[str, ...] = ("Holdout purchases", "Holdout expected")


@dataclass(frozen=True)
class Settings:
    as_of: date
    unit: TimeUnit = "week"
    horizon: float = 52.0
    discount_rate: float = 0.0  # per year
    holdout_end: date | None = None


@dataclass(frozen=True)
class Holdout:
    """Predicted and actual purchases after the as-of date, by calibration repeat purchases (0…7+)."""

    length: float  # in time units
    customers: list[int]
    actual: list[float]  # total purchases of the group in the holdout
    predicted: list[float]
    total_actual: float
    total_predicted: float


@dataclass
class ValueRun:
    settings: Settings
    table: pd.DataFrame
    bgnbd: BGNBD
    gamma_gamma: GammaGamma
    actual_by_frequency: list[int]
    predicted_by_frequency: list[float]
    holdout: Holdout | None
    summary: OrderSummary
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        s = self.settings
        table = self.table
        out: dict[str, Any] = {
            "bgnbd": self.bgnbd.as_dict(),
            "gamma_gamma": self.gamma_gamma.as_dict(),
            "as_of": s.as_of.isoformat(), "time_unit": s.unit, "horizon": s.horizon,
            "discount_rate": s.discount_rate,
            "customers": len(table), "repeat_buyers": int((table["Frequency"] > 0).sum()),
            "orders_used": self.summary.rows_used, "orders_after_as_of": self.summary.rows_after,
            "expected_purchases": float(table["Expected purchases"].sum()),
            "predicted_value": float(np.nansum(table["Predicted value"].to_numpy(dtype=np.float64))),
            "frequency": [{"repeat_purchases": label, "actual": a, "predicted": p}
                          for label, a, p in zip(frequency_labels(), self.actual_by_frequency,
                                                 self.predicted_by_frequency, strict=True)],
            "notes": self.notes,
        }
        if self.holdout is not None:
            h = self.holdout
            out["holdout"] = {
                "end": s.holdout_end.isoformat() if s.holdout_end else None, "length": h.length,
                "actual": h.total_actual, "predicted": h.total_predicted,
                "by_frequency": [{"repeat_purchases": label, "customers": n, "actual": a, "predicted": p}
                                 for label, n, a, p in zip(frequency_labels(), h.customers, h.actual, h.predicted,
                                                           strict=True)],
            }
        return out


def frequency_labels() -> list[str]:
    return [*(str(k) for k in range(TOP_FREQUENCY)), f"{TOP_FREQUENCY}+"]


def _check_supports_fit(summary: OrderSummary, where: str) -> None:
    n = len(summary.ids)
    repeat = int((summary.purchases > 1).sum())
    if n == 0:
        raise FitError(f"{where}: no customer has an order up to the as-of date")
    if summary.first_date is not None and summary.last_date is not None and summary.first_date == summary.last_date:
        raise FitError(f"{where}: every order is on {summary.first_date}: one day of data cannot show how often "
                       "customers come back; give a longer order history")
    if float(summary.tenure_days.max()) <= 0:
        raise FitError(f"{where}: every customer's first purchase is on the as-of date; choose a later --as-of")
    if repeat < MIN_REPEAT_BUYERS:
        raise FitError(f"{where}: {repeat} of {n} customers bought again before the as-of date; at least "
                       f"{MIN_REPEAT_BUYERS} repeat buyers are needed to fit the purchase and spend models")


def _discounted_purchases(m: BGNBD, s: Settings, x: Array, t_x: Array, T: Array) -> Array:
    """Σ over steps of the expected purchases in the step, discounted to the as-of date at the step's end."""
    steps = max(1, min(int(np.ceil(s.horizon)), _MAX_DISCOUNT_STEPS))
    edges = np.linspace(0.0, s.horizon, steps + 1)
    per_unit = (1.0 + s.discount_rate) ** (UNIT_DAYS[s.unit] / 365.25)
    total = np.zeros_like(x)
    previous = np.zeros_like(x)
    for end in edges[1:]:
        current = conditional_expected(m, float(end), x, t_x, T)
        total += (current - previous) / per_unit**end
        previous = current
    return total


def _by_frequency(x: Array, values: Array) -> list[float]:
    group = np.minimum(x, TOP_FREQUENCY).astype(np.int64)
    return [float(v) for v in np.bincount(group, weights=values, minlength=TOP_FREQUENCY + 1)]


def run_models(summary: OrderSummary, settings: Settings, where: str,
               stage: Callable[[str], None] = lambda _: None) -> ValueRun:
    """Fit BG/NBD and Gamma-Gamma and predict every customer; FitError when the data cannot support it."""
    _check_supports_fit(summary, where)
    unit = UNIT_DAYS[settings.unit]
    x = (summary.purchases - 1).astype(np.float64)
    t_x = summary.recency_days / unit
    T = summary.tenure_days / unit
    stage("fitting BG/NBD")
    bg = fit_bgnbd(x, t_x, T)
    stage("fitting Gamma-Gamma")
    gg = fit_gamma_gamma(x, summary.mean_repeat)
    stage("predicting")
    alive = p_alive(bg, x, t_x, T)
    expected = conditional_expected(bg, settings.horizon, x, t_x, T)
    order_value = expected_order_value(gg, x, summary.mean_repeat)
    purchases = _discounted_purchases(bg, settings, x, t_x, T) if settings.discount_rate else expected
    notes = [f"{name} did not converge ({what}): the order log may not support the model (for example every "
             f"customer buying at the same pace, or every order of the same amount), so treat its predictions as "
             f"unreliable; the optimiser said: {fit.message.strip() or 'no reason given'}"
             for name, fit, what in (("BG/NBD", bg.fit, "purchases"), ("Gamma-Gamma", gg.fit, "order values"))
             if not fit.converged]
    if gg.q <= 1:
        notes.append("Gamma-Gamma q ≤ 1: the mean order value of customers without a repeat purchase is unbounded, "
                     "so their Expected order value is left blank")
    columns: dict[str, Any] = {
        "Customer ID": summary.ids, "First purchase": summary.first, "Last purchase": summary.last,
        "Frequency": x.astype(np.int64), "Recency": t_x, "Tenure": T,
        "Orders last 12 months": summary.orders_12m, "Revenue last 12 months": summary.revenue_12m,
        "Mean repeat amount": summary.mean_repeat,
        "P alive": alive, "Expected purchases": expected, "Expected order value": order_value,
        "Predicted value": purchases * order_value,
    }
    holdout = None
    if settings.holdout_end is not None and summary.holdout_purchases is not None:
        length = (settings.holdout_end - settings.as_of).days / unit
        predicted = conditional_expected(bg, length, x, t_x, T)
        actual = summary.holdout_purchases.astype(np.float64)
        columns["Holdout purchases"] = summary.holdout_purchases
        columns["Holdout expected"] = predicted
        holdout = Holdout(length, [int(c) for c in _by_frequency(x, np.ones_like(x))], _by_frequency(x, actual),
                          _by_frequency(x, predicted), float(actual.sum()), float(predicted.sum()))
    actual_counts = np.bincount(np.minimum(x, TOP_FREQUENCY).astype(np.int64), minlength=TOP_FREQUENCY + 1)
    tenures, per_tenure = np.unique(T, return_counts=True)
    predicted_counts = expected_count_distribution(bg, tenures, per_tenure.astype(np.float64), TOP_FREQUENCY)
    return ValueRun(settings, pd.DataFrame(columns), bg, gg, [int(v) for v in actual_counts],
                    [float(v) for v in predicted_counts], holdout, summary, notes)

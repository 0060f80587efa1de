"""What each live formula evaluates to, computed in Python from the engine's result.

Every formula cell is written with its cached value, so the book shows correct numbers
before any recalculation and readers that do not calculate (openpyxl ``data_only``) see
them. The helper columns' values follow the same rules as their formulas in
:mod:`live_rows`: the first band's points or a flag word per measure, the points earned and
the best points present per banded indicator, the weights counted per customer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from xlscore.engine import band_points as engine_band_points
from xlscore.model import Measure, Model
from xlscore.workbook.live_rows import value_columns

__all__ = ["band_points", "cache_value", "cached_columns", "earned_and_present", "weights_counted"]


def cache_value(value: Any) -> Any:
    """What the formula shows: ``""`` where the engine has no value (a formula cannot be blank)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    return value


def cached_columns(model: Model, customers: pd.DataFrame, result: pd.DataFrame,
            overrides: tuple[list[int], list[str]] | None, first_row: int) -> dict[str, Sequence[Any]]:
    """The engine's value of every formula column and the static helper values, in result order.

    ``first_row`` is the sheet row of tblCustomers' first data row: the frame's index counts
    data rows from 0, so a customer's sheet row is ``first_row + index``.
    """
    frame = customers.loc[result.index]
    positions = (result.index.to_numpy() + first_row).tolist()
    profile_number = {p.name: k + 1 for k, p in enumerate(model.profiles)}
    tier_number = {t.name: k + 1 for k, t in enumerate(model.tiers)}
    cached: dict[str, Sequence[Any]] = {
        "locator": positions,
        "hint": positions,
        "profile": [profile_number[p] for p in result["Profile"]],
        "approved": frame["Approved"].astype(bool).tolist(),
        "tier": [tier_number.get(t, 0) if isinstance(t, str) else 0 for t in result["Tier"]],
        "Rank": [int(r) if r == r else None for r in result["Rank"]],
    }
    cached["weights"] = weights_counted(model, result)
    for name in value_columns(model):
        cached[f"value:{name}"] = frame[name].tolist()
    for measure in model.measures:
        cached[f"points:{measure.name}"] = band_points(measure, frame[measure.name].to_numpy(dtype=np.float64))
    for ind in model.indicators:
        if ind.method == "banded":
            cached[f"earned:{ind.name}"], cached[f"present:{ind.name}"] = earned_and_present(
                model.measures_of(ind.name), frame, cached)
    if overrides is not None:
        cached["override"], cached["override flag"] = overrides
        computed = result["Computed tier"]
        cached["rule tier"] = [tier_number.get(t, 0) if isinstance(t, str) else 0 for t in computed]
    return cached


def weights_counted(model: Model, result: pd.DataFrame) -> list[float]:
    """Σ weights of the indicators not left out, added in indicator order like the engine."""
    profiles = {p.name: p for p in model.profiles}
    out = []
    for record in result[["Profile", *(i.name for i in model.indicators)]].itertuples(index=False):
        weights = profiles[record[0]].weights
        total = 0.0
        for ind, score in zip(model.indicators, record[1:], strict=True):
            if score == score:
                total += float(weights.get(ind.name, 0.0))
        out.append(total)
    return out


def earned_and_present(measures: Sequence[Measure], frame: pd.DataFrame,
                        cached: dict[str, Sequence[Any]]) -> tuple[list[float], list[float]]:
    """Per customer: Σ points of the measures, Σ best points of the present ones (in order)."""
    earned = [0.0] * len(frame)
    present = [0.0] * len(frame)
    for measure in measures:
        points = cached[f"points:{measure.name}"]
        values = frame[measure.name].to_numpy(dtype=np.float64)
        for i, (p, v) in enumerate(zip(points, values, strict=True)):
            earned[i] += p if isinstance(p, float | int) else 0.0
            present[i] += measure.max_points if v == v else 0.0
    return earned, present


def band_points(measure: Measure, values: np.ndarray) -> list[Any]:
    """Per customer: the band's points, or the flag word, as the engine finds them."""
    points, matched = engine_band_points(measure, values.astype(np.float64))
    missing, no_band = f"missing: {measure.name}", f"no band: {measure.name}"
    return [float(p) if hit else (missing if v != v else no_band)
            for p, hit, v in zip(points.tolist(), matched.tolist(), values.tolist(), strict=True)]

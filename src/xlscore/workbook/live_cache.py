"""What each live formula evaluates to, computed in Python from the engine's result.

Every formula cell is written with its cached value, so the book shows correct numbers
before any recalculation and readers that do not calculate (openpyxl ``data_only``) see
them. The helper columns' values follow the same rules as their formulas in
:mod:`live_rows`: the first band's points or a flag word per measure, the points earned and
the best points present per banded indicator, the weights counted per customer.

Everything is computed column-wise (numpy arrays, no per-row Python); sums are added in
the engine's order (measures, indicators), so every value is the engine's to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlscore.engine import band_points as engine_band_points
from xlscore.messages import flag
from xlscore.model import Measure, Model
from xlscore.workbook.live_rows import value_columns

__all__ = ["band_points", "cached_columns", "earned_and_present", "weights_counted"]

FloatArray = npt.NDArray[np.float64]
Cached = Sequence[Any] | np.ndarray  # one value per customer, in result order


def cached_columns(model: Model, customers: pd.DataFrame, result: pd.DataFrame,
                   overrides: tuple[list[int], list[str]] | None, first_row: int) -> dict[str, Cached]:
    """The engine's value of every formula column and the static helper values, in result order.

    ``first_row`` is the sheet row of tblCustomers' first data row: the frame's index counts
    data rows from 0, so a customer's sheet row is ``first_row + index``. Blank results are
    NaN or None (the formula shows ``""``).
    """
    frame = customers.loc[result.index]
    positions = result.index.to_numpy(dtype=np.int64) + first_row
    profile_number = {p.name: k + 1 for k, p in enumerate(model.profiles)}
    cached: dict[str, Cached] = {
        "locator": positions,
        "hint": positions,
        "profile": result["Profile"].map(profile_number).to_numpy(dtype=np.int64),
        "approved": frame["Approved"].astype(bool).to_numpy(),
        "tier": _tier_numbers(model, result["Tier"]),
        "Rank": [int(r) if r == r else None for r in result["Rank"]],
        "weights": weights_counted(model, result),
    }
    for name in value_columns(model):
        cached[f"value:{name}"] = frame[name].to_numpy()
    for measure in model.measures:
        cached[f"points:{measure.name}"] = band_points(measure, frame[measure.name].to_numpy(dtype=np.float64),
                                                        model.lang)
    for ind in model.indicators:
        if ind.method == "banded":
            cached[f"earned:{ind.name}"], cached[f"present:{ind.name}"] = earned_and_present(
                model.measures_of(ind.name), frame)
    if overrides is not None:
        cached["override"], cached["override flag"] = overrides
        cached["rule tier"] = _tier_numbers(model, result["Computed tier"])
    return cached


def _tier_numbers(model: Model, tiers: pd.Series) -> npt.NDArray[np.int64]:
    """1-based position of each tier name in tblTiers; 0 for none."""
    tier_number = {t.name: k + 1 for k, t in enumerate(model.tiers)}
    numbers: npt.NDArray[np.int64] = np.asarray(tiers.map(tier_number).fillna(0), dtype=np.int64)
    return numbers


def weights_counted(model: Model, result: pd.DataFrame) -> FloatArray:
    """Σ weights of the indicators not left out, added in indicator order like the engine."""
    profile = pd.Categorical(result["Profile"], categories=[p.name for p in model.profiles]).codes
    if (profile < 0).any():
        raise KeyError(f"unknown profile {result['Profile'][profile < 0].iloc[0]!r}")
    total = np.zeros(len(result))
    for ind in model.indicators:
        weight = np.array([float(p.weights.get(ind.name, 0.0)) for p in model.profiles])[profile]
        counted = ~np.isnan(result[ind.name].to_numpy(dtype=np.float64))
        total += np.where(counted, weight, 0.0)  # x + 0.0 is x: adding nothing for the rest
    return total


def earned_and_present(measures: Sequence[Measure], frame: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
    """Per customer: Σ points of the measures, Σ best points of the present ones (in order)."""
    earned, present = np.zeros(len(frame)), np.zeros(len(frame))
    for measure in measures:
        values = frame[measure.name].to_numpy(dtype=np.float64)
        points, _ = engine_band_points(measure, values)  # 0 where no band holds the value
        earned += points
        present += np.where(np.isnan(values), 0.0, float(measure.max_points))
    return earned, present


def band_points(measure: Measure, values: np.ndarray, lang: str = "en") -> npt.NDArray[np.object_]:
    """Per customer: the band's points, or the flag word, as the engine finds them."""
    values = values.astype(np.float64)
    points, matched = engine_band_points(measure, values)
    missing, no_band = flag("missing", lang, measure.name), flag("no_band", lang, measure.name)
    out = points.astype(object)
    blank = np.isnan(values)
    out[~matched & blank] = missing
    out[~matched & ~blank] = no_band
    return out

"""One customer's score traced to the band rows and weights that produced it.

The trace recomputes the customer with plain scalar arithmetic in the engine's order and
ends with the engine's own Score, Rank and Tier, so every point can be checked by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import cast

import pandas as pd

from xlscore.model import Indicator, Model
from xlscore.rounding import excel_round, share_cut

__all__ = ["Trace", "explain_customer"]


@dataclass
class Trace:
    customer_id: object
    lines: list[str] = field(default_factory=list)
    total: float | None = None
    score: float | None = None

    def __str__(self) -> str:
        return "\n".join(self.lines)


def _num(value: float) -> str:
    return f"{value:,.10g}"


def _indicator(model: Model, ind: Indicator, row: pd.Series, trace: Trace) -> tuple[float, bool, bool]:
    """(score, included, blocks) for one indicator, writing its lines."""
    if ind.method == "direct":
        value = float(row[ind.name])
        present = not math.isnan(value)
        approved = bool(row["Approved"]) or not ind.needs_approval
        if present and approved:
            trace.lines.append(f"  {ind.name} = {_num(value)} (direct score)")
            return value, True, False
        why = "blank" if not present else "not approved (Approved is not yes)"
        return _missing(ind, trace, why, 0.0)
    earned = present_max = full_max = 0.0
    missing: list[str] = []
    for measure in model.measures_of(ind.name):
        full_max += measure.max_points
        value = float(row[measure.name])
        if math.isnan(value):
            missing.append(measure.name)
            trace.lines.append(f"  {measure.name}: blank")
            continue
        present_max += measure.max_points
        band = measure.band_of(value)
        if band is None:
            trace.lines.append(f"  {measure.name} = {_num(value)}: in no band -> 0 points")
            continue
        low = "…" if band.lower is None else _num(band.lower)
        high = "…" if band.upper is None else _num(band.upper)
        trace.lines.append(f"  {measure.name} = {_num(value)}: band {low} <= v < {high} ({band.ref}) "
                           f"-> {_num(band.points)} of {_num(measure.max_points)} points")
        earned += band.points
    if not missing:
        trace.lines.append(f"  {ind.name} = {_num(earned)}")
        return earned, True, False
    if ind.if_missing == "exclude":
        if present_max == 0 and all(math.isnan(float(row[m.name])) for m in model.measures_of(ind.name)):
            trace.lines.append(f"  {ind.name}: every measure blank -> left out (If missing = exclude)")
            return math.nan, False, False
        score = earned * 100.0 / present_max if present_max > 0 else 0.0
        trace.lines.append(f"  {ind.name} = {_num(earned)} / {_num(present_max)} x 100 = {_num(score)} "
                           "(blank measures left out, If missing = exclude)")
        return score, True, False
    trace.lines.append(f"  {ind.name} = {_num(earned)} (blank measures score 0)")
    return earned, True, ind.if_missing == "error"


def _missing(ind: Indicator, trace: Trace, why: str, zero: float) -> tuple[float, bool, bool]:
    if ind.if_missing == "zero":
        trace.lines.append(f"  {ind.name}: {why} -> 0 (If missing = zero)")
        return zero, True, False
    if ind.if_missing == "exclude":
        trace.lines.append(f"  {ind.name}: {why} -> left out (If missing = exclude)")
        return math.nan, False, False
    trace.lines.append(f"  {ind.name}: {why} -> the customer gets no score (If missing = error)")
    return math.nan, False, True


def explain_customer(model: Model, customers: pd.DataFrame, result: pd.DataFrame, index: int) -> Trace:
    """Trace the customer at frame index ``index`` (its tblCustomers data row)."""
    row = cast(pd.Series, customers.loc[index])
    res = cast(pd.Series, result.loc[index])
    trace = Trace(row["Customer ID"])
    profile = model.profile(str(row["Profile"]) if row["Profile"] else None)
    trace.lines.append(f"Customer {row['Customer ID']} ({row['Customer'] or ''}), weight profile {profile.name}")
    weighted = weights = 0.0
    terms: list[str] = []
    blocked = False
    for ind in model.indicators:
        weight = float(profile.weights.get(ind.name, 0.0))
        trace.lines.append(f"{ind.name} ({ind.method}, weight {_num(weight)} %):")
        score, included, blocks = _indicator(model, ind, row, trace)
        blocked |= blocks
        if included:
            weighted += score * weight
            weights += weight
            terms.append(f"{_num(score)} x {_num(weight)}")
    if blocked or weights <= 0:
        trace.lines.append("No score: " + ("an If missing = error value is blank" if blocked
                                          else "no indicator left to weigh"))
        return trace
    trace.total = weighted / weights
    trace.score = excel_round(trace.total, 2)
    trace.lines.append(f"Total = ({' + '.join(terms)}) / {_num(weights)} = {_num(trace.total)}")
    trace.lines.append(f"Score = ROUND(total, 2) = {trace.score:.2f}")
    n_scored = int(result["Score"].notna().sum())
    rank = int(cast(float, res["Rank"]))
    tier = res["Tier"]
    trace.lines.append(f"Rank {rank} of {n_scored} (competition ranking, highest score first)")
    if model.scheme == "share":
        t = next((t for t in model.tiers if t.name == tier), None)
        if t is not None and t.top_share is not None:
            cut = share_cut(t.top_share, n_scored)
            trace.lines.append(f"Tier {tier}: rank {rank} <= ceil({_num(t.top_share)} % x {n_scored}) = {cut}")
    elif isinstance(tier, str):
        t = next(t for t in model.tiers if t.name == tier)
        trace.lines.append(f"Tier {tier}: first tier whose Min score {_num(t.min_score or 0)} <= {trace.score:.2f}")
    if not isinstance(tier, str):
        trace.lines.append("Tier: none (below every Min score)")
    return trace

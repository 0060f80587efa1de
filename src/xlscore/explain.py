"""One customer's score traced to the band rows and weights that produced it.

The trace recomputes the customer with plain scalar arithmetic in the engine's order and
ends with the engine's own Score, Rank and Tier, so every point can be checked by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import cast

import pandas as pd

from xlscore.messages import say
from xlscore.model import Indicator, Model
from xlscore.rounding import excel_round, percent_text, share_cut

__all__ = ["Trace", "explain_customer", "trace_json"]


@dataclass
class Trace:
    customer_id: object
    lines: list[str] = field(default_factory=list)
    total: float | None = None
    score: float | None = None
    lang: str = "en"

    def say(self, key: str, /, **fields: object) -> str:
        return say(key, self.lang, **fields)

    def add(self, key: str, /, **fields: object) -> None:
        self.lines.append(self.say(key, **fields))

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
            trace.add("x.direct", name=ind.name, value=_num(value))
            return value, True, False
        why = trace.say("x.blank" if not present else "x.unapproved")
        return _missing(ind, trace, why, 0.0)
    earned = present_max = full_max = 0.0
    missing: list[str] = []
    for measure in model.measures_of(ind.name):
        full_max += measure.max_points
        value = float(row[measure.name])
        if math.isnan(value):
            missing.append(measure.name)
            trace.add("x.measure_blank", name=measure.name)
            continue
        present_max += measure.max_points
        band = measure.band_of(value)
        if band is None:
            trace.add("x.no_band", name=measure.name, value=_num(value))
            continue
        low = "…" if band.lower is None else _num(band.lower)
        high = "…" if band.upper is None else _num(band.upper)
        trace.add("x.band", name=measure.name, value=_num(value), low=low, high=high, ref=band.ref,
                  points=_num(band.points), best=_num(measure.max_points))
        earned += band.points
    if not missing:
        trace.add("x.sum", name=ind.name, value=_num(earned))
        return earned, True, False
    if ind.if_missing == "exclude":
        if present_max == 0 and all(math.isnan(float(row[m.name])) for m in model.measures_of(ind.name)):
            trace.add("x.all_blank", name=ind.name)
            return math.nan, False, False
        score = earned * 100.0 / present_max if present_max > 0 else 0.0
        trace.add("x.rescaled", name=ind.name, earned=_num(earned), present=_num(present_max), score=_num(score))
        return score, True, False
    trace.add("x.zero_measures", name=ind.name, value=_num(earned))
    return earned, True, ind.if_missing == "error"


def _missing(ind: Indicator, trace: Trace, why: str, zero: float) -> tuple[float, bool, bool]:
    if ind.if_missing == "zero":
        trace.add("x.missing_zero", name=ind.name, why=why)
        return zero, True, False
    if ind.if_missing == "exclude":
        trace.add("x.missing_exclude", name=ind.name, why=why)
        return math.nan, False, False
    trace.add("x.missing_error", name=ind.name, why=why)
    return math.nan, False, True


def explain_customer(model: Model, customers: pd.DataFrame, result: pd.DataFrame, index: int,
                     lang: str | None = None) -> Trace:
    """Trace the customer at frame index ``index`` (its tblCustomers data row), in ``lang`` (default the book's)."""
    row = cast(pd.Series, customers.loc[index])
    res = cast(pd.Series, result.loc[index])
    trace = Trace(row["Customer ID"], lang=lang or model.lang)
    profile = model.profile(str(row["Profile"]) if row["Profile"] else None)
    trace.add("x.customer", id=row["Customer ID"], customer=row["Customer"] or "", profile=profile.name)
    weighted = weights = 0.0
    terms: list[str] = []
    blocked = False
    for ind in model.indicators:
        weight = float(profile.weights.get(ind.name, 0.0))
        method = trace.say("x.banded" if ind.method == "banded" else "x.direct_method")
        trace.add("x.indicator", name=ind.name, method=method, weight=_num(weight))
        score, included, blocks = _indicator(model, ind, row, trace)
        blocked |= blocks
        if included:
            weighted += score * weight
            weights += weight
            terms.append(f"{_num(score)} x {_num(weight)}")
    if blocked or weights <= 0:
        trace.add("x.no_score_error" if blocked else "x.no_score_weights")
        return trace
    coverage = float(res["Coverage"]) if "Coverage" in res else math.nan
    if model.shows_coverage and not math.isnan(coverage):
        trace.add("x.coverage", coverage=percent_text(coverage))
        if model.min_coverage is not None and coverage * 100 < model.min_coverage - 1e-9:
            trace.add("x.no_score_coverage", minimum=_num(model.min_coverage))
            return trace
    trace.total = weighted / weights
    trace.score = excel_round(trace.total, 2)
    trace.add("x.total", terms=" + ".join(terms), weights=_num(weights), total=_num(trace.total))
    trace.add("x.score", score=f"{trace.score:.2f}")
    n_scored = int(result["Score"].notna().sum())
    rank = int(cast(float, res["Rank"]))
    final = res["Tier"]
    tier = res["Computed tier"] if "Computed tier" in res.index else final  # the rule's tier, before overrides
    trace.add("x.rank", rank=f"{rank:,}", scored=f"{n_scored:,}")
    if model.scheme == "share":
        t = next((t for t in model.tiers if t.name == tier), None)
        if t is not None and t.top_share is not None:
            cut = share_cut(t.top_share, n_scored)
            trace.add("x.tier_share", tier=tier, rank=f"{rank:,}", share=_num(t.top_share), scored=f"{n_scored:,}",
                      cut=f"{cut:,}")
    elif isinstance(tier, str):
        t = next(t for t in model.tiers if t.name == tier)
        trace.add("x.tier_threshold", tier=tier, low=_num(t.min_score or 0), score=f"{trace.score:.2f}")
    if not isinstance(tier, str):
        trace.add("x.no_tier")
    if isinstance(final, str) and final != tier:
        trace.add("x.override", tier=final, computed=tier if isinstance(tier, str) else "-",
                  flags=str(res["Flags"] or ""))
    return trace


def trace_json(model: Model, result: pd.DataFrame, index: int, trace: Trace) -> dict[str, object]:
    """The explanation as data: the engine's figures for the customer, and the trace lines."""
    res = cast(pd.Series, result.loc[index])
    profile = model.profile(str(res["Profile"]) if res["Profile"] else None)

    def number(value: object) -> float | None:
        return None if value is None or value != value else float(cast(float, value))

    return {
        "customer_id": res["Customer ID"], "customer": res["Customer"], "profile": profile.name,
        "indicators": [{"indicator": ind.name, "method": ind.method, "if_missing": ind.if_missing,
                        "weight": float(profile.weights.get(ind.name, 0.0)), "score": number(res[ind.name])}
                       for ind in model.indicators],
        "total": trace.total, "score": number(res["Score"]), "rank": number(res["Rank"]),
        "tier": res["Tier"] if isinstance(res["Tier"], str) else None,
        "coverage": number(res["Coverage"]) if "Coverage" in res else None,
        "flags": res["Flags"] or "", "lines": trace.lines,
    }

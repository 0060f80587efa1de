"""The scoring engine: (Model, customers DataFrame) -> result DataFrame. Pure numpy/pandas.

Rules (issue "Core", domain.md §6), applied column-wise with no per-row Python:

* banded indicator = Σ points of the band ``From <= v < To`` of each measure; a value in no
  band scores 0 (``no band: <measure>``);
* direct indicator = the 0–100 value; when the indicator needs approval and the row is not
  approved the value counts as missing (``unapproved: <column>``);
* missing values per indicator policy: zero / exclude (renormalise present measures) /
  error (no score); each blank flags ``missing: <column>``;
* total = Σ score × weight / Σ weights of the indicators not left out; Score = Excel
  ROUND(total, 2); competition rank on Score; tier by threshold or by exact share cut.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlscore.model import Indicator, Model
from xlscore.rounding import excel_round_array, share_cut

__all__ = ["SCORING_TAIL", "IndicatorResult", "score_customers", "scoring_columns"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SCORING_HEAD = ("Customer ID", "Customer", "Owner", "Profile")
SCORING_TAIL = ("Score", "Rank", "Tier", "Policy", "Next follow-up", "Flags")


def scoring_columns(model: Model) -> list[str]:
    """The tblScoring columns, in order (English names)."""
    return [*SCORING_HEAD, *(ind.name for ind in model.indicators), *SCORING_TAIL]


@dataclass
class IndicatorResult:
    """One indicator over all customers."""

    score: FloatArray  # 0–100, unrounded; NaN where left out
    included: BoolArray  # counts in the weighted total
    blocks: BoolArray  # an `error` policy missing value: the customer gets no score


class _Flags:
    """Accumulates `; `-joined flag words per customer, in rule order."""

    def __init__(self, n: int) -> None:
        self.parts: npt.NDArray[np.object_] = np.full(n, "", dtype=object)

    def add(self, mask: BoolArray, word: str) -> None:
        if mask.any():
            self.parts[mask] = self.parts[mask] + ("; " + word)

    def result(self) -> npt.NDArray[np.object_]:
        out: npt.NDArray[np.object_] = np.array([p[2:] for p in self.parts], dtype=object)
        return out


def _banded(model: Model, ind: Indicator, frame: pd.DataFrame, flags: _Flags) -> IndicatorResult:
    n = len(frame)
    earned = np.zeros(n)
    present_max = np.zeros(n)
    any_present = np.zeros(n, dtype=bool)
    any_missing = np.zeros(n, dtype=bool)
    full_max = 0.0
    for measure in model.measures_of(ind.name):
        values = frame[measure.name].to_numpy(dtype=np.float64)
        present = ~np.isnan(values)
        points = np.zeros(n)
        matched = np.zeros(n, dtype=bool)
        for band in measure.bands:
            hit = present & ~matched
            if band.lower is not None:
                hit &= values >= band.lower
            if band.upper is not None:
                hit &= values < band.upper
            points[hit] = band.points
            matched |= hit
        flags.add(~present, f"missing: {measure.name}")
        flags.add(present & ~matched, f"no band: {measure.name}")
        earned += points
        present_max += np.where(present, measure.max_points, 0.0)
        full_max += measure.max_points
        any_present |= present
        any_missing |= ~present
    if ind.if_missing == "exclude":
        complete = present_max == full_max
        with np.errstate(divide="ignore", invalid="ignore"):
            renormalised = np.where(present_max > 0, earned * 100.0 / present_max, 0.0)
        score = np.where(complete, earned, renormalised)
        return IndicatorResult(np.where(any_present, score, np.nan), any_present, np.zeros(n, dtype=bool))
    blocks = any_missing if ind.if_missing == "error" else np.zeros(n, dtype=bool)
    return IndicatorResult(earned, np.ones(n, dtype=bool), blocks)


def _direct(ind: Indicator, frame: pd.DataFrame, flags: _Flags) -> IndicatorResult:
    n = len(frame)
    values = frame[ind.name].to_numpy(dtype=np.float64)
    present = ~np.isnan(values)
    counted = present.copy()
    flags.add(~present, f"missing: {ind.name}")
    if ind.needs_approval:
        approved = frame["Approved"].to_numpy(dtype=bool)
        flags.add(present & ~approved, f"unapproved: {ind.name}")
        counted &= approved
    if ind.if_missing == "zero":
        return IndicatorResult(np.where(counted, values, 0.0), np.ones(n, dtype=bool), np.zeros(n, dtype=bool))
    blocks = ~counted if ind.if_missing == "error" else np.zeros(n, dtype=bool)
    return IndicatorResult(np.where(counted, values, np.nan), counted, blocks)


def _profile_index(model: Model, frame: pd.DataFrame) -> npt.NDArray[np.intp]:
    lookup = {p.name.strip().casefold(): i for i, p in enumerate(model.profiles)}
    keys = frame["Profile"].to_numpy(dtype=object)
    return np.array([lookup.get(str(k).strip().casefold(), 0) if k else 0 for k in keys], dtype=np.intp)


def _competition_rank(scores: FloatArray, scored: BoolArray) -> FloatArray:
    """1 + number of scored customers with a strictly higher score (1, 2, 2, 4)."""
    ranked = np.sort(scores[scored])
    higher = len(ranked) - np.searchsorted(ranked, scores, side="right")
    return np.where(scored, higher + 1, np.nan).astype(np.float64)


def _tiers(model: Model, score: FloatArray, rank: FloatArray, scored: BoolArray) -> npt.NDArray[np.intp]:
    """Index into model.tiers per customer, -1 for none."""
    tier = np.full(len(score), -1, dtype=np.intp)
    n_scored = int(scored.sum())
    for i, t in enumerate(model.tiers):
        open_rows = scored & (tier < 0)
        if model.scheme == "share":
            if t.top_share is None:
                continue
            tier[open_rows & (rank <= share_cut(t.top_share, n_scored))] = i
        elif t.min_score is not None:
            tier[open_rows & (score >= t.min_score)] = i
    return tier


def score_customers(model: Model, frame: pd.DataFrame) -> pd.DataFrame:
    """Score, rank and tier every customer; rows sorted by Rank then Customer ID."""
    n = len(frame)
    flags = _Flags(n)
    results = [
        _banded(model, ind, frame, flags) if ind.method == "banded" else _direct(ind, frame, flags)
        for ind in model.indicators
    ]
    profile_idx = _profile_index(model, frame)
    weight_table = np.array(
        [[float(p.weights.get(ind.name, 0.0)) for ind in model.indicators] for p in model.profiles]
    ).reshape(len(model.profiles), len(model.indicators))
    weights = weight_table[profile_idx] if n else np.zeros((0, len(model.indicators)))
    weighted_sum = np.zeros(n)
    weight_sum = np.zeros(n)
    blocked = np.zeros(n, dtype=bool)
    for j, res in enumerate(results):
        weighted_sum += np.where(res.included, np.nan_to_num(res.score) * weights[:, j], 0.0)
        weight_sum += np.where(res.included, weights[:, j], 0.0)
        blocked |= res.blocks
    scored = ~blocked & (weight_sum > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        total = np.where(scored, weighted_sum / weight_sum, np.nan)
    score = excel_round_array(total)
    flags.add(~scored, "not scored")
    rank = _competition_rank(score, scored)
    tier_idx = _tiers(model, score, rank, scored)
    tier_names = np.array([t.name for t in model.tiers] + [None], dtype=object)
    policies = np.array([t.policy for t in model.tiers] + [None], dtype=object)
    days = np.array([t.follow_up_days for t in model.tiers] + [None], dtype=np.float64)
    follow_days = days[tier_idx]  # -1 indexes the trailing None/NaN
    last = frame["Last contact"].to_numpy(dtype="datetime64[ns]")
    next_follow = last + pd.to_timedelta(follow_days, unit="D").to_numpy()
    text = {
        "Customer ID": frame["Customer ID"].to_numpy(dtype=object),
        "Customer": frame["Customer"].to_numpy(dtype=object),
        "Owner": frame["Owner"].to_numpy(dtype=object),
        "Profile": np.array([model.profiles[i].name for i in profile_idx], dtype=object),
    }
    columns: dict[str, object] = {name: pd.Series(values, index=frame.index, dtype=object)
                                  for name, values in text.items()}
    columns.update({ind.name: res.score for ind, res in zip(model.indicators, results, strict=True)})
    columns.update({
        "Score": score,
        "Rank": rank,
        "Tier": pd.Series(tier_names[tier_idx], index=frame.index, dtype=object),
        "Policy": pd.Series(policies[tier_idx], index=frame.index, dtype=object),
        "Next follow-up": next_follow,
        "Flags": pd.Series(flags.result(), index=frame.index, dtype=object),
    })
    out = pd.DataFrame(columns, index=frame.index)
    for ind, res in zip(model.indicators, results, strict=True):
        out.loc[~scored & ~res.included, ind.name] = np.nan
    return _sorted(out, scored)


def _id_sort_key(value: object) -> tuple[int, float, str]:
    if isinstance(value, bool) or value is None:
        return (2, 0.0, str(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return (0, float(value), "")
    return (1, 0.0, str(value).casefold())


def _sorted(out: pd.DataFrame, scored: BoolArray) -> pd.DataFrame:
    id_keys = [_id_sort_key(v) for v in out["Customer ID"].to_numpy(dtype=object)]
    id_order = np.empty(len(out), dtype=np.intp)
    id_order[sorted(range(len(out)), key=id_keys.__getitem__)] = np.arange(len(out))
    rank_key = np.where(scored, out["Rank"].to_numpy(), np.inf)
    order = np.lexsort((id_order, rank_key))
    return out.iloc[order]

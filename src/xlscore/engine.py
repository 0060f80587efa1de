"""The scoring engine: (Model, customers DataFrame) -> result DataFrame. Pure numpy/pandas.

Rules (docs/rules.md), applied column-wise with no per-row Python:

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

from xlscore.model import Indicator, Measure, Model
from xlscore.rounding import excel_round_array, share_cut

__all__ = ["SCORING_TAIL", "IndicatorResult", "band_points", "compute_scores", "score_customers", "scoring_columns",
           "sheet_order"]

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
    """Accumulates flag words per customer, in rule order, joined with `; `.

    Rows share few distinct flag combinations, so each combination is joined once: a bit
    per flag word, the strings built per distinct bit pattern.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.words: list[tuple[BoolArray, str]] = []

    def add(self, mask: BoolArray, word: str) -> None:
        if mask.any():
            self.words.append((mask, word))

    def result(self) -> npt.NDArray[np.object_]:
        codes = np.zeros((self.n, (len(self.words) + 62) // 63 or 1), dtype=np.int64)
        for k, (mask, _) in enumerate(self.words):
            codes[:, k // 63] |= mask.astype(np.int64) << (k % 63)
        if codes.shape[1] == 1:  # the usual case: hash the codes, no sort
            inverse, uniques = pd.factorize(codes[:, 0])
            patterns = uniques.reshape(-1, 1)
        else:
            patterns, inverse = np.unique(codes, axis=0, return_inverse=True)
        texts = np.empty(len(patterns), dtype=object)
        for p, bits in enumerate(patterns):
            texts[p] = "; ".join(word for k, (_, word) in enumerate(self.words) if bits[k // 63] >> (k % 63) & 1)
        out: npt.NDArray[np.object_] = texts[inverse.reshape(-1)]
        return out


def band_points(measure: Measure, values: FloatArray, present: BoolArray | None = None) -> tuple[FloatArray, BoolArray]:
    """Points of the band ``From <= v < To`` holding each value, and whether one does.

    Bands of a measure do not overlap (validation), so after sorting by From the candidate
    band is the last one starting at or below the value: one binary search per value.
    ``present`` defaults to the values that are not NaN.
    """
    if present is None:
        present = ~np.isnan(values)
    bands = sorted(measure.bands, key=lambda b: -np.inf if b.lower is None else b.lower)
    lowers = np.array([-np.inf if b.lower is None else b.lower for b in bands])
    uppers = np.array([np.inf if b.upper is None else b.upper for b in bands] + [-np.inf])
    points_of = np.array([b.points for b in bands] + [0.0])
    k = np.searchsorted(lowers, values, side="right") - 1  # -1: below every band (and NaN sorts last)
    k = np.where(present & (k >= 0), k, len(bands))
    matched = values < uppers[k]
    return np.where(matched, points_of[k], 0.0), matched


def _banded(model: Model, ind: Indicator, frame: pd.DataFrame, flags: _Flags) -> IndicatorResult:
    n = len(frame)
    earned = np.zeros(n)
    present_max = np.zeros(n)
    any_present = np.zeros(n, dtype=bool)
    any_missing = np.zeros(n, dtype=bool)
    for measure in model.measures_of(ind.name):
        values = frame[measure.name].to_numpy(dtype=np.float64)
        present = ~np.isnan(values)
        points, matched = band_points(measure, values, present)
        flags.add(~present, f"missing: {measure.name}")
        flags.add(present & ~matched, f"no band: {measure.name}")
        earned += points
        present_max += np.where(present, measure.max_points, 0.0)
        any_present |= present
        any_missing |= ~present
    if ind.if_missing == "exclude":
        complete = ~any_missing
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
    """Index into model.profiles per customer (case-insensitive; blank or unknown = the first)."""
    lookup = {p.name.strip().casefold(): i for i, p in enumerate(model.profiles)}
    codes, names = pd.factorize(frame["Profile"].to_numpy(dtype=object), use_na_sentinel=True)
    per_name = np.array([lookup.get(str(name).strip().casefold(), 0) for name in names] + [0], dtype=np.intp)
    out: npt.NDArray[np.intp] = per_name[codes]  # the sentinel -1 picks the trailing 0
    return out


def _competition_rank(scores: FloatArray, scored: BoolArray) -> FloatArray:
    """1 + number of scored customers with a strictly higher score (1, 2, 2, 4)."""
    rank = np.full(len(scores), np.nan)
    where = np.flatnonzero(scored)
    order = where[np.argsort(-scores[where], kind="stable")]
    ordered = scores[order]
    starts = np.ones(len(ordered), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(ordered)), 0))
    rank[order] = first + 1
    return rank


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
    result = compute_scores(model, frame)
    return result.iloc[sheet_order(result)]


def sheet_order(result: pd.DataFrame) -> npt.NDArray[np.intp]:
    """Row order of tblScoring: by Rank, ties by Customer ID; unscored customers last, by ID."""
    return _rank_order(result["Customer ID"].to_numpy(dtype=object), result["Rank"].to_numpy(dtype=np.float64),
                       result["Score"].notna().to_numpy())


def compute_scores(model: Model, frame: pd.DataFrame) -> pd.DataFrame:
    """Score, rank and tier every customer, in the order of ``frame`` (same index)."""
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
    profile_names = np.array([p.name for p in model.profiles], dtype=object)

    def obj(values: npt.NDArray[np.object_]) -> pd.Series:
        return pd.Series(values, index=frame.index, dtype=object)

    columns: dict[str, object] = {
        "Customer ID": obj(frame["Customer ID"].to_numpy(dtype=object)),
        "Customer": obj(frame["Customer"].to_numpy(dtype=object)),
        "Owner": obj(frame["Owner"].to_numpy(dtype=object)),
        "Profile": obj(profile_names[profile_idx]),
    }
    for ind, res in zip(model.indicators, results, strict=True):
        columns[ind.name] = np.where(~scored & ~res.included, np.nan, res.score)
    columns.update({
        "Score": score,
        "Rank": rank,
        "Tier": obj(tier_names[tier_idx]),
        "Policy": obj(policies[tier_idx]),
        "Next follow-up": next_follow,
        "Flags": obj(flags.result()),
    })
    return pd.DataFrame(columns, index=frame.index)


def _id_order(ids: npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
    """Positions of ids in ascending order: numbers by value, then text case-insensitively, then the rest."""
    inferred = pd.api.types.infer_dtype(ids, skipna=False)
    if inferred == "string":
        kinds = np.ones(len(ids), dtype=np.int8)
    elif inferred in ("integer", "floating", "mixed-integer-float"):
        kinds = np.zeros(len(ids), dtype=np.int8)
    else:
        kinds = np.fromiter((0 if isinstance(v, int | float) and not isinstance(v, bool) else 1
                             if isinstance(v, str) else 2 for v in ids), dtype=np.int8, count=len(ids))
    parts = []
    for kind in (0, 1, 2):
        where = np.flatnonzero(kinds == kind)
        if not len(where):
            continue
        if kind == 0:
            keys: npt.NDArray[np.generic] = ids[where].astype(np.float64)
        else:
            keys = np.strings.lower(ids[where].astype(str))
        parts.append(where[np.argsort(keys, kind="stable")])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)


def _rank_order(ids: npt.NDArray[np.object_], rank: FloatArray, scored: BoolArray) -> npt.NDArray[np.intp]:
    """Row order of tblScoring: by Rank, ties by Customer ID; unscored customers last, by ID."""
    id_rank = np.empty(len(ids), dtype=np.intp)
    id_rank[_id_order(ids)] = np.arange(len(ids))
    rank_key = np.where(scored, rank, np.inf)
    order: npt.NDArray[np.intp] = np.lexsort((id_rank, rank_key))
    return order

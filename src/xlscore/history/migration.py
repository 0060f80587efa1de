"""Who moved between two periods: Previous tier and Movement per customer, and the matrix.

Tier order is tblTiers row order, top tier first, so ``up`` means a better tier. A customer
not in the previous snapshot is ``new``; Movement is blank when a side has no tier or the
previous tier is no longer in tblTiers (it cannot be ordered). The matrix counts customers
of both periods from previous tier (rows) to current tier (columns), with a ``Lost`` column
(in the previous snapshot, gone now) and a ``New`` row (not in it), so each row adds up to
the previous tier's size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xlscore.history.names import Movement
from xlscore.history.periods import Period
from xlscore.history.store import History
from xlscore.overrides import customer_key

__all__ = ["LOST", "NEW", "NO_TIER", "Comparison", "compare", "movement"]

# Matrix labels (English keys; the sheet translates them).
NO_TIER, NEW, LOST = "(no tier)", "New", "Lost"


@dataclass(frozen=True)
class Comparison:
    previous: Period
    current: Period
    previous_tier: pd.Series  # per result row: tier in the previous snapshot (None: not in it / no tier)
    movement: pd.Series  # per result row: up / down / same / new / None
    new: pd.Series  # per result row: not in the previous snapshot
    lost: pd.DataFrame  # History rows of the previous period whose customer is gone
    matrix: pd.DataFrame  # counts: rows previous tier (+ New), columns current tier (+ Lost)

    def counts(self) -> dict[str, int]:
        words = self.movement.value_counts()
        return {word: int(words.get(word, 0)) for word in ("up", "down", "same", "new")} | {
            "lost": len(self.lost)}


def movement(previous: str | None, current: str | None, order: dict[str, int], is_new: bool) -> Movement | None:
    """One customer's Movement; ``order`` maps case-folded tier names to their tblTiers row."""
    if is_new:
        return "new"
    if previous is None or current is None:
        return "same" if previous is None and current is None else None
    before, now = order.get(previous.casefold()), order.get(current.casefold())
    if before is None or now is None:
        return "same" if previous.casefold() == current.casefold() else None
    return "up" if now < before else "down" if now > before else "same"


def compare(result: pd.DataFrame, history: History, current: Period, tiers: Sequence[str]) -> Comparison | None:
    """Compare the scoring (as period ``current``) with the latest snapshot before it."""
    previous = history.before(current)
    if previous is None:
        return None
    before = history.of(previous)
    before_keys = [customer_key(v) for v in before["Customer ID"]]
    before_tier = dict(zip(before_keys, before["Tier"], strict=True))
    keys = [customer_key(v) for v in result["Customer ID"]]
    is_new = np.array([k not in before_tier for k in keys], dtype=bool)
    order = {tier.casefold(): k for k, tier in enumerate(tiers)}
    canonical = {tier.casefold(): tier for tier in tiers}
    prev_tier = [None if n else _canonical(before_tier[k], canonical) for k, n in zip(keys, is_new, strict=True)]
    now_tier = [None if pd.isna(t) else str(t) for t in result["Tier"]]
    moves = [movement(p, c, order, bool(n)) for p, c, n in zip(prev_tier, now_tier, is_new, strict=True)]
    present = set(keys)
    lost = before[np.array([k not in present for k in before_keys], dtype=bool)]
    matrix = _matrix(prev_tier, now_tier, is_new, lost, tiers, canonical)
    return Comparison(
        previous=previous,
        current=current,
        previous_tier=pd.Series(prev_tier, index=result.index, dtype=object),
        movement=pd.Series(moves, index=result.index, dtype=object),
        new=pd.Series(is_new, index=result.index),
        lost=lost,
        matrix=matrix,
    )


def _canonical(tier: object, canonical: dict[str, str]) -> str | None:
    if tier is None or (isinstance(tier, float) and np.isnan(tier)):
        return None
    text = str(tier).strip()
    return canonical.get(text.casefold(), text) or None


def _matrix(prev_tier: list[str | None], now_tier: list[str | None], is_new: np.ndarray, lost: pd.DataFrame,
            tiers: Sequence[str], canonical: dict[str, str]) -> pd.DataFrame:
    lost_tiers = [_canonical(t, canonical) for t in lost["Tier"]]
    stayed = [(p, c) for p, c, n in zip(prev_tier, now_tier, is_new, strict=True) if not n]
    renamed = [t for t in dict.fromkeys([p for p, _ in stayed] + lost_tiers) if t is not None and t not in tiers]
    rows = [*tiers, *renamed]
    if any(p is None for p, _ in stayed) or None in lost_tiers:
        rows.append(NO_TIER)
    columns = list(tiers)
    if any(c is None for c in now_tier):
        columns.append(NO_TIER)
    cells = Counter((p or NO_TIER, c or NO_TIER) for p, c in stayed)
    cells.update((NEW, c or NO_TIER) for c, n in zip(now_tier, is_new, strict=True) if n)
    cells.update((p or NO_TIER, LOST) for p in lost_tiers)
    matrix = pd.DataFrame(0, index=[*rows, NEW], columns=[*columns, LOST], dtype=np.int64)
    for (row, col), count in cells.items():
        matrix.loc[row, col] = count
    return matrix

"""Comparing the pyramid with the standard models: cross-tabs and the share of agreement.

Each method puts a customer in a class — high, middle or low:

* pyramid tier: by the tier's position in tblTiers, cut into thirds — tier i (0-based) of
  T is high when 3·i < T, middle when 3·i < 2·T, low otherwise (4 tiers: high, high,
  middle, low; 3 tiers: high, middle, low);
* RFM segment: the segment's Class in tblRFMSegments (blank = not compared);
* nine-box cell: by diagonal (see :mod:`xlscore.classify.ninebox`).

Two methods **agree** on a customer when both classes exist and are equal. The share of
agreement is agreeing customers / customers compared (those with both classes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlscore.classify.data import ObjArray
from xlscore.classify.ninebox import grid_classes
from xlscore.workbook.layout import Lang

__all__ = ["Comparison", "CrossTab", "MethodsComparison", "agreement", "compare_methods", "cross_tab", "tier_classes"]

IntArray = npt.NDArray[np.int64]


def tier_classes(tiers: Sequence[str]) -> dict[str, str]:
    """Tier name -> class by position in the tier list (top third high, bottom third low)."""
    count = len(tiers)
    return {name: "high" if 3 * i < count else "middle" if 3 * i < 2 * count else "low"
            for i, name in enumerate(tiers)}


@dataclass(frozen=True)
class CrossTab:
    """Customers per (tier, group) with the classes that decide agreement."""

    rows: list[str]
    columns: list[str]
    counts: IntArray  # len(rows) x len(columns)
    row_class: list[str]
    column_class: list[str | None]

    @property
    def agree_mask(self) -> npt.NDArray[np.bool_]:
        """Cells whose tier class equals the group class."""
        rows = np.array(self.row_class, dtype=object)[:, None]
        cols = np.array(self.column_class, dtype=object)[None, :]
        same: npt.NDArray[np.bool_] = (rows == cols) & (cols != None)  # noqa: E711 (element-wise)
        return same

    @property
    def compared_per_row(self) -> IntArray:
        classed = np.array([c is not None for c in self.column_class], dtype=bool)
        out: IntArray = self.counts[:, classed].sum(axis=1).astype(np.int64)
        return out

    @property
    def agree_per_row(self) -> IntArray:
        out: IntArray = np.where(self.agree_mask, self.counts, 0).sum(axis=1).astype(np.int64)
        return out

    @property
    def compared(self) -> int:
        return int(self.compared_per_row.sum())

    @property
    def agree(self) -> int:
        return int(self.agree_per_row.sum())


def cross_tab(tiers: ObjArray, groups: ObjArray, tier_order: Sequence[str],
              group_classes: Mapping[str, str | None]) -> CrossTab:
    """Count customers per (tier, group); groups in the order of ``group_classes``."""
    columns = list(group_classes)
    rows = _positions(tiers, list(tier_order))
    cols = _positions(groups, columns)
    both = (rows >= 0) & (cols >= 0)
    counts: IntArray = np.zeros((len(tier_order), len(columns)), dtype=np.int64)
    np.add.at(counts, (rows[both], cols[both]), 1)
    by_tier = tier_classes(tier_order)
    return CrossTab(list(tier_order), columns, counts, [by_tier[t] for t in tier_order],
                    [group_classes[c] for c in columns])


def _positions(values: ObjArray, order: list[str]) -> IntArray:
    """Index of each value in ``order``; -1 for blanks and values not in it."""
    lookup = {name: k for k, name in enumerate(order)}
    positions = pd.Series(values, dtype=object).map(lookup).fillna(-1)
    return np.asarray(positions.to_numpy(dtype=np.int64), dtype=np.int64)


def agreement(classes: Sequence[ObjArray]) -> tuple[int, int]:
    """(customers compared, customers on which every method's class is the same)."""
    stacked = np.vstack([np.asarray(c, dtype=object) for c in classes])
    present = np.all(stacked != None, axis=0)  # noqa: E711 (element-wise)
    same = np.all(stacked == stacked[0], axis=0) & present
    return int(present.sum()), int(same.sum())


@dataclass(frozen=True)
class Comparison:
    key: str  # "tier_rfm", "tier_ninebox" or "all_three"
    compared: int
    agree: int

    @property
    def share(self) -> float | None:
        return self.agree / self.compared if self.compared else None


@dataclass(frozen=True)
class MethodsComparison:
    rfm: CrossTab | None
    ninebox: CrossTab | None
    comparisons: list[Comparison]


def compare_methods(result: pd.DataFrame, tiers: Sequence[str], segment_classes: Mapping[str, str | None] | None,
                    lang: Lang) -> MethodsComparison | None:
    """Tier against the RFM segment and the nine-box cell; None when neither model ran."""
    has_nine = "Nine-box" in result and bool(result["Nine-box"].notna().any())
    if "RFM segment" not in result or not result["RFM segment"].notna().any():
        segment_classes = None  # no customer has an RFM code: nothing to compare (a warning said why)
    if segment_classes is None and not has_nine:
        return None
    tier_values = result["Tier"].to_numpy(dtype=object)
    by_tier = tier_classes(tiers)
    classes: list[ObjArray] = [np.array([by_tier.get(t) for t in tier_values], dtype=object)]
    comparisons: list[Comparison] = []
    rfm_tab = nine_tab = None
    if segment_classes is not None:
        segments = result["RFM segment"].to_numpy(dtype=object)
        rfm_tab = cross_tab(tier_values, segments, tiers, segment_classes)
        comparisons.append(Comparison("tier_rfm", rfm_tab.compared, rfm_tab.agree))
        classes.append(np.array([segment_classes.get(s) for s in segments], dtype=object))
    if has_nine:
        cells = result["Nine-box"].to_numpy(dtype=object)
        by_cell = grid_classes(lang)
        nine_tab = cross_tab(tier_values, cells, tiers, by_cell)
        comparisons.append(Comparison("tier_ninebox", nine_tab.compared, nine_tab.agree))
        classes.append(np.array([by_cell.get(c) for c in cells], dtype=object))
    if len(classes) == 3:
        comparisons.append(Comparison("all_three", *agreement(classes)))
    return MethodsComparison(rfm_tab, nine_tab, comparisons)

"""Nine-box: value × potential in a 3 × 3 grid, with the cut points of tblNineBox.

tblNineBox has one row per axis: ``Value`` (default source: Score) and ``Potential`` (an
indicator, or any numeric column). On each axis a value below *Low below* is low, from
*High from* on it is high, between them mid — From inclusive, as with bands. A customer
without a value on either axis is left out of the grid.

For the Methods comparison a cell's class follows the grid's diagonals: the three cells
up and right of the diagonal (high/high, high/mid, mid/high) are high, the diagonal
itself (high/low, mid/mid, low/high) middle, the three below it low.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from xlscore.classify.data import FloatArray, ObjArray, Operand
from xlscore.classify.labels import AXIS_WORDS, LEVELS, pick
from xlscore.classify.tables import find_columns
from xlscore.issues import IssueList
from xlscore.workbook.cells import as_number, as_text, as_word, shown
from xlscore.workbook.layout import Lang
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable

__all__ = [
    "HIGH_FIRST", "Axis", "NineBox", "cell_class", "cell_label", "grid_classes", "labels", "place",
    "read_ninebox",
]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Axis:
    key: str  # "value" or "potential"
    source: str
    low_below: float
    high_from: float
    ref: CellRef | None = None  # the Source cell

    def levels(self, values: FloatArray) -> IntArray:
        """0 low, 1 mid, 2 high; -1 where the value is blank."""
        with np.errstate(invalid="ignore"):
            level = (values >= self.low_below).astype(np.int64) + (values >= self.high_from).astype(np.int64)
        out: IntArray = np.where(np.isnan(values), -1, level)
        return out


@dataclass(frozen=True)
class NineBox:
    value: Axis
    potential: Axis


def read_ninebox(table: RawTable, issues: IssueList) -> NineBox | None:
    cols = find_columns(table, ("axis", "source", "low_below", "high_from"), (), issues)
    if cols is None:
        return None
    axes: dict[str, Axis] = {}
    mentioned: set[str] = set()
    for i in table.data_rows():
        row = table.rows[i]
        key = as_word(row[cols["axis"]], AXIS_WORDS, table.ref(i, cols["axis"]), "Axis", issues)
        source = as_text(row[cols["source"]])
        low = as_number(row[cols["low_below"]], table.ref(i, cols["low_below"]), "Low below", issues)
        high = as_number(row[cols["high_from"]], table.ref(i, cols["high_from"]), "High from", issues)
        if key is None:
            continue
        if key in mentioned:
            issues.error(table.ref(i, cols["axis"]), f"axis {key!r} has two rows in tblNineBox: keep one",
                         "duplicate")
            continue
        mentioned.add(key)
        if not source:
            issues.error(table.ref(i, cols["source"]), f"Source of the {key} axis is blank: name Score, an "
                         "indicator or a numeric Customers column", "blank-source")
            continue
        if low is None or high is None:
            blank = cols["low_below"] if low is None else cols["high_from"]
            if row[blank] is None:
                issues.error(table.ref(i, blank), f"the {key} axis needs both cut points: below Low below is "
                             "low, from High from on is high", "blank-cut")
            continue
        if low > high:
            issues.error(table.ref(i, cols["low_below"]), f"Low below {shown(low)} is above High from "
                         f"{shown(high)}: the low cut must not be above the high cut", "cut-order")
            continue
        axes[key] = Axis(key, source, low, high, table.ref(i, cols["source"]))
    for key in AXIS_WORDS:
        if key not in mentioned:
            issues.error(table.ref(len(table.rows), cols["axis"]), f"tblNineBox has no {key} row: add one with "
                         "its Source and cut points", "missing-axis")
    if "value" not in axes or "potential" not in axes:
        return None
    return NineBox(axes["value"], axes["potential"])


def place(grid: NineBox, resolve: Callable[[str], Operand | None],
          issues: IssueList) -> tuple[IntArray, IntArray] | None:
    """(value level, potential level) per customer, -1 where a value is blank; None when a source is unusable."""
    levels: list[IntArray] = []
    for axis in (grid.value, grid.potential):
        operand = resolve(axis.source)
        if operand is None:
            issues.warning(axis.ref, f"{axis.key} source {axis.source!r} is not Score, an indicator or a "
                           "tblCustomers column: fix the name; the Nine-box column is left out", "unknown-column")
        elif operand.numbers is None:
            issues.error(axis.ref, f"{axis.key} source {axis.source!r} holds text: the nine-box needs numbers",
                         "text-source")
        else:
            levels.append(axis.levels(operand.numbers))
    if len(levels) < 2:
        return None
    placed = (levels[0] >= 0) & (levels[1] >= 0)
    value: IntArray = np.where(placed, levels[0], -1)
    potential: IntArray = np.where(placed, levels[1], -1)
    return value, potential


def cell_label(value_level: int, potential_level: int, lang: Lang) -> str:
    """'High value, low potential' / '高价值·低潜力'."""
    value, potential = pick(LEVELS[value_level], lang), pick(LEVELS[potential_level], lang)
    return f"{value} value, {potential.lower()} potential" if lang == "en" else f"{value}价值·{potential}潜力"


def cell_class(value_level: int, potential_level: int) -> str:
    total = value_level + potential_level
    return "high" if total >= 3 else "middle" if total == 2 else "low"


HIGH_FIRST = (2, 1, 0)


def grid_classes(lang: Lang) -> dict[str, str | None]:
    """Cell label -> class, cells in reading order (high value first, high potential first)."""
    return {cell_label(v, p, lang): cell_class(v, p) for v in HIGH_FIRST for p in HIGH_FIRST}


def labels(value: IntArray, potential: IntArray, lang: Lang) -> ObjArray:
    names = np.array([cell_label(v, p, lang) for v in range(3) for p in range(3)] + [None], dtype=object)
    index = np.where((value >= 0) & (potential >= 0), value * 3 + potential, 9)
    out: ObjArray = names[index]
    return out

"""RFM: recency, frequency and monetary quintile scores 1–5, and named segments from tblRFMSegments.

Scores are computed over the customers that have all three values (a last purchase, a
frequency and a monetary amount); the others get no RFM code and no segment.

Quintile rule, with ties: among the N customers scored, a customer whose value is strictly
worse than that of B others gets ``1 + floor(5 × B / N)``. Higher frequency and monetary are
better; for recency, fewer days since the last purchase are better. With distinct values
this cuts the ranking into five equal fifths (N = 10 gives 1,1,2,2,3,3,4,4,5,5). Equal values
always get the same score — the score of the tie group's lowest position — so a large tie
group can leave a score unused (values 10,10,10,10,20 score 1,1,1,1,5).

A segment row gives each of R, F, M as a score, a range or a list (``5``, ``4-5``, ``1,3-5``;
blank = any). Rows are tried in order; the first that fits names the customer's segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

import numpy as np
import numpy.typing as npt

from xlscore.classify.data import FloatArray, ObjArray
from xlscore.classify.labels import CLASS_WORDS
from xlscore.classify.tables import find_columns
from xlscore.issues import IssueList
from xlscore.workbook.cells import as_text, as_word, shown
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import RawTable, is_blank

__all__ = ["Segment", "assign_segments", "parse_scores", "quintile_scores", "read_segments", "rfm_codes"]

IntArray = npt.NDArray[np.int64]
_SCORES = frozenset(range(1, 6))
_ITEM = re.compile(r"^\s*([1-5])\s*(?:[-–~]\s*([1-5])\s*)?$")


def quintile_scores(values: FloatArray, population: npt.NDArray[np.bool_], higher_is_better: bool) -> IntArray:
    """1–5 per customer of ``population`` (0 elsewhere), by the tie rule of this module."""
    members = values[population]
    n = len(members)
    scores: IntArray = np.zeros(len(values), dtype=np.int64)
    if n == 0:
        return scores
    below, above = _ties_apart(members)
    worse = below if higher_is_better else above
    scores[population] = 1 + (5 * worse) // n
    return scores


def _ties_apart(values: FloatArray) -> tuple[IntArray, IntArray]:
    """Per value: how many values are smaller, and how many larger (NaN counts as the largest,
    equal to other NaNs), from one sort: a binary search per value costs a cache miss each."""
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    same = (ranked[1:] == ranked[:-1]) | (np.isnan(ranked[1:]) & np.isnan(ranked[:-1]))
    starts = np.flatnonzero(np.concatenate([[True], ~same]))  # first position of each run of equal values
    run = np.cumsum(np.concatenate([[True], ~same])) - 1
    ends = np.append(starts[1:], len(values))  # one past the last position of each run
    below: IntArray = np.empty(len(values), dtype=np.int64)
    above: IntArray = np.empty(len(values), dtype=np.int64)
    below[order] = starts[run]
    above[order] = len(values) - ends[run]
    return below, above


def rfm_codes(r: IntArray, f: IntArray, m: IntArray) -> ObjArray:
    """"RFM" text like ``545``; None where a score is missing."""
    scored = (r > 0) & (f > 0) & (m > 0)
    codes: ObjArray = np.full(len(r), None, dtype=object)
    digits = (r * 100 + f * 10 + m).astype(str).astype(object)
    codes[scored] = digits[scored]
    return codes


@dataclass(frozen=True)
class Segment:
    name: str
    r: frozenset[int] = _SCORES
    f: frozenset[int] = _SCORES
    m: frozenset[int] = _SCORES
    value_class: str | None = None  # high / middle / low, for the Methods comparison
    ref: CellRef | None = None

    def fits(self, r: int, f: int, m: int) -> bool:
        return r in self.r and f in self.f and m in self.m


def parse_scores(value: object) -> frozenset[int] | None:
    """``5``, ``4-5``, ``1,3-5`` -> the scores; blank -> all five; None when it is none of those."""
    if is_blank(value):
        return _SCORES
    if isinstance(value, int | float) and not isinstance(value, bool):
        return frozenset({int(value)}) if float(value) in (1, 2, 3, 4, 5) else None
    scores: set[int] = set()
    for item in re.split(r"[,，;、]", str(value)):
        match = _ITEM.match(item)
        if match is None:
            return None
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if high < low:
            return None
        scores.update(range(low, high + 1))
    return frozenset(scores)


def read_segments(table: RawTable, issues: IssueList) -> list[Segment]:
    cols = find_columns(table, ("segment", "r", "f", "m"), ("class",), issues)
    if cols is None:
        return []
    segments: list[Segment] = []
    for i in table.data_rows():
        row = table.rows[i]
        name = as_text(row[cols["segment"]])
        if not name:
            issues.error(table.ref(i, cols["segment"]), "Segment is blank: name the segment or delete the row",
                         "blank-name")
            continue
        parsed: dict[str, frozenset[int]] = {}
        for key in ("r", "f", "m"):
            scores = parse_scores(row[cols[key]])
            if scores is None:
                issues.error(table.ref(i, cols[key]), f"{key.upper()} {shown(row[cols[key]])} of segment {name!r} "
                             "is not a score 1–5, a range like 4-5 or a list like 1,3-5 (blank = any)", "bad-scores")
            else:
                parsed[key] = scores
        value_class = None
        if "class" in cols and not is_blank(row[cols["class"]]):
            value_class = as_word(row[cols["class"]], CLASS_WORDS, table.ref(i, cols["class"]), "Class", issues)
        if len(parsed) == 3:
            segments.append(Segment(name, parsed["r"], parsed["f"], parsed["m"], value_class,
                                    table.ref(i, cols["segment"])))
    _check_coverage(table, segments, cols["segment"], issues)
    return segments


def _check_coverage(table: RawTable, segments: list[Segment], c_segment: int, issues: IssueList) -> None:
    if not segments:
        return
    uncovered = ["".join(map(str, code)) for code in product(range(1, 6), repeat=3)
                 if not any(s.fits(*code) for s in segments)]
    if uncovered:
        examples = ", ".join(uncovered[:5]) + (f" and {len(uncovered) - 5} more" if len(uncovered) > 5 else "")
        issues.warning(table.ref(len(table.rows), c_segment), f"{len(uncovered)} of the 125 RFM codes fit no row "
                       f"of tblRFMSegments ({examples}): those customers get no segment; add a catch-all row "
                       "with R, F and M blank", "segment-gap")


def assign_segments(segments: list[Segment], r: IntArray, f: IntArray, m: IntArray) -> ObjArray:
    """The first fitting segment per customer; None without an RFM code or without a fitting row."""
    names: list[str | None] = [None]
    lookup = np.zeros(6 * 6 * 6, dtype=np.int64)  # code r*36 + f*6 + m -> 1 + segment index, 0 = none
    for code in product(range(1, 6), repeat=3):
        first = next((k for k, s in enumerate(segments) if s.fits(*code)), None)
        if first is not None:
            lookup[code[0] * 36 + code[1] * 6 + code[2]] = first + 1
    names.extend(s.name for s in segments)
    scored = (r > 0) & (f > 0) & (m > 0)
    index = np.where(scored, lookup[r * 36 + f * 6 + m], 0)
    out: ObjArray = np.array(names, dtype=object)[index]
    return out

"""RFM quintiles (with the documented tie rule) and the segment mapping."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import product

import numpy as np
import pytest

from xlscore.classify.defaults import default_table
from xlscore.classify.rfm import (
    Segment,
    assign_segments,
    parse_scores,
    quintile_scores,
    read_segments,
    rfm_codes,
)
from xlscore.issues import IssueList
from xlscore.workbook.layout import Lang
from xlscore.workbook.tables import RawTable

NAN = float("nan")


def scores(values: list[float], higher_is_better: bool = True) -> list[int]:
    array = np.array(values, dtype=np.float64)
    return quintile_scores(array, ~np.isnan(array), higher_is_better).tolist()  # type: ignore[no-any-return]


def test_ten_distinct_values_make_five_equal_fifths() -> None:
    assert scores([float(v) for v in range(10, 110, 10)]) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_order_of_the_rows_does_not_matter() -> None:
    assert scores([70.0, 10.0, 100.0, 40.0, 20.0, 90.0, 30.0, 60.0, 50.0, 80.0]) == [4, 1, 5, 2, 1, 5, 2, 3, 3, 4]


def test_ties_take_the_score_of_their_lowest_position() -> None:
    # 10 is strictly above nobody: 1 + floor(5*0/5) = 1; 20 is above four: 1 + floor(20/5) = 5
    assert scores([10.0, 10.0, 10.0, 10.0, 20.0]) == [1, 1, 1, 1, 5]
    # n = 6: 1 + floor(5*b/6) for b = 0, 0, 2, 3, 3, 5
    assert scores([1.0, 1.0, 2.0, 3.0, 3.0, 4.0]) == [1, 1, 2, 3, 3, 5]


def test_recency_counts_fewer_days_as_better() -> None:
    # days 0, 90, 366, 365: 0 days is better than three others, 1 + floor(5*3/4) = 4; 366 is better than none
    assert scores([0.0, 90.0, 366.0, 365.0], higher_is_better=False) == [4, 3, 1, 2]


def test_customers_outside_the_population_get_zero() -> None:
    values = np.array([5.0, NAN, 1.0, 3.0])
    population = np.array([True, False, True, False])
    # n = 2 (only 5.0 and 1.0 count): 5.0 is above one of them, 1 + floor(5*1/2) = 3; 1.0 is above none
    assert quintile_scores(values, population, True).tolist() == [3, 0, 1, 0]


def reference_quintiles(values: list[float], higher_is_better: bool) -> list[int]:
    """The rule written out with plain Python: sort, count the strictly worse values, integer division."""
    ordered = sorted(values)
    n = len(values)
    out = []
    for value in values:
        worse = bisect_left(ordered, value) if higher_is_better else n - bisect_right(ordered, value)
        out.append(1 + (5 * worse) // n)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_an_independent_computation_on_hundreds_of_rows(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 347
    days = rng.integers(0, 400, n).astype(float)  # many ties: 347 customers on 400 possible days
    orders = rng.poisson(4, n).astype(float)  # heavy ties: a dozen distinct values
    amounts = np.round(rng.lognormal(3, 1, n), 1)
    for values, better in ((days, False), (orders, True), (amounts, True)):
        got = quintile_scores(values, np.ones(n, dtype=bool), better).tolist()
        assert got == reference_quintiles(values.tolist(), better)
        counts = np.bincount(got, minlength=6)[1:]
        assert counts.sum() == n and min(got) == 1
    distinct = np.arange(n, dtype=float)
    fifths = np.bincount(quintile_scores(distinct, np.ones(n, dtype=bool), True), minlength=6)[1:]
    # 1 + floor(5b/347): b = 0..69 -> 1, 70..138 -> 2, 139..208 -> 3, 209..277 -> 4, 278..346 -> 5
    assert fifths.tolist() == [70, 69, 70, 69, 69]


def test_rfm_code_needs_all_three_scores() -> None:
    r, f, m = (np.array(v, dtype=np.int64) for v in ([5, 1, 0], [4, 1, 3], [3, 1, 2]))
    assert rfm_codes(r, f, m).tolist() == ["543", "111", None]


@pytest.mark.parametrize(("cell", "expected"), [
    (None, {1, 2, 3, 4, 5}), (5, {5}), (5.0, {5}), ("4-5", {4, 5}), ("1–2", {1, 2}), ("1,3-5", {1, 3, 4, 5}),
    ("2", {2}), (" 3 ~ 4 ", {3, 4}),
])
def test_score_patterns(cell: object, expected: set[int]) -> None:
    assert parse_scores(cell) == frozenset(expected)


@pytest.mark.parametrize("cell", [6, 0, "5-4", "high", "1-6", 2.5, "4-"])
def test_bad_score_patterns(cell: object) -> None:
    assert parse_scores(cell) is None


def segments_table(rows: list[list[object]]) -> RawTable:
    return RawTable("tblRFMSegments", "RFM segments", 1, 1, ("Segment", "R", "F", "M", "Class"), rows)


def test_first_fitting_segment_wins_and_m_can_narrow() -> None:
    issues = IssueList()
    segments = read_segments(segments_table([
        ["Big champions", "5", "4-5", "5", "high"],
        ["Champions", "5", "4-5", None, "high"],
        ["Everyone else", None, None, None, "low"],
    ]), issues)
    assert not issues
    r, f, m = (np.array(v, dtype=np.int64) for v in ([5, 5, 4, 0], [5, 4, 5, 5], [5, 1, 5, 5]))
    assert assign_segments(segments, r, f, m).tolist() == ["Big champions", "Champions", "Everyone else", None]


def test_segment_table_errors_name_the_cell() -> None:
    issues = IssueList()
    read_segments(segments_table([["Champions", "5", "6", None, "top"]]), issues)
    assert [(str(i.ref), i.severity) for i in issues] == [("RFM segments!C2", "error"), ("RFM segments!E2", "error")]
    assert "not a score 1–5" in issues[0].message


def test_gaps_in_the_mapping_are_a_warning_with_examples() -> None:
    issues = IssueList()
    read_segments(segments_table([["Champions", "5", "4-5", None, "high"]]), issues)
    assert [i.severity for i in issues] == ["warning"]
    assert "115 of the 125 RFM codes fit no row" in issues[0].message and "111, 112" in issues[0].message
    assert str(issues[0].ref) == "RFM segments!A3"  # the row under the table


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_shipped_mapping_covers_every_code_once_by_recency_and_frequency(lang: Lang) -> None:
    content = default_table("segments", lang)
    issues = IssueList()
    table = RawTable("tblRFMSegments", "RFM segments", 1, 1, tuple(content.headers), content.rows)
    segments = read_segments(table, issues)
    assert not issues
    assert len(segments) == 10
    for r, f in product(range(1, 6), repeat=2):
        fitting = [s.name for s in segments if s.fits(r, f, 3)]
        assert len(fitting) == 1, (r, f, fitting)
    by_name = {s.name: s for s in segments}
    if lang == "en":
        assert by_name["Champions"].fits(5, 5, 1) and by_name["Hibernating"].fits(1, 2, 5)
        assert by_name["At risk"].value_class == "low" and by_name["Loyal"].value_class == "high"


def test_segment_dataclass_defaults_to_any_score() -> None:
    assert Segment("All").fits(1, 5, 3)


def test_quintiles_count_smaller_and_larger_values_like_a_binary_search() -> None:
    """The one-sort tie rule equals the definition: a binary search of each value in the sorted population."""
    import numpy as np

    from xlscore.classify.rfm import quintile_scores

    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 50))
        values = rng.integers(0, 6, n).astype(float)
        values[rng.random(n) < 0.15] = np.nan
        population = rng.random(n) < 0.8
        ranked = np.sort(values[population])
        for higher_is_better in (True, False):
            expected = np.zeros(n, dtype=np.int64)
            if len(ranked):
                side = "left" if higher_is_better else "right"
                found = np.searchsorted(ranked, values[population], side=side)
                worse = found if higher_is_better else len(ranked) - found
                expected[population] = 1 + (5 * worse) // len(ranked)
            assert quintile_scores(values, population, higher_is_better).tolist() == expected.tolist()

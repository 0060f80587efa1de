from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlscore.rounding import excel_round, excel_round_array, share_cut


@pytest.mark.parametrize(("value", "expected"), [
    (2.675, 2.68), (30.565, 30.57), (18.625, 18.63), (1.005, 1.01), (-2.675, -2.68), (0.125, 0.13),
    (2.67499, 2.67), (84.0, 84.0), (99.995, 100.0), (0.0, 0.0), (1 / 3, 0.33), (2 / 3, 0.67),
])
def test_excel_round_half_away_from_zero(value: float, expected: float) -> None:
    assert excel_round(value) == expected
    assert excel_round_array(np.array([value]))[0] == expected


def test_python_and_numpy_round_differ_here() -> None:
    assert round(2.675, 2) == 2.67 and np.round(30.565, 2) == 30.56  # why excel_round exists


@given(st.decimals(min_value=-10_000, max_value=10_000, places=3, allow_nan=False, allow_infinity=False))
def test_vector_matches_scalar_on_typed_decimals(value: object) -> None:
    x = float(value)  # type: ignore[arg-type]
    assert excel_round_array(np.array([x]))[0] == excel_round(x)


@given(st.floats(min_value=0, max_value=100, allow_nan=False), st.floats(min_value=0, max_value=100, allow_nan=False))
def test_vector_matches_scalar_on_weighted_totals(a: float, b: float) -> None:
    x = (a * 40 + b * 60) / 100
    assert excel_round_array(np.array([x]))[0] == excel_round(x)


@pytest.mark.parametrize(("share", "n", "cut"), [
    (20, 23_570, 4_714), (14.3, 1000, 143), (57.7, 1000, 577), (100, 7, 7), (33.3, 3, 1), (0.1, 1, 1), (50, 0, 0),
])
def test_share_cut_exact(share: float, n: int, cut: int) -> None:
    assert share_cut(share, n) == cut

"""Each scoring rule with numbers a person can check by hand."""

from __future__ import annotations

import itertools
import math
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlscore.customers import make_customers
from xlscore.engine import band_points, score_customers
from xlscore.model import Band, Indicator, Measure, Model, Tier, WeightProfile
from xlscore.rounding import share_cut


def direct_model(weights: dict[str, float], tiers: tuple[Tier, ...] = (Tier("All", min_score=0),),
                 **ind_kw: object) -> Model:
    inds = tuple(Indicator(name, "direct", **ind_kw) for name in weights)  # type: ignore[arg-type]
    return Model(inds, (), (WeightProfile("Default", weights),), tiers)


def run(model: Model, rows: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    cols = [*model.measure_columns, *model.direct_columns]
    return score_customers(model, make_customers(rows, cols))


def test_article_worked_example_gives_84() -> None:
    model = direct_model({"Profit": 40, "Strength": 40, "Relation": 20})
    out = run(model, [{"Customer ID": 1, "Profit": 90, "Strength": 90, "Relation": 60}])
    assert out["Score"].tolist() == [84.0]


@pytest.mark.parametrize(("a", "b", "expected"), [
    # total = (a*50 + b*50)/100 lands exactly on the rounding edges of docs/rules.md
    (2.675, 2.675, 2.68), (30.565, 30.565, 30.57), (18.625, 18.625, 18.63), (1.005, 1.005, 1.01),
    (2.67499, 2.67499, 2.67),
])
def test_score_is_excel_round_half_away_from_zero(a: float, b: float, expected: float) -> None:
    model = direct_model({"X": 50, "Y": 50})
    out = run(model, [{"Customer ID": 1, "X": a, "Y": b}])
    assert out["Score"].tolist() == [expected]


def banded_model(policy: str = "zero") -> Model:
    sales = Measure("Value", "Sales", (Band("Value", "Sales", None, 1000, 10), Band("Value", "Sales", 1000, 5000, 40),
                                       Band("Value", "Sales", 5000, None, 60)))
    margin = Measure("Value", "Margin", (Band("Value", "Margin", 0, 10, 10), Band("Value", "Margin", 10, 20, 40)))
    ind = Indicator("Value", "banded", policy)  # type: ignore[arg-type]
    return Model((ind,), (sales, margin), (WeightProfile("Default", {"Value": 100}),), (Tier("All", min_score=0),))


@pytest.mark.parametrize(("sales", "points"), [(999.999, 10), (1000, 40), (4999.99, 40), (5000, 60), (-1e9, 10)])
def test_band_from_inclusive_to_exclusive_open_ended(sales: float, points: float) -> None:
    out = run(banded_model(), [{"Customer ID": 1, "Sales": sales, "Margin": 15}])
    assert out["Value"].tolist() == [points + 40]


def test_value_in_no_band_scores_zero_and_is_flagged() -> None:
    out = run(banded_model(), [{"Customer ID": 1, "Sales": 2000, "Margin": 25}])
    assert out["Value"].tolist() == [40.0]
    assert out["Flags"].tolist() == ["no band: Margin"]


def test_missing_policy_zero_exclude_error() -> None:
    row = {"Customer ID": 1, "Sales": 6000, "Margin": None}
    zero = run(banded_model("zero"), [row])
    assert zero["Value"].tolist() == [60.0] and zero["Flags"].tolist() == ["missing: Margin"]
    exclude = run(banded_model("exclude"), [row])
    assert exclude["Value"].tolist() == [100.0]  # 60 of the 60 present points
    error = run(banded_model("error"), [row])
    assert math.isnan(error["Score"].iloc[0]) and math.isnan(error["Rank"].iloc[0])
    assert error["Tier"].iloc[0] is None
    assert error["Flags"].tolist() == ["missing: Margin; not scored"]


def test_exclude_renormalises_present_measures() -> None:
    out = run(banded_model("exclude"), [{"Customer ID": 1, "Sales": 2000, "Margin": None}])
    assert out["Value"].tolist() == [pytest.approx(40 / 60 * 100)]
    both_blank = run(banded_model("exclude"), [{"Customer ID": 1, "Sales": None, "Margin": None}])
    assert both_blank["Flags"].tolist() == ["missing: Sales; missing: Margin; not scored"]


def test_direct_needs_approval_and_weights_renormalise() -> None:
    model = Model((Indicator("A", "direct"), Indicator("B", "direct", "exclude", needs_approval=True)), (),
                  (WeightProfile("Default", {"A": 60, "B": 40}),), (Tier("All", min_score=0),))
    out = run(model, [
        {"Customer ID": "x", "A": 50, "B": 100, "Approved": "是"},
        {"Customer ID": "y", "A": 50, "B": 100, "Approved": "no"},
        {"Customer ID": "z", "A": 50, "B": 100, "Approved": True},
    ])
    by_id = out.set_index("Customer ID")
    assert by_id.loc["x", "Score"] == 70.0  # (50*60 + 100*40)/100
    assert by_id.loc["y", "Score"] == 50.0  # B left out: 50*60/60
    assert by_id.loc["y", "Flags"] == "unapproved: B"
    assert by_id.loc["z", "Score"] == 70.0


def test_profiles_blank_means_first() -> None:
    model = Model((Indicator("A", "direct"), Indicator("B", "direct")), (),
                  (WeightProfile("Default", {"A": 50, "B": 50}), WeightProfile("Retail", {"A": 90, "B": 10})),
                  (Tier("All", min_score=0),))
    out = run(model, [{"Customer ID": 1, "A": 100, "B": 0, "Profile": None},
                      {"Customer ID": 2, "A": 100, "B": 0, "Profile": " retail "}]).set_index("Customer ID")
    assert out.loc[1, "Score"] == 50.0 and out.loc[1, "Profile"] == "Default"
    assert out.loc[2, "Score"] == 90.0 and out.loc[2, "Profile"] == "Retail"


def test_competition_rank_and_sort_by_rank_then_id() -> None:
    model = direct_model({"A": 100}, if_missing="exclude")
    out = run(model, [{"Customer ID": cid, "A": a} for cid, a in
                      [("d", 50), ("b", 70), ("a", 70), ("c", 90), ("e", None)]])
    assert out["Customer ID"].tolist() == ["c", "a", "b", "d", "e"]
    assert out["Rank"].tolist()[:4] == [1, 2, 2, 4]
    assert math.isnan(out["Rank"].tolist()[4])


def test_threshold_tiers_first_min_score_not_above() -> None:
    tiers = (Tier("High", min_score=80), Tier("Mid", min_score=60), Tier("Low", min_score=30))
    model = direct_model({"A": 100}, tiers)
    out = run(model, [{"Customer ID": i, "A": a} for i, a in enumerate([80, 79.99, 60, 30, 29.99])])
    assert out["Tier"].tolist() == ["High", "Mid", "Mid", "Low", None]


def test_share_cut_is_exact_where_floats_are_not() -> None:
    assert share_cut(20, 23_570) == 4_714
    assert math.ceil(14.3 / 100 * 1000) == 144  # the float way overshoots ...
    model = direct_model({"A": 100}, (Tier("Top", top_share=14.3), Tier("Rest", top_share=100)))
    out = run(model, [{"Customer ID": i, "A": i / 10} for i in range(1000)])  # 1,000 distinct scores
    assert (out["Tier"] == "Top").sum() == 143  # ... the exact cut is 143


def test_share_ties_take_the_better_tier() -> None:
    model = direct_model({"A": 100}, (Tier("Top", top_share=25), Tier("Rest", top_share=100)))
    out = run(model, [{"Customer ID": i, "A": a} for i, a in enumerate([90, 80, 80, 70])])
    assert out["Tier"].tolist() == ["Top", "Rest", "Rest", "Rest"]  # cut = 1; ranks 1, 2, 2, 4


def test_next_follow_up_and_policy_from_tier() -> None:
    model = direct_model({"A": 100}, (Tier("T", min_score=0, policy="Call", follow_up_days=30),))
    out = run(model, [{"Customer ID": 1, "A": 5, "Last contact": datetime(2026, 1, 31)},
                      {"Customer ID": 2, "A": 5}])
    assert out["Policy"].tolist() == ["Call", "Call"]
    assert out["Next follow-up"].iloc[0] == np.datetime64("2026-03-02")
    assert pd.isna(out["Next follow-up"].iloc[1])


@given(cuts=st.lists(st.integers(-50, 50), min_size=1, max_size=6, unique=True),
       open_low=st.booleans(), open_high=st.booleans(),
       values=st.lists(st.one_of(st.floats(-60, 60, allow_nan=False), st.just(math.nan), st.integers(-60, 60)),
                       min_size=1, max_size=30))
def test_vectorised_band_lookup_is_the_models_band_of(cuts: list[int], open_low: bool, open_high: bool,
                                                       values: list[float]) -> None:
    """The engine's binary search finds exactly the band Measure.band_of finds (the one rule)."""
    inner: list[float | None] = [float(c) for c in sorted(cuts)]
    edges = [*([None] if open_low else []), *inner, *([None] if open_high else [])]
    bands = tuple(Band("I", "M", low, high, float(k + 1)) for k, (low, high) in enumerate(itertools.pairwise(edges)))
    measure = Measure("I", "M", bands[::-1])  # sheet order need not be sorted
    array = np.array(values, dtype=np.float64)
    points, matched = band_points(measure, array)
    for value, got, hit in zip(array.tolist(), points.tolist(), matched.tolist(), strict=True):
        band = None if math.isnan(value) else measure.band_of(value)
        assert hit == (band is not None), value
        assert got == (band.points if band else 0.0), value

"""Hypothesis strategies: random valid models and customers that hit band edges and blanks."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from hypothesis import strategies as st

from xlscore.model import Band, Indicator, Measure, Model, Tier, WeightProfile


@st.composite
def models(draw: st.DrawFn, max_indicators: int = 4) -> Model:
    n_ind = draw(st.integers(1, max_indicators))
    indicators: list[Indicator] = []
    measures: list[Measure] = []
    for i in range(n_ind):
        name = f"Ind{i}"
        method = draw(st.sampled_from(["banded", "direct"]))
        policy = draw(st.sampled_from(["zero", "exclude", "error"]))
        approval = method == "direct" and draw(st.booleans())
        indicators.append(Indicator(name, method, policy, approval))
        if method == "banded":
            n_m = draw(st.integers(1, 3))
            shares = _split(draw, 100, n_m)
            for k in range(n_m):
                edges = sorted(set(draw(st.lists(st.integers(-5, 50).map(lambda x: x * 2.5), min_size=1,
                                                 max_size=4))))
                bounds: list[float | None] = [None if draw(st.booleans()) else edges[0] - 10, *edges]
                bounds.append(None if draw(st.booleans()) else edges[-1] + 10)
                pts = [draw(st.sampled_from([0, 1, 5, 12.5, 20, 33.3])) for _ in range(len(bounds) - 2)]
                pts.append(shares[k])
                mname = f"M{i}_{k}"
                bands = tuple(Band(name, mname, lo, hi, p) for lo, hi, p in
                              zip(bounds, bounds[1:], draw(st.permutations(pts)), strict=False))
                if draw(st.booleans()) and len(bands) > 1:  # a gap
                    bands = bands[:1] + bands[2:]
                measures.append(Measure(name, mname, bands))
    profiles = []
    for p in range(draw(st.integers(1, 2))):
        ws = _split(draw, 100, n_ind)
        profiles.append(WeightProfile(f"P{p}", {ind.name: w for ind, w in zip(indicators, ws, strict=True)}))
    if draw(st.booleans()):
        cuts = sorted(set(draw(st.lists(st.sampled_from([5, 10, 14.3, 20, 33.3, 50, 57.7, 80]), max_size=3))))
        tiers = [Tier(f"T{j}", top_share=c, policy=f"policy {j}", follow_up_days=30 * j) for j, c in
                 enumerate([*cuts, 100])]
    else:
        mins = sorted(set(draw(st.lists(st.sampled_from([0, 10, 25.5, 50, 60, 80, 84, 90]), min_size=1,
                                        max_size=4))), reverse=True)
        tiers = [Tier(f"T{j}", min_score=m, policy=f"policy {j}", follow_up_days=7) for j, m in enumerate(mins)]
    return Model(tuple(indicators), tuple(measures), tuple(profiles), tuple(tiers))


def _split(draw: st.DrawFn, total: int, parts: int) -> list[float]:
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    edges = [0, *cuts, total]
    return [float(b - a) for a, b in pairwise(edges)]


@st.composite
def customers(draw: st.DrawFn, model: Model, max_rows: int = 30) -> list[dict[str, Any]]:
    edges = sorted({b for m in model.measures for band in m.bands for b in (band.lower, band.upper)
                    if b is not None} | {0.0})
    measure_value = st.one_of(
        st.none(),
        st.sampled_from(edges),
        st.sampled_from(edges).map(lambda e: e - 0.01),
        st.floats(-30, 150, allow_nan=False).map(lambda x: round(x, 3)),
    )
    direct_value = st.one_of(st.none(), st.integers(0, 100).map(float),
                             st.sampled_from([2.675, 30.565, 18.625, 1.005, 0.125, 99.995]))
    rows = []
    for i in range(draw(st.integers(1, max_rows))):
        row: dict[str, Any] = {"Customer ID": f"C{i:03d}",
                               "Profile": draw(st.sampled_from([None, *[p.name for p in model.profiles]])),
                               "Approved": draw(st.sampled_from(["yes", "no", None, "Y", True, 1.0, "是"]))}
        for name in model.measure_columns:
            row[name] = draw(measure_value)
        for name in model.direct_columns:
            row[name] = draw(direct_value)
        rows.append(row)
    return rows

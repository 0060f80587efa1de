"""UDF results equal the engine on random models, fed exactly as xlwings hands them over.

The model is written out as the five tables (2-D lists of rows: floats, None, str, bool), so
this checks the whole UDF path: shapes -> core readers -> Model and customer frame -> engine.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlscore import udfs
from xlscore.customers import make_customers
from xlscore.engine import score_customers, scoring_columns
from xlscore.model import Model

from .strategies import customers, models

Table = list[list[Any]]


def _cell(value: Any) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def model_tables(model: Model) -> tuple[Table, Table, Table, Table]:
    indicators: Table = [["Indicator", "Method", "If missing", "Needs approval", "Description"],
                  *([i.name, i.method, i.if_missing, "yes" if i.needs_approval else "no", None]
                    for i in model.indicators)]
    weights: Table = [["Indicator", *(p.name for p in model.profiles)],
               *([i.name, *(_cell(p.weights[i.name]) for p in model.profiles)] for i in model.indicators)]
    bands: Table = [["Indicator", "Measure", "From", "To", "Points"],
             *([b.indicator, b.measure, _cell(b.lower), _cell(b.upper), _cell(b.points)]
               for m in model.measures for b in m.bands)]
    tiers: Table = [["Tier", "Min score", "Top share %", "Policy", "Follow-up days", "Color"],
             *([t.name, _cell(t.min_score), _cell(t.top_share), t.policy, _cell(t.follow_up_days), None]
               for t in model.tiers)]
    return indicators, weights, bands, tiers


def customer_table(model: Model, rows: list[dict[str, Any]]) -> Table:
    columns = ["Customer ID", "Profile", "Approved", "Last contact", *model.measure_columns, *model.direct_columns]
    return [columns, *([_cell(row.get(c)) for c in columns] for row in rows)]


def _same(udf: Any, engine: Any) -> bool:
    if pd.isna(engine):
        return udf is None
    return bool(udf == engine)


def with_points_summing_to_100(model: Model) -> Model:
    """The strategy may draw bands whose best points do not add up to 100 (which the readers
    refuse, as retier does): rescale each banded indicator's points so that they do."""
    best = {ind.name: sum(m.max_points for m in model.measures_of(ind.name)) for ind in model.indicators}
    measures = []
    for m in model.measures:
        total = best[m.indicator]
        if total > 0:
            bands = tuple(replace(b, points=b.points * 100.0 / total) for b in m.bands)
        elif m is model.measures_of(m.indicator)[0]:  # every band at 0 points
            bands = (replace(m.bands[0], points=100.0), *m.bands[1:])
        else:
            bands = m.bands
        measures.append(replace(m, bands=bands))
    return replace(model, measures=tuple(measures))


def _points_sum_wrong(model: Model) -> bool:
    return any(abs(sum(m.max_points for m in model.measures_of(ind.name)) - 100.0) > 1e-9
               for ind in model.indicators if ind.method == "banded")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_udfs_equal_the_engine(data: st.DataObject) -> None:
    drawn: Model = data.draw(models())
    rows = data.draw(customers(drawn))
    for i, row in enumerate(rows):  # every other customer has a last contact date
        row["Last contact"] = datetime(2026, 1, 1) + timedelta(days=37 * i) if i % 2 else None
    if _points_sum_wrong(drawn):
        refused = udfs.CUSTOMER_SCORE(rows[0]["Customer ID"], customer_table(drawn, rows), *model_tables(drawn))
        assert refused.startswith("#XLSCORE! tblBands[Points] row "), refused
    model = with_points_summing_to_100(drawn)
    assert not _points_sum_wrong(model)
    args = (customer_table(model, rows), *model_tables(model))
    engine = score_customers(model, make_customers(rows, [*model.measure_columns, *model.direct_columns]))
    table = udfs.XLSCORE_TABLE(*args)
    assert table[0] == scoring_columns(model), table
    expected = engine[scoring_columns(model)].to_numpy(dtype=object).tolist()
    assert len(table) == len(expected) + 1
    for got_row, want_row in zip(table[1:], expected, strict=True):
        for column, got, want in zip(table[0], got_row, want_row, strict=True):
            if column == "Flags":
                want = want or ""
            assert _same(got, want), (column, got, want)
    for cid, score, rank, tier in engine[["Customer ID", "Score", "Rank", "Tier"]].itertuples(index=False):
        assert _same(udfs.CUSTOMER_SCORE(cid, *args), score)
        assert _same(udfs.CUSTOMER_RANK(cid, *args[:4]), rank)
        assert _same(udfs.CUSTOMER_TIER(cid, *args), tier)

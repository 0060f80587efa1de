"""The generated SQL, run on DuckDB, rule by rule with hand-checked figures (and the engine agreeing)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from sqlglot import exp

from tests.helpers.sql_support import customers_table, engine_result, mismatches, plain, run_sql, source_for, sql_result
from xlscore.model import Band, Indicator, Measure, Model, Tier, WeightProfile
from xlscore.rounding import share_cut
from xlscore.sql.expressions import rank_within_share
from xlscore.sql.source import SourceColumns
from xlscore.sql.statement import render, scoring_statement

TIERS = (Tier("A", min_score=80, policy="Visit monthly", follow_up_days=30),
         Tier("B", min_score=60, policy="Call quarterly", follow_up_days=90),
         Tier("C", min_score=0, policy="Newsletter", follow_up_days=180))


def direct_model(*specs: tuple[str, str, bool, float], tiers: tuple[Tier, ...] = TIERS) -> Model:
    """Direct indicators (name, if missing, needs approval, weight) in one Default profile."""
    indicators = tuple(Indicator(name, "direct", policy, approval) for name, policy, approval, _ in specs)  # type: ignore[arg-type]
    weights = WeightProfile("Default", {name: weight for name, _, _, weight in specs})
    return Model(indicators, (), (weights,), tiers)


def scored(model: Model, rows: list[dict[str, Any]], **kinds: Any) -> list[dict[str, Any]]:
    """SQL result rows (DuckDB), after checking the engine gives exactly the same."""
    got = sql_result(model, rows, **kinds)
    assert mismatches(got, engine_result(model, rows, source_for(model, **kinds))) == []
    return [{str(column): plain(value) for column, value in row.items()} for row in got.to_dict("records")]


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["Customer ID"]: row for row in rows}


def test_worked_example_90_90_60_with_40_40_20_gives_84() -> None:
    model = direct_model(("Profit", "zero", False, 40), ("Strength", "zero", False, 40),
                         ("Relation", "zero", False, 20))
    [row] = scored(model, [{"Customer ID": "K1", "Profit": 90.0, "Strength": 90.0, "Relation": 60.0}])
    assert row["Score"] == 84.0 and row["Rank"] == 1 and row["Tier"] == "A" and row["Flags"] == ""


@pytest.mark.parametrize(("value", "excel"), [
    (2.675, 2.68), (30.565, 30.57), (18.625, 18.63), (1.005, 1.01), (0.125, 0.13), (99.995, 100.0),
    (2.665, 2.67), (0.005, 0.01), (0.004999, 0.0), (84.444, 84.44),
])
def test_score_is_excel_round_half_away_from_zero_on_the_shown_decimal(value: float, excel: float) -> None:
    model = direct_model(("Rating", "zero", False, 100))
    [row] = scored(model, [{"Customer ID": "K1", "Rating": value}])
    assert row["Score"] == excel


def test_a_computed_total_on_a_half_rounds_up_too() -> None:
    # (2.67 × 50 + 2.68 × 50) / 100 is 2.675 as shown; the double is a hair below.
    model = direct_model(("X", "zero", False, 50), ("Y", "zero", False, 50))
    [row] = scored(model, [{"Customer ID": "K1", "X": 2.67, "Y": 2.68}])
    assert row["Score"] == 2.68


def banded_model(policy: str = "zero") -> Model:
    sales = Measure("Value", "Sales", (Band("Value", "Sales", None, 1000, 10), Band("Value", "Sales", 1000, 5000, 40),
                                       Band("Value", "Sales", 5000, None, 60)))
    visits = Measure("Value", "Visits", (Band("Value", "Visits", 0, 10, 20), Band("Value", "Visits", 20, None, 40)))
    indicators = (Indicator("Value", "banded", policy), Indicator("Rating", "direct", "exclude"))  # type: ignore[arg-type]
    profiles = (WeightProfile("Default", {"Value": 50, "Rating": 50}),
                WeightProfile("Partner", {"Value": 80, "Rating": 20}))
    return Model(indicators, (sales, visits), profiles, TIERS)


def test_bands_from_inclusive_to_exclusive_open_ended_and_gaps() -> None:
    rows = [{"Rating": 50.0, **row} for row in [
        {"Customer ID": "K1", "Sales": 999.99, "Visits": 0.0},  # 10 + 20
        {"Customer ID": "K2", "Sales": 1000.0, "Visits": 9.99},  # 40 + 20
        {"Customer ID": "K3", "Sales": 4999.99, "Visits": 10.0},  # 40 + gap (10-20): 0, flagged
        {"Customer ID": "K4", "Sales": 5000.0, "Visits": 20.0},  # 60 + 40
        {"Customer ID": "K5", "Sales": -1e9, "Visits": -0.01},  # 10 + below every band: 0, flagged
    ]]
    got = by_id(scored(banded_model(), rows))
    assert [got[k]["Value"] for k in ("K1", "K2", "K3", "K4", "K5")] == [30.0, 60.0, 40.0, 100.0, 10.0]
    assert got["K3"]["Flags"] == "no band: Visits" and got["K5"]["Flags"] == "no band: Visits"
    assert got["K4"]["Score"] == 75.0  # (100 × 50 + 50 × 50) / 100


def test_missing_policies_and_renormalisation() -> None:
    half = [{"Customer ID": "K1", "Sales": 1000.0, "Visits": None, "Rating": 70.0}]  # 40 of the present 60
    none = [{"Customer ID": "K2", "Sales": None, "Visits": None, "Rating": 70.0}]
    zero, exclude, error = (by_id(scored(banded_model(p), half + none)) for p in ("zero", "exclude", "error"))
    assert zero["K1"]["Value"] == 40.0 and zero["K1"]["Score"] == 55.0  # (40 × 50 + 70 × 50) / 100
    assert exclude["K1"]["Value"] == pytest.approx(200 / 3) and exclude["K1"]["Score"] == 68.33
    assert exclude["K2"]["Value"] is None  # left out
    assert exclude["K2"]["Score"] == 70.0  # weights renormalised over Rating alone
    assert error["K1"]["Score"] is None and error["K1"]["Flags"] == "missing: Visits; not scored"
    assert zero["K2"]["Flags"] == "missing: Sales; missing: Visits"


def test_profiles_blank_first_case_insensitive_padded_unknown_first() -> None:
    rows = [{"Customer ID": f"K{i}", "Profile": p, "Sales": 5000.0, "Visits": 20.0, "Rating": 0.0}
            for i, p in enumerate([None, "", "partner", "  PARTNER\t", "Nobody"])]
    got = by_id(scored(banded_model(), rows))
    assert [got[f"K{i}"]["Profile"] for i in range(5)] == ["Default", "Default", "Partner", "Partner", "Default"]
    assert [got[f"K{i}"]["Score"] for i in range(5)] == [50.0, 50.0, 80.0, 80.0, 50.0]


@pytest.mark.parametrize(("kind", "values", "approved"), [
    ("text", ["yes", "Y", " true ", "1", "是", "TRUE", "no", "", None, "1.0", "否"],
     [True, True, True, True, True, True, False, False, False, True, False]),
    ("number", [1.0, 0.0, 2.0, None, 0.5], [True, False, False, False, False]),
    ("boolean", [True, False, None], [True, False, False]),
])
def test_approval_gate_for_each_way_a_file_stores_approved(kind: str, values: list[Any],
                                                           approved: list[bool]) -> None:
    model = direct_model(("Rating", "exclude", True, 50), ("Volume", "zero", False, 50))
    rows = [{"Customer ID": f"K{i:02d}", "Rating": 90.0, "Volume": 10.0, "Approved": v} for i, v in enumerate(values)]
    got = by_id(scored(model, rows, approved_kind=kind))
    for i, ok in enumerate(approved):
        row = got[f"K{i:02d}"]
        assert (row["Score"], row["Flags"]) == ((50.0, "") if ok else (10.0, "unapproved: Rating")), values[i]


def test_competition_rank_and_unscored_last() -> None:
    model = direct_model(("Rating", "error", False, 100))
    rows = [{"Customer ID": k, "Rating": v} for k, v in
            [("K5", 70.0), ("K2", 80.0), ("K9", None), ("K1", 90.0), ("K3", 80.0)]]
    got = scored(model, rows)
    assert [(r["Customer ID"], r["Rank"]) for r in got[:4]] == [("K1", 1), ("K2", 2), ("K3", 2), ("K5", 4)]
    assert got[4]["Customer ID"] == "K9" and got[4]["Tier"] is None and got[4]["Flags"] == "missing: Rating; not scored"


def test_threshold_tiers_policy_and_next_follow_up() -> None:
    model = direct_model(("Rating", "zero", False, 100))
    rows = [{"Customer ID": "K1", "Rating": 80.0, "Last contact": date(2026, 1, 10)},
            {"Customer ID": "K2", "Rating": 79.99, "Last contact": date(2026, 12, 31)},
            {"Customer ID": "K3", "Rating": 0.0, "Last contact": None}]
    got = by_id(scored(model, rows))
    assert (got["K1"]["Tier"], got["K1"]["Policy"], got["K1"]["Next follow-up"]) == \
        ("A", "Visit monthly", date(2026, 2, 9))
    assert (got["K2"]["Tier"], got["K2"]["Next follow-up"]) == ("B", date(2027, 3, 31))
    assert (got["K3"]["Tier"], got["K3"]["Next follow-up"]) == ("C", None)  # no last contact


def test_a_timestamp_last_contact_keeps_its_time_of_day() -> None:
    model = direct_model(("Rating", "zero", False, 100))
    source = SourceColumns.named_as_model(model, last_contact_kind="timestamp")
    table = pa.table({"Customer ID": ["K1"], "Profile": pa.array([None], pa.string()),
                      "Approved": pa.array([None], pa.string()), "Customer": ["x"], "Owner": ["y"],
                      "Last contact": pa.array([datetime(2026, 1, 10, 15, 30)], pa.timestamp("us")),
                      "Rating": [85.0]})
    got = run_sql(render(scoring_statement(model, source)), {"customers": table})
    assert got["Next follow-up"][0].to_pydatetime() == datetime(2026, 2, 9, 15, 30)


def test_flags_words_and_order_follow_the_engine() -> None:
    model = Model(
        (Indicator("Value", "banded", "zero"), Indicator("Rating", "direct", "zero", True)),
        (Measure("Value", "Sales", (Band("Value", "Sales", 0, 10, 50),)),
         Measure("Value", "Visits", (Band("Value", "Visits", 0, 10, 50),))),
        (WeightProfile("Default", {"Value": 50, "Rating": 50}),), TIERS)
    rows = [{"Customer ID": "K1", "Sales": None, "Visits": 99.0, "Rating": 50.0, "Approved": "no"}]
    [row] = scored(model, rows)
    assert row["Flags"] == "missing: Sales; no band: Visits; unapproved: Rating"


def test_nan_in_a_value_column_counts_as_blank() -> None:
    model = direct_model(("Rating", "exclude", False, 50), ("Volume", "zero", False, 50))
    table = customers_table(model, [{"Customer ID": "K1", "Rating": float("nan"), "Volume": 40.0}])
    got = run_sql(render(scoring_statement(model, source_for(model))), {"customers": table})
    assert got["Score"][0] == 40.0 and got["Flags"][0] == "missing: Rating"


SHARES = [5, 14.3, 20, 33.3, 57.7, 80, 100 / 3, 12.345678, 100]


@pytest.mark.parametrize("share", SHARES)
def test_share_cut_in_integers_equals_the_exact_ceiling(share: float) -> None:
    """For every N up to 3,000 and some large ones: the cut rank is inside, the next is outside."""
    ns = [*range(1, 3001), 23_570, 999_983, 10_000_000, 123_456_789]
    cuts = [share_cut(share, n) for n in ns]
    table = pa.table({"n": ns * 2, "r": cuts + [c + 1 for c in cuts]})
    inside = rank_within_share(exp.column("r"), exp.column("n"), share)
    select = exp.select(exp.column("n"), exp.column("r"), exp.alias_(inside, "inside")).from_("ranks")
    con = duckdb.connect()
    con.register("ranks", table)
    got = con.execute(select.sql("duckdb")).fetchall()
    wrong = [(n, r, inside) for (n, r, inside), cut in zip(got, cuts * 2, strict=True) if inside != (r == cut)]
    assert wrong == []
    assert share_cut(20, 23_570) == 4_714


def test_share_tiers_of_the_statement() -> None:
    tiers = (Tier("Top", top_share=20, policy="p1"), Tier("Rest", top_share=100, policy="p2"))
    model = direct_model(("Rating", "zero", False, 100), tiers=tiers)
    rows = [{"Customer ID": f"K{i:02d}", "Rating": float(i)} for i in range(1, 12)]  # 11 scored: cut = ceil(2.2) = 3
    got = scored(model, rows)
    assert [r["Tier"] for r in got] == ["Top"] * 3 + ["Rest"] * 8

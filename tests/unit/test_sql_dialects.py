"""Every dialect: the statement parses back, means the same, quotes names, keeps values literal."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from tests.helpers.sql_support import customers_table, engine_result, mismatches, run_sql, source_for
from xlscore.model import Band, Indicator, Measure, Model, Tier, WeightProfile
from xlscore.sql.source import SourceColumns
from xlscore.sql.statement import DIALECTS, render, scoring_statement

HOSTILE_TIER = "x'); drop table y; --"
HOSTILE_POLICY = "'; DELETE FROM customers; -- \\' \" `"
WAREHOUSES = ("postgres", "spark", "bigquery", "snowflake")


def awkward_model() -> Model:
    """Names with spaces, quotes, backticks and Chinese; book values that look like SQL."""
    profit, sales, rating = "盈利 状况", 'Sales "2024" `k`', "Owner's rating"
    count = "客户 数量"
    measures = (Measure(profit, sales, (Band(profit, sales, None, 100, 20), Band(profit, sales, 100, None, 60))),
                Measure(profit, count, (Band(profit, count, 0, 5, 10), Band(profit, count, 5, None, 40))))
    indicators = (Indicator(profit, "banded", "exclude"), Indicator(rating, "direct", "zero", True))
    profiles = (WeightProfile("默认", {profit: 60, rating: 40}), WeightProfile('O"Brien', {profit: 30, rating: 70}))
    tiers = (Tier(HOSTILE_TIER, top_share=33.3, policy=HOSTILE_POLICY, follow_up_days=7),
             Tier("普通客户", top_share=100, policy="", follow_up_days=None))
    return Model(indicators, measures, profiles, tiers, "zh")


ROWS: list[dict[str, Any]] = [
    {"Customer ID": "K1", 'Sales "2024" `k`': 150.0, "客户 数量": 7.0, "Owner's rating": 88.0, "Approved": "是"},
    {"Customer ID": "K2", 'Sales "2024" `k`': 50.0, "客户 数量": None, "Owner's rating": 95.0, "Approved": "否",
     "Profile": 'o"brien'},
    {"Customer ID": "K3", 'Sales "2024" `k`': None, "客户 数量": 2.0, "Owner's rating": 40.0, "Approved": "yes"},
]


def _rendered(dialect: str) -> str:
    model = awkward_model()
    return render(scoring_statement(model, SourceColumns.named_as_model(model, "en")), dialect)


@pytest.mark.parametrize("dialect", WAREHOUSES)
def test_each_warehouse_rendering_parses_back_as_one_select(dialect: str) -> None:
    statements = sqlglot.parse(_rendered(dialect), read=dialect)
    assert len(statements) == 1 and isinstance(statements[0], exp.Select)
    assert not any(isinstance(node, exp.Drop | exp.Delete) for node in statements[0].walk())


@pytest.mark.parametrize("dialect", WAREHOUSES)
def test_book_values_stay_string_literals_and_names_stay_identifiers(dialect: str) -> None:
    tree = sqlglot.parse_one(_rendered(dialect), read=dialect)
    literals = {node.this for node in tree.find_all(exp.Literal) if node.is_string}
    # the model is Chinese, so is its flag word
    assert {HOSTILE_TIER, HOSTILE_POLICY, "普通客户", "默认", 'O"Brien', "; 缺失: 客户 数量"} <= literals
    identifiers = {node.this for node in tree.find_all(exp.Identifier)}
    names = {"盈利 状况", 'Sales "2024" `k`', "客户 数量", "Owner's rating", "Customer ID", "Next follow-up"}
    assert names <= identifiers


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_rendering_means_the_same_back_on_duckdb(dialect: str) -> None:
    """Parsed in its dialect and written for DuckDB, each rendering gives the engine's result."""
    model = awkward_model()
    source = SourceColumns.named_as_model(model, "en")
    sql = sqlglot.parse_one(_rendered(dialect), read=dialect).sql("duckdb")
    got = run_sql(sql, {"customers": customers_table(model, ROWS)})
    assert mismatches(got, engine_result(model, ROWS, source)) == []
    assert got["Tier"].tolist() == [HOSTILE_TIER, "普通客户", "普通客户"]  # 33.3 % of 3: ceil(0.999) = 1
    assert got["Policy"].tolist()[0] == HOSTILE_POLICY


def test_the_postgres_rendering_runs_unchanged_on_duckdb() -> None:
    """DuckDB's parser descends from Postgres': DOUBLE PRECISION, INTERVAL '7 DAY', TRIM(c FROM x),
    SUBSTRING(x FROM 3) and NULLS LAST all read the same."""
    model = awkward_model()
    got = run_sql(_rendered("postgres"), {"customers": customers_table(model, ROWS)})
    assert mismatches(got, engine_result(model, ROWS, source_for(model))) == []


def test_a_qualified_table_name_is_parsed_in_the_dialect_and_a_hostile_one_is_one_identifier() -> None:
    model = awkward_model()
    bigquery = scoring_statement(model, table="proj.crm.customers", dialect="bigquery").sql("bigquery")
    assert "FROM proj.crm.customers" in bigquery
    hostile = scoring_statement(model, table="customers; DROP TABLE y", dialect="duckdb")
    steps = {cte.alias for cte in hostile.find_all(exp.CTE)}
    tables = [t.sql("duckdb") for t in hostile.find_all(exp.Table) if t.name not in steps]
    assert tables == ['"customers; DROP TABLE y"']


def test_no_node_is_shared_between_two_places_of_the_tree() -> None:
    """The builders adopt nodes without copying; a node in two places would corrupt later edits."""
    statement = scoring_statement(awkward_model())
    nodes = list(statement.walk())
    assert len({id(node) for node in nodes}) == len(nodes)
    assert all(node.parent is not None for node in nodes[1:])


def test_a_table_without_customer_owner_profile_last_contact_still_scores() -> None:
    model = awkward_model()
    source = SourceColumns({"customer_id": "Customer ID", "approved": "Approved"},
                           SourceColumns.named_as_model(model).values)
    table = customers_table(model, ROWS, with_names=False).drop_columns(["Profile", "Last contact"])
    got = run_sql(render(scoring_statement(model, source)), {"customers": table})
    assert list(got.columns[:2]) == ["Customer ID", "盈利 状况"] and "Profile" not in got.columns
    assert got["Next follow-up"].isna().all() and got["Score"].notna().all()
    assert isinstance(table, pa.Table)

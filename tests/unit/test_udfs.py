"""The UDFs as plain Python, fed exactly what xlwings hands them: 2-D lists of rows, numbers as
float, blanks as None, dates as datetime, text as str. Figures are checked by hand against the
standard book of tests/fixtures/books.py:

K001 Sales 6000 -> 70, Margin 12 -> 30, Visits 4 -> 100, Rating 80:  (100*50 + 100*30 + 80*20) / 100 = 96
K002 Partner: 1000 -> 40, 9.99 -> 5, Visits 2 -> 20, Rating unapproved (left out): (45*40 + 20*40) / 80 = 32.5
K003 999.99 -> 10, Margin blank -> 0, Activity and Rating left out:  10*50 / 50 = 10
K004 Sales blank -> 0, 10 -> 30, 3 -> 100, Rating 60:  (30*50 + 100*30 + 60*20) / 100 = 57
K005 5000 -> 70, 50 -> 30, Visits 0 -> 20, Rating 100:  (100*50 + 20*30 + 100*20) / 100 = 76
Share tiers of 5: A = rank <= ceil(20% * 5) = 1, B = rank <= ceil(50% * 5) = 3, C = the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.fixtures.books import BAND_HEAD, INDICATOR_HEAD, TIER_HEAD, BookSpec
from xlscore import udfs
from xlscore.openbook import xlwings_value
from xlscore.udf_inputs import cache_info, clear_caches

Table = list[list[Any]]


def table(head: list[str], rows: list[list[Any]], header: bool = True) -> Table:
    body = [[xlwings_value(v) for v in row] for row in rows]
    return [list(head), *body] if header else body


def book_args(spec: BookSpec | None = None) -> tuple[Table, Table, Table, Table, Table]:
    """(customers, indicators, weights, bands, tiers) as ``tblX[#All]`` arrives in a UDF."""
    spec = spec or BookSpec()
    return (table(spec.customer_head, spec.customers), table(INDICATOR_HEAD, spec.indicators),
            table(spec.weight_head, spec.weights), table(BAND_HEAD, spec.bands), table(TIER_HEAD, spec.tiers))


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    clear_caches()


@pytest.mark.parametrize(("customer", "score", "rank", "tier"), [
    ("K001", 96.0, 1.0, "A"), ("K005", 76.0, 2.0, "B"), ("K004", 57.0, 3.0, "B"),
    ("K002", 32.5, 4.0, "C"), ("K003", 10.0, 5.0, "C"),
])
def test_score_rank_tier_of_each_customer(customer: str, score: float, rank: float, tier: str) -> None:
    args = book_args()
    assert udfs.CUSTOMER_SCORE(customer, *args) == score
    assert udfs.CUSTOMER_RANK(customer, *args) == rank
    assert udfs.CUSTOMER_TIER(customer, *args) == tier


def test_score_and_rank_without_the_tiers_argument() -> None:
    customers, indicators, weights, bands, _ = book_args()
    assert udfs.CUSTOMER_SCORE("K002", customers, indicators, weights, bands) == 32.5
    assert udfs.CUSTOMER_RANK("K002", customers, indicators, weights, bands) == 4.0


def test_the_articles_worked_example_84() -> None:
    """Direct scores 90, 90, 60 with weights 40/40/20 give 84."""
    spec = BookSpec(
        indicators=[["Profit", "direct", "zero", "no", ""], ["Strength", "direct", "zero", "no", ""],
                    ["Relation", "direct", "zero", "no", ""]],
        weight_head=["Indicator", "Default"], weights=[["Profit", 40], ["Strength", 40], ["Relation", 20]],
        bands=[], tiers=[["High", 80, None, "", 30, ""], ["Other", 0, None, "", 90, ""]],
        customer_head=["Customer ID", "Profit", "Strength", "Relation"], customers=[["C1", 90, 90, 60]])
    args = book_args(spec)
    args = (args[0], args[1], args[2], [list(BAND_HEAD)], args[4])
    assert udfs.CUSTOMER_SCORE("C1", *args) == 84.0
    assert udfs.CUSTOMER_TIER("C1", *args) == "High"


def test_customer_id_matching_as_shown_trimmed_any_case() -> None:
    spec = BookSpec()
    spec.customers[0][0] = 1001  # typed as a number: xlwings gives 1001.0
    args = book_args(spec)
    assert udfs.CUSTOMER_SCORE(1001.0, *args) == 96.0
    assert udfs.CUSTOMER_SCORE("1001", *args) == 96.0
    assert udfs.CUSTOMER_SCORE(" k002 ", *args) == 32.5


def test_a_range_of_ids_gives_a_range_of_the_same_shape() -> None:
    args = book_args()
    assert udfs.CUSTOMER_SCORE([["K001"], ["K003"], ["K005"]], *args) == [[96.0], [10.0], [76.0]]
    assert udfs.CUSTOMER_TIER([["K001", "K002"]], *args) == [["A", "C"]]
    assert udfs.CUSTOMER_SCORE([["K004"]], *args) == 57.0  # a single cell with ndim=2


def test_unscored_customer_is_blank() -> None:
    spec = BookSpec()
    spec.indicators[0][2] = "error"  # Value: a blank measure means no score
    args = book_args(spec)
    assert udfs.CUSTOMER_SCORE("K003", *args) is None  # Margin % blank
    assert udfs.CUSTOMER_RANK("K003", *args) is None
    assert udfs.CUSTOMER_TIER("K003", *args) is None
    assert udfs.CUSTOMER_SCORE("K001", *args) == 96.0


def test_model_tables_without_their_header_row() -> None:
    customers, indicators, weights, bands, tiers = book_args()
    assert udfs.CUSTOMER_SCORE("K002", customers, indicators[1:], weights, bands[1:], tiers[1:]) == 32.5
    assert udfs.CUSTOMER_TIER("K001", customers, indicators[1:], weights, bands[1:], tiers[1:]) == "A"


def test_weights_and_customers_need_their_header_row() -> None:
    customers, indicators, weights, bands, tiers = book_args()
    assert udfs.CUSTOMER_SCORE("K001", customers, indicators, weights[1:], bands, tiers) == (
        "#XLSCORE! tblWeights header: tblWeights was passed without its header row, which names its columns: "
        "pass tblWeights[#All]")
    assert udfs.CUSTOMER_SCORE("K001", customers[1:], indicators, weights, bands, tiers).startswith(
        "#XLSCORE! tblCustomers header: tblCustomers was passed without its header row")


def test_xlscore_table_is_tblscoring_in_rank_order() -> None:
    rows = udfs.XLSCORE_TABLE(*book_args())
    assert rows[0] == ["Customer ID", "Customer", "Owner", "Profile", "Value", "Activity", "Rating", "Score",
                       "Rank", "Tier", "Policy", "Next follow-up", "Flags"]
    assert rows[1] == ["K001", "Acme", "Ann", "Default", 100.0, 100.0, 80.0, 96.0, 1.0, "A", "Visit monthly",
                       datetime(2026, 2, 9), ""]  # last contact 2026-01-10 + 30 days
    assert rows[4] == ["K002", "Bolt", "Ben", "Partner", 45.0, 20.0, None, 32.5, 4.0, "C", "Newsletter",
                       datetime(2026, 7, 31), "unapproved: Rating"]
    assert rows[5] == ["K003", "Cogs", "Ann", "Default", 10.0, None, None, 10.0, 5.0, "C", "Newsletter", None,
                       "missing: Margin %; missing: Visits; missing: Rating"]
    assert [r[0] for r in rows[1:]] == ["K001", "K005", "K004", "K002", "K003"]
    assert udfs.XLSCORE_TABLE(*book_args(), False) == rows[1:]


def test_explain_reconciles_to_the_score_and_names_band_rows() -> None:
    text = udfs.CUSTOMER_EXPLAIN("K002", *book_args())
    lines = text.splitlines()
    assert lines[0] == "Customer K002 (Bolt), weight profile Partner"
    assert "  Sales = 1,000: band 1,000 <= v < 5,000 (tblBands[From] row 2) -> 40 of 70 points" in lines
    assert "Total = (45 x 40 + 20 x 40) / 80 = 32.5" in lines
    assert "Score = ROUND(total, 2) = 32.50" in lines
    assert lines[-1] == "Tier C: rank 4 <= ceil(100 % x 5) = 5"


def test_band_overlap_names_table_column_and_row() -> None:
    spec = BookSpec()
    spec.bands[1][2] = 900  # Sales 900-5000 overlaps ...-1000 (data row 1)
    assert udfs.CUSTOMER_SCORE("K001", *book_args(spec)) == (
        "#XLSCORE! tblBands[From] row 2: band 900–5,000 overlaps band …–1,000 of the same measure 'Sales' "
        "(row 1): make one band's To equal the next band's From")


def test_text_and_error_cells_in_a_measure_are_named() -> None:
    spec = BookSpec()
    spec.customers[1][4] = "n/a"
    assert udfs.CUSTOMER_SCORE("K001", *book_args(spec)) == (
        "#XLSCORE! tblCustomers[Sales] row 2: 'n/a' in Sales is not a number: type a number or leave the "
        "cell blank")
    spec.customers[3][6] = "#N/A"  # an error cell, read with err_to_str=True
    assert udfs.CUSTOMER_TIER("K001", *book_args(spec)).endswith(
        "cell blank (and 1 more errors: click Validate on the xlscore tab)")


def test_weights_not_summing_to_100_name_the_profile_header() -> None:
    spec = BookSpec()
    spec.weights[0][1] = 40  # Default: 40 + 30 + 20 = 90
    assert udfs.CUSTOMER_RANK("K001", *book_args(spec)) == (
        "#XLSCORE! tblWeights[Default] header: weights of profile Default add up to 90, not 100: type "
        "percentages (40 for 40 %) that sum to 100")


def test_unknown_and_blank_customer() -> None:
    args = book_args()
    assert udfs.CUSTOMER_SCORE("K999", *args) == "#XLSCORE! no customer with Customer ID 'K999' in tblCustomers"
    assert udfs.CUSTOMER_SCORE(None, *args).startswith("#XLSCORE! Customer ID is blank")


@pytest.mark.parametrize("bad", [None, 7.0, "tblBands", [[None]], [["x"]], [[object()]], [[1.0, 2.0], [3.0]]])
def test_any_input_gives_a_value_or_a_readable_error(bad: Any) -> None:
    customers, indicators, weights, _, tiers = book_args()
    for result in (udfs.CUSTOMER_SCORE("K001", customers, indicators, weights, bad, tiers),
                   udfs.XLSCORE_TABLE(customers, indicators, weights, bad, tiers),
                   udfs.CUSTOMER_EXPLAIN("K001", customers, bad, weights, bad, tiers)):
        assert isinstance(result, str) and result.startswith("#XLSCORE! ")
        assert "Traceback" not in result


def test_thousands_of_calls_parse_and_score_once() -> None:
    args = book_args()
    for _ in range(500):
        for customer in ("K001", "K002"):
            udfs.CUSTOMER_SCORE(customer, *[[list(r) for r in t] for t in args])  # fresh lists, as from Excel
    info = cache_info()
    assert (info["model_misses"], info["scored_misses"], info["scored_hits"]) == (1, 1, 999)


def test_a_changed_customer_rescores_with_the_cached_model() -> None:
    args = book_args()
    udfs.CUSTOMER_SCORE("K001", *args)
    customers = [list(r) for r in args[0]]
    customers[1][7] = 40.0  # K001 Rating 80 -> 40: (5000 + 3000 + 800) / 100 = 88
    assert udfs.CUSTOMER_SCORE("K001", customers, *args[1:]) == 88.0
    info = cache_info()
    assert (info["model_hits"], info["model_misses"], info["scored_misses"]) == (1, 1, 2)


def test_true_and_one_are_different_contents() -> None:
    """Python says True == 1.0; the readers do not (TRUE in a measure is an error)."""
    args = book_args()
    customers = [list(r) for r in args[0]]
    customers[1][6] = 1.0  # K001 Visits 1 -> 20 points
    assert udfs.CUSTOMER_SCORE("K001", customers, *args[1:]) == 72.0  # (5000 + 20*30 + 1600) / 100
    flipped = [list(r) for r in customers]
    flipped[1][6] = True
    assert udfs.CUSTOMER_SCORE("K001", flipped, *args[1:]) == (
        "#XLSCORE! tblCustomers[Visits] row 1: True in Visits is not a number: type a number or leave the cell "
        "blank")

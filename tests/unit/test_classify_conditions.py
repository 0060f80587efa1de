"""The condition language of tblTypes: what it reads, what it refuses, what it matches."""

from __future__ import annotations

import numpy as np
import pytest

from xlscore.classify.conditions import (
    Clause,
    ConditionError,
    UnknownColumnError,
    evaluate,
    parse_condition,
)
from xlscore.classify.data import Operand, text_keys

NAN = float("nan")
COLUMNS = {
    "Score": Operand("Score", numbers=np.array([96.0, 76.0, 57.0, 32.5, NAN])),
    "Referrals": Operand("Referrals", numbers=np.array([0.0, 5.0, 3.0, 2.999, NAN])),
    "Tier": Operand("Tier", keys=text_keys(np.array(["A", " b ", "B", None, "C"], dtype=object))),
    "Sales last year (k)": Operand("Sales last year (k)", numbers=np.array([6000.0, 250.0, 299.99, 300.0, 10.0])),
    "R and D": Operand("R and D", numbers=np.array([1.0, 2.0, 3.0, 4.0, 5.0])),
}


def match(text: str) -> list[bool]:
    condition = parse_condition(text)
    by_key = {name.casefold(): operand for name, operand in COLUMNS.items()}
    return evaluate(condition, lambda name: by_key.get(name.casefold()), 5).tolist()  # type: ignore[no-any-return]


@pytest.mark.parametrize(("text", "clauses"), [
    ("Score >= 70", [Clause("Score", ">=", 70.0)]),
    ("Score≥70", [Clause("Score", ">=", 70.0)]),
    ("Referrals >= 3 and Sales last year (k) < 300",
     [Clause("Referrals", ">=", 3.0), Clause("Sales last year (k)", "<", 300.0)]),
    ("推荐客户数 >= 3 且 得分 < 40", [Clause("推荐客户数", ">=", 3.0), Clause("得分", "<", 40.0)]),
    ("Tier <> 'Lead'", [Clause("Tier", "<>", "Lead")]),
    ("Tier != Lead", [Clause("Tier", "<>", "Lead")]),
    ("[R and D] > 2", [Clause("R and D", ">", 2.0)]),
    ("Referrals is blank", [Clause("Referrals", "blank")]),
    ("Referrals is not blank", [Clause("Referrals", "not blank")]),
    ("推荐客户数不为空", [Clause("推荐客户数", "not blank")]),
    ("Region = \"a >= b\"", [Clause("Region", "=", "a >= b")]),
])
def test_parse(text: str, clauses: list[Clause]) -> None:
    assert list(parse_condition(text).clauses) == clauses


@pytest.mark.parametrize(("text", "words"), [
    ("Score", "not a comparison"),
    (">= 70", "no column before its operator"),
    ("Score >=", "nothing after its operator"),
    ("Score >= 70 and", "nothing on one side"),
    ("40 < Score < 70", "two operators"),
    ("[Score >= 70", "never closes"),
    ("and Score >= 70", "nothing on one side"),
])
def test_parse_refuses_with_a_reason(text: str, words: str) -> None:
    with pytest.raises(ConditionError, match=words):
        parse_condition(text)


def test_python_digit_separators_are_text_not_numbers() -> None:
    assert parse_condition("Score >= 1_000").clauses[0].value == "1_000"
    with pytest.raises(ConditionError, match="holds numbers"):
        match("Score >= 1_000")


def test_blank_condition_matches_everyone() -> None:
    assert parse_condition("  ").always
    assert match("") == [True] * 5


def test_numeric_comparisons_at_the_edges() -> None:
    assert match("Score >= 76") == [True, True, False, False, False]
    assert match("Score > 76") == [True, False, False, False, False]
    assert match("Referrals >= 3") == [False, True, True, False, False]  # 2.999 is below 3
    assert match("Sales last year (k) < 300") == [False, True, True, False, True]  # 300 is not below 300


def test_blank_values_match_no_comparison_not_even_not_equal() -> None:
    assert match("Score <> 96") == [False, True, True, True, False]
    assert match("Score is blank") == [False, False, False, False, True]
    assert match("Tier <> A") == [False, True, True, False, True]  # the blank Tier matches neither = nor <>


def test_and_needs_every_clause() -> None:
    assert match("Referrals >= 3 and Sales last year (k) < 300") == [False, True, True, False, False]


def test_text_ignores_case_and_surrounding_spaces() -> None:
    assert match("tier = b") == [False, True, True, False, False]
    assert match("TIER = 'B'") == [False, True, True, False, False]


def test_text_refuses_order_comparisons_and_numbers_refuse_text() -> None:
    with pytest.raises(ConditionError, match="holds text: compare it with = or <>"):
        match("Tier > A")
    with pytest.raises(ConditionError, match="holds numbers"):
        match("Score = high")


def test_unknown_column_is_named() -> None:
    with pytest.raises(UnknownColumnError) as caught:
        match("Score >= 70 and Service cost >= 50")
    assert caught.value.name == "Service cost"

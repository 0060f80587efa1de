"""Lifecycle stages, type rules, nine-box cells and the method comparison, with hand-checked cases."""

from __future__ import annotations

import numpy as np
import pytest

from xlscore.classify.customer_types import assign_types, read_type_rules
from xlscore.classify.data import Operand, text_keys
from xlscore.classify.lifecycle import assign_stages, read_stages
from xlscore.classify.methods import agreement, cross_tab, tier_classes
from xlscore.classify.ninebox import cell_class, cell_label, grid_classes, labels, place, read_ninebox
from xlscore.issues import IssueList
from xlscore.workbook.tables import RawTable

NAN = float("nan")
STAGE_HEAD = ("Stage", "Rule", "Days", "Description")
DEFAULT_STAGES: list[list[object]] = [["Prospect", "no purchase", None, ""], ["Active", "up to", 90, ""],
                  ["Dormant", "up to", 365, ""], ["Churned", "beyond", None, ""]]


def table(name: str, sheet: str, headers: tuple[str, ...], rows: list[list[object]]) -> RawTable:
    return RawTable(name, sheet, 1, 1, headers, rows)


def stages(rows: list[list[object]], issues: IssueList | None = None):  # type: ignore[no-untyped-def]
    return read_stages(table("tblLifecycle", "Lifecycle", STAGE_HEAD, rows), issues if issues is not None
                       else IssueList())


# -- lifecycle -----------------------------------------------------------------------------------


def test_default_stages_at_their_boundaries() -> None:
    days = np.array([NAN, 0, 90, 91, 365, 366, 4000], dtype=np.float64)
    assert assign_stages(stages(DEFAULT_STAGES), days).tolist() == [
        "Prospect", "Active", "Active", "Dormant", "Dormant", "Churned", "Churned"]


def test_chinese_rule_words_and_a_new_stage() -> None:
    rows: list[list[object]] = [["潜在", "未购买", None, ""], ["新近", "不超过", 30, ""], ["活跃", "不超过", 90, ""],
            ["流失", "超过", 90, ""]]
    days = np.array([NAN, 30, 31, 90, 91], dtype=np.float64)
    assert assign_stages(stages(rows), days).tolist() == ["潜在", "新近", "活跃", "活跃", "流失"]


def test_without_a_catch_all_customers_beyond_the_last_threshold_stay_blank() -> None:
    rows = [["Active", "up to", 90, ""]]
    assert assign_stages(stages(rows), np.array([NAN, 12, 120.0])).tolist() == [None, "Active", None]


def test_stage_errors_name_their_cell() -> None:
    issues = IssueList()
    stages([["Prospect", "no purchase", None, ""], ["Active", "soon", 90, ""], ["Dormant", "up to", None, ""],
            ["Old", "beyond", -5, ""], [None, "beyond", None, ""]], issues)
    assert [(str(i.ref), i.severity, i.code) for i in issues] == [
        ("Lifecycle!B3", "error", "unknown-word"),
        ("Lifecycle!C4", "error", "blank-days"),
        ("Lifecycle!C5", "error", "negative-days"),
        ("Lifecycle!A6", "error", "blank-name"),
    ]
    assert "Rule 'soon' is not one of: no purchase, up to, beyond" in issues[0].message


def test_rows_that_can_never_apply_are_warnings() -> None:
    issues = IssueList()
    stages([["Active", "up to", 90, ""], ["Recent", "up to", 30, ""], ["Lost", "beyond", None, ""],
            ["Ancient", "beyond", 999, ""]], issues)
    assert [(str(i.ref), i.code) for i in issues] == [("Lifecycle!A3", "dead-rule"), ("Lifecycle!A5", "dead-rule")]
    assert "up to 90" in issues[0].message


def test_missing_column_is_an_error_at_the_header_end() -> None:
    issues = IssueList()
    read_stages(table("tblLifecycle", "Lifecycle", ("Stage", "Days"), [["Active", 90]]), issues)
    assert [(str(i.ref), i.code) for i in issues] == [("Lifecycle!C1", "missing-column")]


# -- types -----------------------------------------------------------------------------------------

OPERANDS = {
    "score": Operand("Score", numbers=np.array([96.0, 76.0, 57.0, 32.5, 10.0])),
    "referrals": Operand("Referrals", numbers=np.array([0.0, 1.0, 1.0, 5.0, NAN])),
    "service cost (k)": Operand("Service cost (k)", numbers=np.array([10.0, 5.0, 60.0, 5.0, NAN])),
    "lifecycle": Operand("Lifecycle", keys=text_keys(np.array(["Active", "Churned", "Dormant", "Active", None],
                                                              dtype=object))),
}
TYPE_HEAD = ("Type", "Condition", "Description")


def run_types(rows: list[list[object]], issues: IssueList):  # type: ignore[no-untyped-def]
    rules = read_type_rules(table("tblTypes", "Types", TYPE_HEAD, rows), issues)
    return assign_types(rules, lambda name: OPERANDS.get(name.strip().casefold()), 5, "en", issues)


def test_first_matching_rule_wins_and_is_shown() -> None:
    issues = IssueList()
    types, matched = run_types([
        ["High value", "Score >= 70", ""],
        ["Win back", "Lifecycle = churned", ""],  # the churned customer scores 76: already high value
        ["Maintenance", "Service cost (k) >= 50 and Score < 60", ""],
        ["Word of mouth", "Referrals >= 3", ""],
        ["Ordinary", None, ""],
    ], issues)
    assert not issues
    assert types.tolist() == ["High value", "High value", "Maintenance", "Word of mouth", "Ordinary"]
    assert matched.tolist() == ["1: Score >= 70", "1: Score >= 70", "3: Service cost (k) >= 50 and Score < 60",
                                "4: Referrals >= 3", "5: (any customer)"]


def test_no_catch_all_leaves_unmatched_customers_blank() -> None:
    types, matched = run_types([["High value", "Score >= 70", ""]], IssueList())
    assert types.tolist() == ["High value", "High value", None, None, None]
    assert matched.tolist()[2:] == [None, None, None]


def test_unknown_column_is_a_warning_and_the_rule_never_matches() -> None:
    issues = IssueList()
    types, _ = run_types([["Word of mouth", "Referals >= 3", ""], ["Ordinary", "", ""]], issues)
    assert types.tolist() == ["Ordinary"] * 5
    assert [(str(i.ref), i.severity, i.code) for i in issues] == [("Types!B2", "warning", "unknown-column")]
    assert "'Referals'" in issues[0].message


def test_bad_conditions_are_errors_naming_the_condition_cell() -> None:
    issues = IssueList()
    run_types([["A", "Score >> 3", ""], ["B", "Lifecycle > active", ""], [None, "Score > 1", ""]], issues)
    assert [(str(i.ref), i.code) for i in issues] == [("Types!B2", "bad-condition"), ("Types!A4", "blank-name"),
                                                        ("Types!B3", "bad-condition")]
    assert "holds text: compare it with = or <>" in issues[2].message


# -- nine-box --------------------------------------------------------------------------------------

NINE_HEAD = ("Axis", "Source", "Low below", "High from")


def grid(rows: list[list[object]], issues: IssueList):  # type: ignore[no-untyped-def]
    return read_ninebox(table("tblNineBox", "Nine-box settings", NINE_HEAD, rows), issues)


def test_cut_points_are_from_inclusive() -> None:
    issues = IssueList()
    nine = grid([["Value", "Score", 40, 70], ["Potential", "Growth", 10, 20]], issues)
    assert not issues and nine is not None
    values = {"score": Operand("Score", numbers=np.array([39.99, 40, 69.99, 70, 100, NAN])),
              "growth": Operand("Growth", numbers=np.array([9.99, 10, 19.99, 20, NAN, 5]))}
    placed = place(nine, lambda n: values.get(n.casefold()), issues)
    assert placed is not None
    assert placed[0].tolist() == [0, 1, 1, 2, -1, -1] and placed[1].tolist() == [0, 1, 1, 2, -1, -1]
    assert labels(*placed, "en").tolist() == ["Low value, low potential", "Mid value, mid potential",
                                              "Mid value, mid potential", "High value, high potential", None, None]
    assert labels(*placed, "zh").tolist()[3] == "高价值·高潜力"


def test_nine_box_classes_follow_the_diagonals() -> None:
    classes = {(v, p): cell_class(v, p) for v in range(3) for p in range(3)}
    assert [k for k, c in classes.items() if c == "high"] == [(1, 2), (2, 1), (2, 2)]
    assert [k for k, c in classes.items() if c == "middle"] == [(0, 2), (1, 1), (2, 0)]
    assert next(iter(grid_classes("en"))) == "High value, high potential"
    assert cell_label(2, 0, "zh") == "高价值·低潜力"


def test_nine_box_table_errors() -> None:
    issues = IssueList()
    assert grid([["Value", "Score", 80, 70], ["Potential", "", 40, 70], ["Worth", "Score", 1, 2]], issues) is None
    assert [(str(i.ref), i.code) for i in issues] == [
        ("Nine-box settings!C2", "cut-order"), ("Nine-box settings!B3", "blank-source"),
        ("Nine-box settings!A4", "unknown-word")]


def test_missing_axis_row_is_an_error_below_the_table() -> None:
    issues = IssueList()
    assert grid([["Value", "Score", 40, 70]], issues) is None
    assert [(str(i.ref), i.code) for i in issues] == [("Nine-box settings!A3", "missing-axis")]


def test_unknown_source_leaves_the_nine_box_out_with_a_warning() -> None:
    issues = IssueList()
    nine = grid([["Value", "Score", 40, 70], ["Potential", "Vision", 40, 70]], issues)
    assert nine is not None
    assert place(nine, lambda n: None if n == "Vision" else OPERANDS["score"], issues) is None
    assert [(str(i.ref), i.severity) for i in issues] == [("Nine-box settings!B3", "warning")]


# -- methods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "classes"), [
    (1, ["high"]), (2, ["high", "middle"]), (3, ["high", "middle", "low"]),
    (4, ["high", "high", "middle", "low"]), (5, ["high", "high", "middle", "middle", "low"]),
])
def test_tier_classes_by_thirds_of_the_tier_list(count: int, classes: list[str]) -> None:
    assert list(tier_classes([f"T{i}" for i in range(count)]).values()) == classes


def test_cross_tab_counts_and_agreement_by_hand() -> None:
    tiers = np.array(["A", "A", "B", "C", "C", None, "C"], dtype=object)
    groups = np.array(["Loyal", "Sleepy", "Loyal", "Sleepy", "Sleepy", "Loyal", None], dtype=object)
    tab = cross_tab(tiers, groups, ["A", "B", "C"], {"Loyal": "high", "Sleepy": "low", "Unclassed": None})
    assert tab.counts.tolist() == [[1, 1, 0], [1, 0, 0], [0, 2, 0]]
    assert tab.row_class == ["high", "middle", "low"]
    # A-Loyal (high = high) and both C-Sleepy (low = low) agree; B-Loyal and A-Sleepy do not
    assert (tab.compared, tab.agree) == (5, 3)
    assert tab.agree_per_row.tolist() == [1, 0, 2]


def test_agreement_of_three_methods_needs_every_class() -> None:
    tier = np.array(["high", "low", "high", None], dtype=object)
    rfm = np.array(["high", "low", "low", "high"], dtype=object)
    nine = np.array(["high", "low", "high", "high"], dtype=object)
    assert agreement([tier, rfm, nine]) == (3, 2)

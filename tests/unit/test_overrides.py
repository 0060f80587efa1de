"""Overrides: approval, expiry, every validation error with its cell, and their effect downstream.

The book is the Q1 book of ``test_history_books`` (threshold tiers A >= 80, B >= 50, C;
Last contact 2026-03-01 for everyone): K05 scores 40 (C), K04 55 (B). Override rows start
at Excel row 2 of the Overrides sheet; columns A Customer ID, B Tier, C Reason,
D Approved by, E Expires.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.history_books import new_book, records, set_table
from xlscore.analysis import analyse
from xlscore.cli import main
from xlscore.history.snapshot import take_snapshot
from xlscore.issues import Issue
from xlscore.retier import retier
from xlscore.templates.build import build_template

HEAD = ["Customer ID", "Tier", "Reason", "Approved by", "Expires"]
TODAY = date(2026, 5, 1)
STRATEGIC = ["K05", "A", "Strategic account", "Dana", datetime(2026, 12, 31)]


def book_with(tmp_path: Path, overrides: list[list[Any]]) -> Path:
    book = new_book(tmp_path / "book.xlsx")
    set_table(book, "Overrides", "tblOverrides", HEAD, overrides)
    return book


def mine(issues: Sequence[Issue]) -> list[Issue]:
    """Issues of the overrides stage (other stages may add their own)."""
    return [i for i in issues if i.code.startswith("override-")]


def scoring(book: Path) -> dict[str, dict[str, Any]]:
    return {r["Customer ID"]: r for r in records(book, "tblScoring")}


def test_approved_override_sets_tier_policy_follow_up_and_flag(tmp_path: Path) -> None:
    book = book_with(tmp_path, [STRATEGIC])
    report = retier(book, as_of=TODAY)
    rows = scoring(book)
    k05 = rows["K05"]
    assert (k05["Score"], k05["Tier"], k05["Computed tier"], k05["Policy"]) == (40.0, "A", "C", "Visit monthly")
    assert k05["Next follow-up"] == date(2026, 3, 31)  # Last contact 2026-03-01 + 30 days of tier A
    assert k05["Flags"] == "override: Strategic account"
    assert all(r["Tier"] == r["Computed tier"] and not r["Flags"] for cid, r in rows.items() if cid != "K05")
    head = list(rows["K01"])
    assert head[head.index("Tier"):head.index("Tier") + 3] == ["Tier", "Computed tier", "Policy"]
    assert report.summary.set_index("Tier")["Customers"].to_dict() == {"A": 3, "B": 2, "C": 1}
    assert mine(report.issues) == []


def test_override_expiring_today_still_holds_and_one_expired_yesterday_is_a_warning(tmp_path: Path) -> None:
    book = book_with(tmp_path, [
        ["K05", "A", "Strategic account", "Dana", datetime(2026, 5, 1)],
        ["K04", "A", "Trade fair lead", "Dana", datetime(2026, 4, 30)],
    ])
    analysis = analyse(book, TODAY)
    assert analysis.ok and analysis.result is not None
    tiers = dict(zip(analysis.result["Customer ID"], analysis.result["Tier"], strict=True))
    assert (tiers["K05"], tiers["K04"]) == ("A", "B")
    assert [(i.severity, str(i.ref), i.code) for i in mine(analysis.issues)] == [
        ("warning", "Overrides!E3", "override-expired")]
    assert "expired on 2026-04-30" in mine(analysis.issues)[0].message


def test_override_without_expiry_holds_but_is_listed(tmp_path: Path) -> None:
    analysis = analyse(book_with(tmp_path, [["K05", "a", "Strategic account", "Dana", None]]), TODAY)
    assert analysis.ok and analysis.result is not None
    assert analysis.result.set_index("Customer ID").loc["K05", "Tier"] == "A"  # tier names match any case
    assert [(str(i.ref), i.code) for i in mine(analysis.issues)] == [("Overrides!E2", "override-no-expiry")]


@pytest.mark.parametrize(("row", "cell", "words"), [
    (["K05", "A", None, "Dana", datetime(2026, 12, 31)], "Overrides!C2", "without a Reason"),
    (["K05", "A", "Strategic", "  ", datetime(2026, 12, 31)], "Overrides!D2", "without Approved by"),
    (["K05", "Platinum", "Strategic", "Dana", datetime(2026, 12, 31)], "Overrides!B2", "not a tier of tblTiers"),
    (["K99", "A", "Strategic", "Dana", datetime(2026, 12, 31)], "Overrides!A2", "unknown Customer ID 'K99'"),
    ([None, "A", "Strategic", "Dana", datetime(2026, 12, 31)], "Overrides!A2", "without a Customer ID"),
    (["K05", "A", "Strategic", "Dana", "next spring"], "Overrides!E2", "not a date"),
])
def test_invalid_override_is_an_error_naming_the_cell(tmp_path: Path, row: list[Any], cell: str, words: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    book = book_with(tmp_path, [row])
    analysis = analyse(book, TODAY)
    assert [str(i.ref) for i in analysis.issues.errors] == [cell]
    assert words in analysis.issues.errors[0].message
    digest = hashlib.sha256(book.read_bytes()).hexdigest()
    assert main(["retier", str(book)]) == 1
    assert cell in capsys.readouterr().out
    assert hashlib.sha256(book.read_bytes()).hexdigest() == digest  # nothing written


def test_two_live_overrides_of_one_customer_is_an_error_but_an_expired_one_is_history(tmp_path: Path) -> None:
    old = ["K05", "B", "Pilot", "Dana", datetime(2026, 1, 31)]
    analysis = analyse(book_with(tmp_path, [old, STRATEGIC, ["k05", "B", "Again", "Eve", None]]), TODAY)
    assert [(i.severity, str(i.ref), i.code) for i in mine(analysis.issues)] == [
        ("warning", "Overrides!E2", "override-expired"),
        ("warning", "Overrides!E4", "override-no-expiry"),
        ("error", "Overrides!A4", "override-duplicate"),
    ]
    assert "already has a live override in row 3" in mine(analysis.issues)[2].message


def test_movement_is_measured_on_the_overridden_tier(tmp_path: Path) -> None:
    book = new_book(tmp_path / "book.xlsx")
    take_snapshot(book, "2026-Q1", as_of=date(2026, 3, 31), taken_at=datetime(2026, 3, 31, 17))
    set_table(book, "Overrides", "tblOverrides", HEAD, [STRATEGIC])
    retier(book, as_of=TODAY)
    k05 = scoring(book)["K05"]
    assert (k05["Computed tier"], k05["Tier"], k05["Previous tier"], k05["Movement"]) == ("C", "A", "C", "up")
    head = list(k05)
    assert head[head.index("Tier"):head.index("Tier") + 4] == ["Tier", "Computed tier", "Previous tier", "Movement"]


def test_empty_overrides_table_changes_nothing(tmp_path: Path) -> None:
    book = new_book(tmp_path / "book.xlsx")
    retier(book, as_of=TODAY)
    assert "Computed tier" not in scoring(book)["K01"]


@pytest.mark.parametrize(("lang", "sheet", "headers"), [
    ("en", "Overrides", ["Customer ID", "Tier", "Reason", "Approved by", "Expires"]),
    ("zh", "人工调整", ["客户编号", "层级", "原因", "审批人", "到期日"]),
])
def test_template_has_the_overrides_table(lang: str, sheet: str, headers: list[str]) -> None:
    wb = build_template(lang)  # type: ignore[arg-type]
    ws = wb[sheet]
    assert list(ws.tables) == ["tblOverrides"]
    assert [c.value for c in ws[1]] == headers
    formulas = sorted(str(dv.formula1) for dv in ws.data_validations.dataValidation)
    tier = "Tier" if lang == "en" else "层级"
    assert formulas == ["1", f'INDIRECT("tblTiers[{tier}]")']

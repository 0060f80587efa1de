"""The follow-up plan: who is due in the next N days, overdue first, and its iCalendar file.

Tiers (threshold on the rating): A >= 80 every 30 days, B >= 50 every 90, C every 180.
Run date 2026-05-01, 30 days ahead: the window ends 2026-05-31.

====  ======  =====  ============  ============  ================================
id    tier    owner  last contact  next due      in the plan?
====  ======  =====  ============  ============  ================================
K01   A       Ann    2026-03-01    2026-03-31    yes, 31 days overdue
K02   A       Ben    2026-04-20    2026-05-20    yes, in 19 days
K03   B       Ann    2026-02-15    2026-05-16    yes, in 15 days
K04   B       Cid    2026-04-01    2026-06-30    no, after the window
K05   C       Ben    (none)        --            yes, never contacted: first of Ben
K06   C       Ann    2025-11-01    2026-04-30    yes, 1 day overdue
K07   A       (none) 2026-04-15    2026-05-15    yes, in 14 days: blank owner last
K08   C       Ann    2025-12-02    2026-05-31    yes, the window's last day
====  ======  =====  ============  ============  ================================
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from tests.helpers.history_books import new_book, records
from xlscore.analysis import analyse
from xlscore.cli import main
from xlscore.history.ics import escape_text, fold_line, plan_calendar
from xlscore.history.plan import FollowUpPlan, follow_up_plan, plan_sheet

TODAY = date(2026, 5, 1)
CUSTOMERS = [  # id, rating, owner, last contact
    ("K01", 90, "Ann", date(2026, 3, 1)), ("K02", 85, "Ben", date(2026, 4, 20)),
    ("K03", 60, "Ann", date(2026, 2, 15)), ("K04", 55, "Cid", date(2026, 4, 1)),
    ("K05", 40, "Ben", None), ("K06", 30, "ann ", date(2025, 11, 1)),
    ("K07", 95, None, date(2026, 4, 15)), ("K08", 45, "Ann", date(2025, 12, 2)),
]


def rows() -> list[list[Any]]:
    return [[cid, f"Customer {cid}", owner, None, rating, "yes", last]
            for cid, rating, owner, last in CUSTOMERS]


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> FollowUpPlan:
    book = new_book(tmp_path_factory.mktemp("plan") / "book.xlsx", rows())
    analysis = analyse(book, TODAY)
    assert analysis.result is not None
    return follow_up_plan(analysis.book.model, analysis.result, analysis.book.customers["Last contact"], TODAY, 30)


def test_plan_groups_by_owner_overdue_and_never_contacted_first(plan: FollowUpPlan) -> None:
    got = [(r["Customer ID"], r["Status"], None if r["Days"] != r["Days"] else int(r["Days"]))
           for _, r in plan.rows.iterrows()]
    assert got == [
        ("K01", "overdue", -31), ("K06", "overdue", -1), ("K03", "due", 15), ("K08", "due", 30),  # Ann
        ("K05", "never", None), ("K02", "due", 19),  # Ben
        ("K07", "due", 14),  # no owner
    ]
    assert plan.rows.loc[0, "Policy"] == "Visit monthly"
    assert plan.until == date(2026, 5, 31)


def test_owner_filter_is_case_insensitive(tmp_path: Path) -> None:
    book = new_book(tmp_path / "book.xlsx", rows())
    analysis = analyse(book, TODAY)
    assert analysis.result is not None
    ben = follow_up_plan(analysis.book.model, analysis.result, analysis.book.customers["Last contact"], TODAY, 30,
                         owner=" BEN")
    assert ben.rows["Customer ID"].tolist() == ["K05", "K02"]
    none_ahead = follow_up_plan(analysis.book.model, analysis.result, analysis.book.customers["Last contact"],
                                TODAY, 0)
    assert none_ahead.rows["Customer ID"].tolist() == ["K01", "K06", "K05"]


def test_plan_sheet_columns(plan: FollowUpPlan) -> None:
    sheet = plan_sheet(plan, "en")
    table = sheet.tables[0]
    assert (sheet.name, table.name, table.row) == ("Plan", "tblPlan", 4)
    assert [c.header for c in table.columns] == ["Owner", "Customer ID", "Customer", "Tier", "Policy",
                                                 "Next follow-up", "Days", "Status", "Last contact"]
    assert table.columns[7].values[:5] == ["overdue", "overdue", "due", "due", "no contact yet"]
    assert table.columns[5].values[0] == 46112.0  # 2026-03-31 as an Excel date
    assert sheet.cells[0].value == "Follow-up plan: 2026-05-01 to 2026-05-31 (30 days)"
    assert plan_sheet(plan, "zh").tables[0].columns[7].values[4] == "尚未联系"


def test_calendar_parses_and_holds_one_event_per_follow_up(plan: FollowUpPlan) -> None:
    data = plan_calendar(plan, "book", datetime(2026, 5, 1, 8, 0, tzinfo=UTC))
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    starts = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    assert starts == {
        "Follow up: Customer K01 (A)": TODAY,  # overdue: shown today
        "Follow up: Customer K06 (C)": TODAY,
        "Follow up: Customer K03 (B)": date(2026, 5, 16),
        "Follow up: Customer K08 (C)": date(2026, 5, 31),
        "Follow up: Customer K05 (C)": TODAY,  # never contacted
        "Follow up: Customer K02 (A)": date(2026, 5, 20),
        "Follow up: Customer K07 (A)": date(2026, 5, 15),
    }
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == timedelta(days=1) for e in events)
    assert len({str(e["UID"]) for e in events}) == 7
    assert events[0].decoded("DTSTAMP") == datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    assert "due 2026-03-31, 31 days overdue" in str(events[0]["DESCRIPTION"])
    assert "Owner: ann\nTier: C" in str(events[1]["DESCRIPTION"])  # as typed, without its trailing space
    assert "due 2026-04-30, 1 day overdue" in str(events[1]["DESCRIPTION"])
    assert (calendar["VERSION"], str(calendar["PRODID"])) == ("2.0", "-//xlscore//follow-up plan//EN")
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)  # CRLF only, file ends with CRLF
    assert max(len(line) for line in lines) <= 75


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    line = "DESCRIPTION:" + escape_text("策略：专属客户团队；每季度高层回顾, visit\nmonthly " * 4)
    folded = fold_line(line).encode("utf-8").split(b"\r\n")
    assert all(len(piece) <= 75 for piece in folded)
    assert all(piece.startswith(b" ") for piece in folded[1:])
    assert b"".join(p[1:] if k else p for k, p in enumerate(folded)).decode("utf-8") == line
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_plan_command_writes_the_sheet_and_calendar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = new_book(tmp_path / "book.xlsx", rows())
    ics = tmp_path / "plan.ics"
    assert main(["plan", str(book), "--days", "30", "--owner", "ann", "--ics", str(ics),
                 "--as-of", TODAY.isoformat()]) == 0
    planned = records(book, "tblPlan")
    assert [r["Customer ID"] for r in planned] == ["K01", "K06", "K03", "K08"]
    assert len(list(icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))) == 4
    assert "4 follow-ups due by" in capsys.readouterr().out
    assert main(["plan", str(book), "--owner", "Zed"]) == 2
    assert "no customer has owner 'Zed'; owners: Ann, Ben, Cid" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["snapshot", "plan"])
def test_help_exists(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"usage: xlscore {command}" in out
    assert ("--period" in out) if command == "snapshot" else all(o in out for o in ("--days", "--owner", "--ics"))

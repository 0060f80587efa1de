"""One as-of date per run: the same book gives the same answer whatever the clock says.

Books here are demo books (lifecycle, RFM, nine-box, types, overrides sheet) generated back
from 2026-06-30. The clock is moved with time-machine to days years apart; only
:func:`test_without_a_date_the_default_is_the_local_date` looks at the default itself.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
import time_machine
from openpyxl import load_workbook

from xlscore.asof import parse_as_of, resolve_as_of
from xlscore.cli import main
from xlscore.templates.demo import demo_workbook

AS_OF = date(2026, 6, 30)
CLOCKS = (datetime(2027, 1, 15, 9, 0), datetime(2031, 8, 1, 23, 30))  # two clocks years apart


@contextmanager
def clock(when: datetime) -> Iterator[None]:
    with time_machine.travel(when, tick=False):
        assert date.today() == when.date()
        yield


def demo_book(path: Path, *, pinned: bool = True, customers: int = 80) -> Path:
    """A demo book generated back from AS_OF; ``pinned=False`` blanks its As of date setting."""
    wb = demo_workbook(customers, 5, "en", AS_OF)
    if not pinned:
        wb["Classify"]["B5"].value = None
    wb.save(path)
    return path


def tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the book, as rows of values."""
    wb = load_workbook(path, data_only=True)
    out: dict[str, list[tuple[Any, ...]]] = {}
    for ws in wb.worksheets:
        for name in ws.tables:
            out[name] = [tuple(c.value for c in row) for row in ws[ws.tables[name].ref]]
    return out


def column(rows: list[tuple[Any, ...]], header: str) -> list[Any]:
    at = rows[0].index(header)
    return [r[at] for r in rows[1:]]


def events(path: Path) -> list[dict[str, str]]:
    """The calendar's events, every property but DTSTAMP (when the file was written)."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return [{k: str(v.to_ical() if hasattr(v, "to_ical") else v) for k, v in event.items() if k != "DTSTAMP"}
            for event in calendar.walk("VEVENT")]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0, capsys.readouterr()
    return capsys.readouterr().out


@pytest.mark.parametrize("text", ["2026-6-30", "30/06/2026", "2026-02-30", "20260630", "2026-W26-2", "yesterday"])
def test_as_of_must_be_a_real_yyyy_mm_dd_date(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="write it as YYYY-MM-DD"):
        parse_as_of(text)


def test_a_bad_as_of_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = demo_book(tmp_path / "book.xlsx", customers=5)
    before = book.read_bytes()
    assert main(["retier", str(book), "--as-of", "2026-13-01"]) == 2
    assert "'2026-13-01' is not a date: write it as YYYY-MM-DD" in capsys.readouterr().err
    assert book.read_bytes() == before


@pytest.mark.parametrize("command", ["retier", "validate", "explain", "demo", "snapshot", "plan", "classify",
                                     "score"])
def test_every_command_with_a_date_rule_takes_as_of(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    assert "--as-of YYYY-MM-DD" in capsys.readouterr().out


def test_retier_classify_and_plan_are_identical_under_two_clocks(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    book = demo_book(tmp_path / "book.xlsx", pinned=False)
    results = []
    for k, when in enumerate(CLOCKS):
        out, classified, planned, ics = (tmp_path / f"{name}{k}.xlsx" for name in ("out", "classified", "planned",
                                                                                   "plan"))
        ics = ics.with_suffix(".ics")
        with clock(when):
            run(["retier", str(book), "-o", str(out), "--as-of", AS_OF.isoformat(), "--quiet"], capsys)
            run(["classify", str(book), "-o", str(classified), "--as-of", AS_OF.isoformat()], capsys)
            text = run(["plan", str(book), "-o", str(planned), "--ics", str(ics), "--as-of", AS_OF.isoformat()],
                       capsys)
        assert "as of 2026-06-30 (from --as-of)" in text
        results.append((tables(out), tables(classified), tables(planned), events(ics)))
    assert results[0] == results[1]
    scoring = results[0][0]["tblScoring"]
    assert {"Active", "Dormant"} <= set(column(scoring, "Lifecycle"))  # the rules really read the date
    assert len(results[0][3]) > 0


def test_without_as_of_an_unpinned_book_follows_the_clock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The counterpart of the test above: what --as-of (or the book's pin) protects against."""
    book = demo_book(tmp_path / "book.xlsx", pinned=False)
    lifecycles = []
    for k, when in enumerate(CLOCKS):
        out = tmp_path / f"out{k}.xlsx"
        with clock(when):
            run(["retier", str(book), "-o", str(out), "--quiet"], capsys)
        lifecycles.append(column(tables(out)["tblScoring"], "Lifecycle"))
    assert lifecycles[0] != lifecycles[1]


def test_the_book_pin_is_used_and_the_command_line_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = demo_book(tmp_path / "book.xlsx")
    with clock(CLOCKS[1]):
        pinned = json.loads(run(["retier", str(book), "-o", str(tmp_path / "a.xlsx"), "--json"], capsys))
        given = json.loads(run(["retier", str(book), "-o", str(tmp_path / "b.xlsx"), "--json", "--as-of",
                                "2027-03-31"], capsys))
        text = run(["retier", str(book), "-o", str(tmp_path / "c.xlsx")], capsys)
    assert pinned["as_of"] == {"date": "2026-06-30", "source": "book", "cell": "Classify!B5"}
    assert given["as_of"] == {"date": "2027-03-31", "source": "command line", "cell": None}
    assert "as of 2026-06-30 (from the book (Classify!B5))" in text
    assert column(tables(tmp_path / "a.xlsx")["tblScoring"], "Lifecycle") != \
        column(tables(tmp_path / "b.xlsx")["tblScoring"], "Lifecycle")


def test_the_as_of_date_is_recorded_on_the_sheets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = demo_book(tmp_path / "book.xlsx", customers=20)
    values, live = tmp_path / "values.xlsx", tmp_path / "live.xlsx"
    run(["retier", str(book), "-o", str(values), "--as-of", "2026-09-30", "--quiet"], capsys)
    run(["retier", str(book), "-o", str(live), "--as-of", "2026-09-30", "--live", "--quiet"], capsys)
    for path in (values, live):
        wb = load_workbook(path)
        scoring = [str(c.value) for row in wb["Scoring"].iter_rows() for c in row if isinstance(c.value, str)]
        assert any("as of 2026-09-30 (from --as-of)" in text for text in scoring), path.name
        assert "as of 2026-09-30 (from --as-of)" in str(wb["Pyramid"]["A2"].value), path.name
    status = load_workbook(values)["Scoring"].cell(1, 2 + len(tables(values)["tblScoring"][0])).value
    assert status == ("Scored 20 of 20 customers as of 2026-09-30 (from --as-of): lifecycle, follow-ups and "
                      "override expiry are measured to this date")


def test_override_expiry_and_the_snapshot_period_follow_the_as_of_date(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    wb = demo_workbook(10, 5, "en", AS_OF)
    wb["Overrides"].append(["C00004", "Platinum", "Strategic", "Dana", datetime(2026, 12, 31)])
    table = wb["Overrides"].tables["tblOverrides"]
    table.ref = f"A1:E{wb['Overrides'].max_row}"
    book = tmp_path / "book.xlsx"
    wb.save(book)
    for as_of, holds in (("2026-12-31", True), ("2027-01-01", False)):
        report = json.loads(run(["retier", str(book), "-o", str(tmp_path / "o.xlsx"), "--json", "--as-of", as_of],
                                capsys))
        scoring = tables(tmp_path / "o.xlsx")["tblScoring"]
        tier = dict(zip(column(scoring, "Customer ID"), column(scoring, "Tier"), strict=True))["C00004"]
        assert (tier == "Platinum") is holds, (as_of, tier)
        assert any("expired" in i["message"] for i in report["issues"]) is not holds
    out = run(["snapshot", str(book), "-o", str(tmp_path / "s.xlsx"), "--as-of", "2026-08-15"], capsys)
    assert out.startswith("snapshot 2026-Q3 as of 2026-08-15 (from --as-of)")


def test_demo_is_the_same_book_on_any_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    books = []
    for k, when in enumerate(CLOCKS):
        out = tmp_path / f"demo{k}.xlsx"
        with clock(when):
            text = run(["demo", "-o", str(out), "--customers", "40", "--as-of", AS_OF.isoformat()], capsys)
        assert "as of 2026-06-30 (from --as-of)" in text
        books.append(tables(out))
    assert books[0] == books[1]
    assert max(column(books[0]["tblCustomers"], "Last contact")) <= datetime(2026, 6, 30)


def test_without_a_date_the_default_is_the_local_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The one place a test reads the clock: the default of --as-of is today, said in the output."""
    book = demo_book(tmp_path / "book.xlsx", pinned=False, customers=10)
    with clock(datetime(2030, 3, 4, 12, 0)):
        assert resolve_as_of(None).day == date(2030, 3, 4)
        report = json.loads(run(["retier", str(book), "-o", str(tmp_path / "o.xlsx"), "--json"], capsys))
        text = run(["validate", str(book)], capsys)
        demo = run(["demo", "-o", str(tmp_path / "d.xlsx"), "--customers", "5"], capsys)
    assert report["as_of"] == {"date": "2030-03-04", "source": "clock", "cell": None}
    assert "as of 2030-03-04 (from today's date)" in text
    assert "as of 2030-03-04" in demo
    assert load_workbook(tmp_path / "d.xlsx")["Classify"]["B5"].value == datetime(2030, 3, 4)

"""The progress line: drawn on a terminal only, stage by stage, cleared at the end."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from xlscore.cli import main
from xlscore.progress import Progress
from xlscore.retier import retier

from ..fixtures.books import write

CLEAR = "\r\x1b[K"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_stage_with_a_total_draws_a_bar_with_counts_and_seconds() -> None:
    clock, tty = Clock(), Terminal()
    progress = Progress(tty, clock=clock, interval=0.2)
    progress.stage("writing out.xlsx", total=200)
    clock.now += 1.0
    progress.advance(50)
    assert tty.getvalue().split(CLEAR)[-1] == "writing out.xlsx [#######.......................]  25% 50/200  1.0 s"


def test_a_stage_without_a_total_shows_the_seconds_elapsed() -> None:
    clock, tty = Clock(), Terminal()
    progress = Progress(tty, clock=clock)
    clock.now += 2.5
    progress.stage("reading book.xlsx")
    assert tty.getvalue() == CLEAR + "reading book.xlsx...  2.5 s"


def test_redraws_are_throttled_and_the_line_is_cleared_at_the_end() -> None:
    clock, tty = Clock(), Terminal()
    progress = Progress(tty, clock=clock, interval=0.2)
    progress.stage("writing", total=10)
    for _ in range(5):
        progress.advance(1)  # no time passes: no redraw
    clock.now += 0.3
    progress.advance(1)
    progress.finish()
    draws = tty.getvalue().split(CLEAR)
    assert draws == ["", "writing [..............................]   0% 0/10  0.0 s",
                     "writing [##################............]  60% 6/10  0.3 s", ""]


def test_nothing_is_written_when_the_stream_is_not_a_terminal() -> None:
    plain = io.StringIO()
    with Progress(plain) as progress:
        progress.stage("reading", total=5)
        progress.advance(5)
    assert plain.getvalue() == ""
    assert progress.enabled is False


def test_the_ticker_keeps_the_seconds_moving_during_a_long_call() -> None:
    tty = Terminal()
    with Progress(tty, interval=0.01) as progress:
        progress.stage("reading")
        time.sleep(0.2)  # one long call that reports nothing
    assert tty.getvalue().count(CLEAR + "reading...") >= 2
    assert tty.getvalue().endswith(CLEAR)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write(tmp_path / "book.xlsx")


def test_retier_on_a_terminal_shows_each_stage(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tty = Terminal()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["retier", str(book), "-o", str(book.with_name("out.xlsx"))]) == 0
    shown = tty.getvalue()
    assert CLEAR + "reading book.xlsx..." in shown
    assert CLEAR + "checking and scoring 5 customers..." in shown
    assert CLEAR + "building the sheets of 5 customers..." in shown
    assert CLEAR + "writing out.xlsx [" in shown
    assert shown.endswith(CLEAR)


def test_the_writing_stage_counts_every_row_the_writer_reports(book: Path) -> None:
    progress = Progress(enabled=False)
    retier(book, book.with_name("out.xlsx"), progress=progress)
    assert progress.label == "writing out.xlsx"
    assert progress.total is not None and progress.total > 6  # Scoring alone: header + 5 customers
    assert progress.count == progress.total


@pytest.mark.parametrize("flag", ["--quiet", "--json"])
def test_quiet_and_json_draw_no_progress_even_on_a_terminal(book: Path, flag: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    tty = Terminal()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["retier", str(book), "-o", str(book.with_name("out.xlsx")), flag]) == 0
    assert tty.getvalue() == ""


def test_retier_into_a_pipe_prints_no_progress(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["retier", str(book), "-o", str(book.with_name("out.xlsx"))]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "scored 5 of 5 customers" in captured.out

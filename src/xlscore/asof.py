"""The run's as-of date: the one "today" every date rule of a run reads.

Lifecycle stages, RFM recency, overdue follow-ups, the plan window, override expiry, the
default snapshot period and which period counts as "now" for Previous tier / Movement all
measure against it. It comes from, in order: ``--as-of`` on the command line (or the
``as_of`` argument of a macro), the book's own pin (the "As of date" setting of
tblClassify), else the local date of the machine. :func:`clock_today` is the only place
xlscore reads the clock for a rule; timestamps that say when something was written
(snapshot "Taken at", ``DTSTAMP`` in a calendar) are wall-clock on purpose and named so.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from xlscore.workbook.layout import Lang
from xlscore.workbook.refs import CellRef

__all__ = ["AsOf", "AsOfSource", "add_as_of_argument", "clock_today", "parse_as_of", "resolve_as_of",
           "written_at"]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
AsOfSource = Literal["command line", "book", "clock"]


def clock_today() -> date:
    """Today in the machine's local time zone: the default as-of date when nothing pins one."""
    return date.today()


def written_at(given: datetime | None = None) -> datetime:
    """When something is written (a snapshot's Taken at, a calendar's DTSTAMP): ``given``, else the
    local wall clock (naive, as a sheet stores it), to the second. A timestamp, never a rule's date:
    rules read the as-of date."""
    return (given or datetime.now()).replace(microsecond=0)


@dataclass(frozen=True)
class AsOf:
    """The run's as-of date and where it came from."""

    day: date
    source: AsOfSource
    cell: CellRef | None = None  # the book's pin, when it came from the book

    def origin(self, lang: Lang = "en") -> str:
        """Where the date came from, for people: ``--as-of``, ``the book (Classify!B6)``, ``today's date``."""
        if self.source == "command line":
            return "--as-of"
        where = f" ({self.cell})" if self.cell else ""
        if self.source == "book":
            return f"the book{where}" if lang == "en" else f"工作簿设置{where}"
        return "today's date" if lang == "en" else "运行当天"

    def describe(self, lang: Lang = "en") -> str:
        """``as of 2026-06-30 (from --as-of)``: said once in a command's output and on the sheets."""
        if lang == "zh":
            return f"基准日期 {self.day.isoformat()}（来自{self.origin(lang)}）"
        return f"as of {self.day.isoformat()} (from {self.origin(lang)})"

    def as_json(self) -> dict[str, str | None]:
        return {"date": self.day.isoformat(), "source": self.source, "cell": str(self.cell) if self.cell else None}


def resolve_as_of(given: date | None, pinned: tuple[date, CellRef | None] | None = None) -> AsOf:
    """The command line wins over the book's pin; the clock is read only when neither gives a date."""
    if given is not None:
        return AsOf(given, "command line")
    if pinned is not None:
        return AsOf(pinned[0], "book", pinned[1])
    return AsOf(clock_today(), "clock")


def parse_as_of(text: str) -> date:
    """``argparse`` type of ``--as-of``: an ISO date, YYYY-MM-DD."""
    if _ISO_DAY.fullmatch(text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-06-30")


def add_as_of_argument(parser: argparse.ArgumentParser) -> None:
    """``--as-of YYYY-MM-DD`` on a command whose rules read "today"."""
    parser.add_argument("--as-of", type=parse_as_of, metavar="YYYY-MM-DD", dest="as_of",
                        help="the run's date: lifecycle, recency, follow-ups, override expiry and periods are "
                        "measured to it (default: the book's As of date setting, else today)")

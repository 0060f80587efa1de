"""Period labels of snapshots: ``2026-Q3`` (quarter), ``2026-07`` (month), ``2026-H2``, ``2026``.

Periods are ordered by the dates they cover, so a history may mix forms and still read in
time order; the default period of a snapshot is the quarter of the run's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Period", "parse_period", "quarter_of"]

_FORMS = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<q>[1-4])|H(?P<h>[12])|(?P<m>0[1-9]|1[0-2])))?$")


@dataclass(frozen=True, order=True)
class Period:
    """Sorts by first day, then by last day (a quarter before the year that holds it)."""

    start: date
    end: date
    label: str

    def __str__(self) -> str:
        return self.label


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def parse_period(text: object) -> Period | None:
    """The period a label names, or None when it is not one of the four forms."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    label = str(text).strip().upper() if text is not None else ""
    match = _FORMS.match(label)
    if not match:
        return None
    year = int(match["year"])
    if year < 1900:
        return None
    if match["q"]:
        first_month, months = 3 * int(match["q"]) - 2, 3
    elif match["h"]:
        first_month, months = 6 * int(match["h"]) - 5, 6
    elif match["m"]:
        first_month, months = int(match["m"]), 1
    else:
        first_month, months = 1, 12
    return Period(date(year, first_month, 1), _month_end(year, first_month + months - 1), label)


def quarter_of(day: date) -> Period:
    period = parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    assert period is not None
    return period

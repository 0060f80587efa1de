"""Turning one cell's value into what the model needs, or an issue naming that cell."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TypeVar

from xlscore.issues import IssueList
from xlscore.workbook.layout import YES_NO_WORDS
from xlscore.workbook.refs import CellRef
from xlscore.workbook.tables import is_blank

__all__ = ["as_date", "as_number", "as_text", "as_word", "as_yes_no", "shown"]

W = TypeVar("W")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def shown(value: object) -> str:
    """A value as a person would recognise it in a message."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return repr(text) if isinstance(value, str) else text


def as_text(value: object) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def as_number(value: object, ref: CellRef, what: str, issues: IssueList) -> float | None:
    """A number, None for a blank cell; text (even '1200'), booleans and errors are issues."""
    if is_blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        issues.error(ref, issues.say("v.not_a_number", value=shown(value), what=what),
                     "not-a-number")
        return None
    number = float(value)
    if not math.isfinite(number):
        issues.error(ref, issues.say("v.not_finite", what=what), "not-a-number")
        return None
    return number


def as_word(value: object, words: Mapping[W, tuple[str, ...]], ref: CellRef, what: str,
            issues: IssueList, default: W | None = None) -> W | None:
    """One of a fixed vocabulary (case-insensitive, Chinese spellings accepted)."""
    if is_blank(value) and default is not None:
        return default
    key = as_text(value).casefold()
    for word, spellings in words.items():
        if key in spellings:
            return word
    choices = ", ".join(str(w) for w in words if str(w))
    issues.error(ref, issues.say("v.unknown_word", what=what, value=shown(value),
                                                       choices=choices), "unknown-word")
    return None


def as_yes_no(value: object, ref: CellRef, what: str, issues: IssueList) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) == 1.0
    found = as_word(value, {True: YES_NO_WORDS[True], False: ("no", "n", "false", "0", "否")},
                    ref, what, issues, default=False)
    return bool(found)


def as_date(value: object, ref: CellRef, what: str, issues: IssueList) -> datetime | None:
    """A date cell; a bare number is an Excel serial date; ISO text is accepted."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return _EXCEL_EPOCH + timedelta(days=float(value))
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    issues.error(ref, issues.say("v.not_a_date", value=shown(value), what=what),
                 "not-a-date")
    return None



"""The follow-up plan as an iCalendar file (RFC 5545) that Outlook and Google Calendar import.

One all-day event per follow-up, on its due date; an overdue or never-contacted customer's
event is put on the plan's first day (a calendar shows no past reminders) and says how
late it is. Lines end in CRLF and are folded at 75 octets without splitting a UTF-8
character; text values are escaped; every event has a stable UID (book, customer, due
date), so importing a newer plan updates events instead of duplicating them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from xlscore.history.plan import FollowUpPlan, owner_key

__all__ = ["escape_text", "fold_line", "plan_calendar"]

_LIMIT = 75  # octets per line, CRLF excluded


def escape_text(value: object) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11)."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold_line(line: str) -> str:
    """Split a content line into CRLF-joined pieces of at most 75 octets (continuations start with a space)."""
    if len(line) * 4 <= _LIMIT or len(line.encode("utf-8")) <= _LIMIT:
        return line
    pieces: list[str] = []
    current, size, limit = "", 0, _LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, _LIMIT - 1  # the leading space counts
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _date(day: date) -> str:
    return day.strftime("%Y%m%d")


def _uid(book: str, customer: object, due: date | None) -> str:
    digest = hashlib.sha1(f"{book}\x1f{customer}".encode(), usedforsecurity=False).hexdigest()[:16]
    return f"xlscore-{digest}-{_date(due) if due else 'first'}@xlscore"


def _day(value: object) -> date | None:
    """A frame's Timestamp as a date; NaT (a datetime unequal to itself) and None are no date."""
    return value.date() if isinstance(value, datetime) and value == value else None


def _event(row: Mapping[Hashable, Any], plan: FollowUpPlan, book: str, stamp: str) -> Iterator[str]:
    due = _day(row["Next follow-up"])
    start = max(due, plan.today) if due else plan.today
    if row["Status"] == "never":
        lateness = "no contact on record"
    elif due is not None and due < plan.today:
        late = (plan.today - due).days
        lateness = f"due {due.isoformat()}, {late} day{'s' if late > 1 else ''} overdue"
    else:
        lateness = f"due {start.isoformat()}"
    last_day = _day(row["Last contact"])
    last = last_day.isoformat() if last_day else ""
    owner = owner_key(row["Owner"], fold=False)
    details = [f"Customer ID: {row['Customer ID']}", f"Owner: {owner}", f"Tier: {row['Tier']}",
               f"Policy: {row['Policy'] or ''}", f"Follow-up: {lateness}", f"Last contact: {last or 'none'}"]
    yield "BEGIN:VEVENT"
    yield f"UID:{_uid(book, row['Customer ID'], due)}"
    yield f"DTSTAMP:{stamp}"
    yield f"DTSTART;VALUE=DATE:{_date(start)}"
    yield f"DTEND;VALUE=DATE:{_date(start + timedelta(days=1))}"
    who, tier = row["Customer"] or row["Customer ID"], row["Tier"]
    yield f"SUMMARY:{escape_text(f'Follow up: {who} ({tier})')}"
    yield f"DESCRIPTION:{escape_text(chr(10).join(details))}"
    yield f"CATEGORIES:{escape_text(row['Tier'])}"
    yield "TRANSP:TRANSPARENT"
    yield "END:VEVENT"


def plan_calendar(plan: FollowUpPlan, book: str, stamp: datetime) -> bytes:
    """The iCalendar file of ``plan``; ``book`` names the workbook (calendar name, UIDs)."""
    utc = stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    stamp_text = utc.strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//xlscore//follow-up plan//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:" + escape_text("Follow-ups " + book)]
    for row in plan.rows.to_dict("records"):
        lines.extend(_event(row, plan, book, stamp_text))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines).encode("utf-8")

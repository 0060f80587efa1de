"""The customers table as the SQL statement reads it: which column holds what, and its type.

SQL is statically typed while a workbook cell is not, so the few rules that depend on a cell's
type (the approval gate, the Customer ID tie order, date arithmetic) need to know how the
table stores those columns. Everything else is read as ``DOUBLE`` (measures, direct scores) or
text (Customer, Owner, Profile).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from xlscore.errors import XlscoreError
from xlscore.model import Model
from xlscore.workbook.layout import HEADERS, Lang, header_key
from xlscore.workbook.model_reader import column_names

__all__ = [
    "META_KEYS",
    "ApprovedKind",
    "CustomerDataError",
    "DateKind",
    "IdKind",
    "SourceColumns",
    "match_columns",
]

# How the Approved column is stored. "text" also suits BOOLEAN and integer columns: cast to
# text they read 'true' / '1' in every dialect. Floating-point columns need "number" (1.0 is
# written '1.0' by some engines), and "boolean" skips the text round trip.
ApprovedKind = Literal["text", "number", "boolean"]
# Customer IDs break rank ties: text case-insensitively (as the engine), numbers by value.
IdKind = Literal["text", "number"]
# Last contact: a DATE gives a DATE follow-up; a TIMESTAMP keeps its time of day.
DateKind = Literal["date", "timestamp"]

# Meta columns the statement may read, by layout key; only customer_id is always required.
META_KEYS = ("customer_id", "customer", "owner", "profile", "approved", "last_contact")


class CustomerDataError(XlscoreError):
    """The customers file does not fit the model (missing column, text in a number column...)."""


@dataclass(frozen=True)
class SourceColumns:
    """Source column names: meta columns by layout key, model columns by model column name."""

    meta: Mapping[str, str]  # layout key (META_KEYS) -> source column; absent = not in the table
    values: Mapping[str, str]  # measure / direct indicator name -> source column
    approved_kind: ApprovedKind = "text"
    id_kind: IdKind = "text"
    last_contact_kind: DateKind = "date"
    extra: Mapping[str, str] = field(default_factory=dict)  # unused columns, for messages only

    def column(self, key: str) -> str | None:
        return self.meta.get(key)

    @classmethod
    def named_as_model(cls, model: Model, lang: Lang = "en", *, approved_kind: ApprovedKind = "text",
                       id_kind: IdKind = "text", last_contact_kind: DateKind = "date") -> SourceColumns:
        """Every column named as in the template of ``lang``; the model's own names for values."""
        index = 0 if lang == "en" else 1
        meta = {key: HEADERS[key][index] for key in META_KEYS}
        values = {name: name for name in value_columns(model)}
        return cls(meta, values, approved_kind, id_kind, last_contact_kind)


def value_columns(model: Model) -> tuple[str, ...]:
    """Measure and direct indicator columns, first appearance order, no repeats."""
    return tuple(dict.fromkeys((*model.measure_columns, *model.direct_columns)))


def match_columns(model: Model, columns: Sequence[str], label: str) -> SourceColumns:
    """Match a file's columns to the model as the workbook reader matches headers.

    Case, surrounding and repeated spaces are ignored and the Chinese headers and aliases are
    accepted. A column the model needs and the file lacks (or holds twice) is an error that
    names it; ``label`` names the file in that message.
    """
    by_key: dict[str, list[str]] = {}
    for name in columns:
        by_key.setdefault(header_key(name), []).append(name)

    def find(*names: str) -> str | None:
        for candidate in names:
            found = by_key.get(header_key(candidate), [])
            if len(found) > 1:
                raise CustomerDataError(f"{label}: columns {' and '.join(map(repr, found))} both match "
                                        f"{candidate!r}: rename or drop one of them")
            if found:
                return found[0]
        return None

    problems: list[str] = []
    meta: dict[str, str] = {}
    for key in META_KEYS:
        found = find(*column_names(key))
        required = key == "customer_id" or (key == "approved" and model.needs_approval)
        if found is not None:
            meta[key] = found
        elif required:
            why = "every customer needs an ID" if key == "customer_id" else "an indicator needs approval"
            problems.append(f"no column {HEADERS[key][0]!r} ({why})")
    values: dict[str, str] = {}
    for name in value_columns(model):
        found = find(name)
        if found is None:
            problems.append(f"no column {name!r} ({_what(model, name)})")
        else:
            values[name] = found
    if problems:
        shown = ", ".join(map(repr, columns[:30])) + (" ..." if len(columns) > 30 else "")
        raise CustomerDataError(f"{label} does not match the model: " + "; ".join(problems)
                                + f". Its columns are: {shown}")
    used = set(meta.values()) | set(values.values())
    extra = {name: name for name in columns if name not in used}
    return SourceColumns(meta, values, extra=extra)


def _what(model: Model, name: str) -> str:
    measure = next((m for m in model.measures if m.name == name), None)
    if measure is not None:
        where = f", {measure.ref}" if measure.ref else ""
        return f"measure of indicator {measure.indicator!r}{where}"
    indicator = model.indicator(name)
    where = f", {indicator.ref}" if indicator.ref else ""
    return f"direct indicator{where}"

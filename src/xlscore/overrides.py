"""A manual tier decision (a row of tblOverrides) and the one rule every executor applies.

The engine path (the overrides stage of a run), the live sheet's cached values, the UDFs
and the SQL all take the same :class:`Override` list, read once by
:func:`xlscore.history.overrides.read_overrides`: an override replaces the customer's Tier,
Policy and Next follow-up (from the overriding tier), adds ``override: <reason>`` to its
Flags, and keeps the computed tier in ``Computed tier``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from xlscore.messages import flag
from xlscore.model import Tier
from xlscore.workbook.cells import as_text
from xlscore.workbook.refs import CellRef

__all__ = ["Override", "apply_overrides", "customer_key", "matched", "override_columns"]


def customer_key(value: object) -> str:
    """How Customer IDs are matched across tables and periods: as text, trimmed, case-insensitive."""
    return as_text(value).casefold()


@dataclass(frozen=True)
class Override:
    row: int  # data row of tblOverrides
    index: int | None  # the customer's row label in the result frame; None when the customers are elsewhere (SQL)
    tier: Tier
    reason: str
    approved_by: str
    expires: date | None
    ref: CellRef  # the Customer ID cell
    customer_id: object = None  # as typed in tblOverrides
    key: str = ""  # customer_key of the Customer ID

    def flag(self, lang: str = "en") -> str:
        """The word added to the customer's Flags (``override: <reason>``, in the book's language)."""
        return flag("override", lang, self.reason)


def apply_overrides(result: pd.DataFrame, last_contact: pd.Series, overrides: Sequence[Override],
                    lang: str = "en") -> None:
    """Set Tier, Policy, Next follow-up and the flag of each overridden row, in place; keep Computed tier."""
    result["Computed tier"] = result["Tier"].copy()
    for override in overrides:
        tier, at = override.tier, override.index
        if at is None:
            continue
        result.loc[at, "Tier"] = tier.name
        result.loc[at, "Policy"] = tier.policy
        contact = last_contact.get(at)
        days = tier.follow_up_days
        result.loc[at, "Next follow-up"] = (contact + pd.Timedelta(days=days)
                                            if days is not None and pd.notna(contact) else pd.NaT)
        flags = str(result.loc[at, "Flags"] or "")
        word = override.flag(lang)
        result.loc[at, "Flags"] = f"{flags}; {word}" if flags else word


def override_columns(tiers: Sequence[Tier], result: pd.DataFrame, overrides: Sequence[Override],
                     lang: str = "en") -> tuple[list[int], list[str]]:
    """Per result row (in result order): the overriding tier's number (1-based, 0 = none) and its flag."""
    number = {t.name: k + 1 for k, t in enumerate(tiers)}
    by_row = {o.index: o for o in overrides if o.index is not None}
    found = [by_row.get(int(label)) for label in result.index]
    return ([number[o.tier.name] if o else 0 for o in found], [o.flag(lang) if o else "" for o in found])


def matched(overrides: Sequence[Override], customer_ids: pd.Series) -> list[Override]:
    """``overrides`` matched to the rows of ``customer_ids`` (labels = row labels) by :func:`customer_key`."""
    rows: dict[str, int] = {}
    for label, value in zip(customer_ids.index.tolist(), customer_ids.tolist(), strict=True):
        rows.setdefault(customer_key(value), int(label))
    return [replace(o, index=rows.get(o.key)) for o in overrides]

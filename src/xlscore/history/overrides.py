"""tblOverrides: a manual tier decision that replaces the computed tier, kept honest.

An override row (Customer ID, Tier, Reason, Approved by, Expires) that is approved and not
expired sets the customer's Tier, Policy and Next follow-up (from that tier) after scoring
and flags the row ``override: <reason>``; the computed tier stays in ``Computed tier``.
A missing reason or approver, an unknown tier or customer, a bad date and two live
overrides of one customer are errors naming the cell. An expired override (Expires before
the run's date) is ignored with a warning; one with no Expires holds until the row is
deleted and is listed as a warning, so nothing is frozen silently.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from xlscore.analysis import Analysis, ExtraColumn
from xlscore.history.names import OVERRIDES, accepted, name
from xlscore.issues import IssueList
from xlscore.model import Model
from xlscore.overrides import Override, apply_overrides, customer_key
from xlscore.workbook.cells import as_date, as_text, shown
from xlscore.workbook.tables import RawTable

if TYPE_CHECKING:
    from xlscore.workbook.sheetdata import OutputSheet

__all__ = ["OVERRIDES_STAGE", "OverridesStage", "read_overrides"]

_COLUMNS = ("customer_id", "tier", "reason", "approved_by", "expires")


def read_overrides(t: RawTable, model: Model, customer_ids: pd.Series | None, today: date,
                   issues: IssueList) -> list[Override]:
    """The live overrides of ``t`` on ``today`` (the run's as-of date); every problem goes to ``issues``.

    ``customer_ids`` is the result's Customer ID column (labels = row labels): each override is
    matched to its customer's row. ``None`` when the customers are not in the book (the SQL
    path): an unknown ID cannot be told then, and the override simply matches no row.
    """
    cols = {key: t.find(*accepted(key)) for key in _COLUMNS}
    missing = [name(key, "en") for key, col in cols.items() if col is None]
    if missing:
        issues.error(t.after_last_column(), f"{t.name} has no column {', '.join(map(repr, missing))}: its header "
                     "must be Customer ID, Tier, Reason, Approved by, Expires", "missing-column")
        return []
    c_id, c_tier, c_reason, c_approver, c_expires = (cols[key] or 0 for key in _COLUMNS)
    customers = (None if customer_ids is None else
                 {customer_key(v): int(i) for i, v in zip(customer_ids.index, customer_ids, strict=True)})
    tiers = {tier.name.casefold(): tier for tier in model.tiers}
    live: dict[str, Override] = {}
    for i in t.data_rows():
        row = t.rows[i]
        errors_before = len(issues.errors)
        key = customer_key(row[c_id])
        if not key:
            issues.error(t.ref(i, c_id), "override without a Customer ID: name the customer or delete the row",
                         "override-id")
        elif customers is not None and key not in customers:
            issues.error(t.ref(i, c_id), f"override for unknown Customer ID {shown(row[c_id])}: it is not in "
                         "tblCustomers; fix the ID or delete the row", "override-unknown-customer")
        tier = tiers.get(as_text(row[c_tier]).casefold())
        if tier is None:
            known = ", ".join(t_.name for t_ in model.tiers)
            issues.error(t.ref(i, c_tier), f"override tier {shown(row[c_tier])} is not a tier of tblTiers "
                         f"(known: {known})", "override-tier")
        reason, approver = as_text(row[c_reason]), as_text(row[c_approver])
        if not reason:
            issues.error(t.ref(i, c_reason), "override without a Reason: say why the computed tier is "
                         "replaced", "override-reason")
        if not approver:
            issues.error(t.ref(i, c_approver), "override without Approved by: an override counts only once "
                         "someone approved it; type their name", "override-approver")
        expires_at = as_date(row[c_expires], t.ref(i, c_expires), "Expires", issues)
        if len(issues.errors) > errors_before or tier is None:
            continue
        expires = expires_at.date() if expires_at else None
        if expires is not None and expires < today:
            issues.warning(t.ref(i, c_expires), f"override of {shown(row[c_id])} to {tier.name} expired on "
                           f"{expires.isoformat()}: ignored, the computed tier applies; renew or delete the row",
                           "override-expired")
            continue
        if expires is None:
            issues.warning(t.ref(i, c_expires), f"override of {shown(row[c_id])} to {tier.name} has no Expires "
                           "date: it holds until the row is deleted; give a date so it gets reviewed",
                           "override-no-expiry")
        if key in live:
            issues.error(t.ref(i, c_id), f"customer {shown(row[c_id])} already has a live override in row "
                         f"{live[key].ref.row}: keep one (expire or delete the other)", "override-duplicate")
            continue
        index = None if customers is None else customers[key]
        live[key] = Override(i, index, tier, reason, approver, expires, t.ref(i, c_id), row[c_id], key)
    return list(live.values())


class OverridesStage:
    """The re-tier extension (runs before history, so movement sees the final tier)."""

    name = "overrides"

    def apply(self, analysis: Analysis) -> None:
        source, result = analysis.book.source, analysis.result
        if source is None or result is None or not source.has(OVERRIDES.table):
            return
        table = source.table(OVERRIDES.table)
        if not table.data_rows():
            return
        errors_before = len(analysis.issues.errors)
        overrides = read_overrides(table, analysis.book.model, result["Customer ID"], analysis.today,
                                   analysis.issues)
        if len(analysis.issues.errors) > errors_before:
            return
        apply_overrides(result, analysis.book.customers["Last contact"], overrides, analysis.book.lang)
        analysis.overrides = overrides
        analysis.extra_columns.append(ExtraColumn("Computed tier", name("computed_tier", analysis.book.lang),
                                                  after="Tier"))

    def sheets(self, analysis: Analysis, today: date) -> list[OutputSheet]:
        return []


OVERRIDES_STAGE = OverridesStage()

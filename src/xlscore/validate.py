"""Checks that need the model and the customers together, and warnings about the result.

Cell-level problems (types, vocabularies, sums, overlaps) are found while reading, where the
cell is known; see :mod:`xlscore.workbook.model_reader` and ``customers_reader``.
"""

from __future__ import annotations

import pandas as pd

from xlscore.issues import IssueList
from xlscore.messages import count, say
from xlscore.model import Model
from xlscore.workbook.customers_reader import CustomerColumns

__all__ = ["result_warnings"]


def result_warnings(model: Model, result: pd.DataFrame, columns: CustomerColumns | None,
                    lang: str | None = None) -> IssueList:
    """Rows with no tier and customers left unscored: warnings, the re-tier still runs (in ``lang``, default the
    book's)."""
    lang = lang or model.lang
    issues = IssueList(lang=lang)
    scored = result["Score"].notna().to_numpy()
    no_tier = scored & result["Tier"].isna().to_numpy()
    if no_tier.any() and model.tiers:
        lowest = min((t for t in model.tiers if t.min_score is not None), key=lambda t: t.min_score or 0.0,
                     default=model.tiers[-1])
        issues.warning(lowest.ref, say("warn.no_tier", lang, customers=count(int(no_tier.sum()), "customer", lang)),
                       "no-tier")
    if columns is not None:
        for index in result.index[~scored][:200]:
            flags, customer = str(result.at[index, "Flags"]), str(result.at[index, "Customer ID"])
            ref = columns.ref(int(index), "Customer ID")
            issues.warning(ref, say("warn.not_scored", lang, customer=customer, flags=flags), "not-scored")
        hidden = int((~scored).sum()) - 200
        if hidden > 0:
            issues.warning(None, say("warn.more_not_scored", lang, customers=count(hidden, "customer", lang)),
                           "not-scored")
    if len(result) == 0:
        issues.warning(columns.table.ref(0, 0) if columns else None, say("warn.empty", lang), "empty")
    return issues

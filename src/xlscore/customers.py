"""The customer table as the engine sees it: a DataFrame with fixed meta columns.

Meta columns (always present, English names): ``Customer ID``, ``Customer``, ``Owner``,
``Profile`` (str or None), ``Approved`` (bool), ``Last contact`` (datetime64, NaT = blank).
Then one float64 column per measure and per direct indicator, named as in the model;
NaN is a blank cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from xlscore.workbook.layout import APPROVED_WORDS

__all__ = ["is_approved", "make_customers"]


def is_approved(value: object) -> bool:
    """yes / y / true / 1 / 1.0 / 是, any case; Excel TRUE and the number 1 too."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value) == 1.0
    return str(value).strip().casefold() in APPROVED_WORDS


def make_customers(
    rows: Iterable[Mapping[str, Any]],
    value_columns: Sequence[str],
) -> pd.DataFrame:
    """Build the engine's customer frame from plain dicts (tests, UDFs, demo data)."""
    records = list(rows)
    data: dict[str, Any] = {
        "Customer ID": pd.Series([r.get("Customer ID") for r in records], dtype=object),
        "Customer": pd.Series([r.get("Customer") for r in records], dtype=object),
        "Owner": pd.Series([r.get("Owner") for r in records], dtype=object),
        "Profile": pd.Series([_text_or_none(r.get("Profile")) for r in records], dtype=object),
        "Approved": np.array([is_approved(r.get("Approved")) for r in records], dtype=bool),
        "Last contact": pd.to_datetime(
            pd.Series([_date_or_none(r.get("Last contact")) for r in records], dtype=object)
        ).astype("datetime64[ns]"),
    }
    for column in value_columns:
        data[column] = np.array([_number_or_nan(r.get(column)) for r in records], dtype=np.float64)
    return pd.DataFrame(data)


def _text_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date_or_none(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return None


def _number_or_nan(value: object) -> float:
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        return float("nan")
    return float(value)  # type: ignore[arg-type]

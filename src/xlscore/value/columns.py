"""Which tblValue columns a banded measure may name (kept light: the reader imports it for every book)."""

from __future__ import annotations

from xlscore.workbook.layout import header_key
from xlscore.workbook.tables import RawTable

__all__ = ["JOINABLE_COLUMNS", "ORDERS_SHEETS", "ORDERS_TABLE", "VALUE_TABLE", "wanted_columns"]

VALUE_TABLE = "tblValue"
ORDERS_TABLE = "tblOrders"
ORDERS_SHEETS = ("Orders", "订单")  # English, Chinese

# tblValue columns a measure in tblBands may name, joined to tblCustomers by Customer ID.
JOINABLE_COLUMNS: tuple[str, ...] = (
    "Predicted value", "Expected purchases", "Expected order value", "P alive", "Frequency", "Recency", "Tenure",
    "Orders last 12 months", "Revenue last 12 months", "Mean repeat amount",
)


def wanted_columns(measure_columns: tuple[str, ...], customers: RawTable) -> list[str]:
    """Measures that are not tblCustomers columns but tblValue ones."""
    joinable = {header_key(c) for c in JOINABLE_COLUMNS}
    return [name for name in measure_columns if customers.find(name) is None and header_key(name) in joinable]

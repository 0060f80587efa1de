"""The order log: from a CSV / Parquet file or the book's tblOrders to one summary row per customer.

Orders of one customer on one day are one purchase (their amounts summed). Only orders up
to the as-of date enter the model; those after it, up to a holdout end, are counted for the
holdout comparison. Aggregation runs in DuckDB, so ten million order lines are read once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xlscore.errors import UsageError, XlscoreError
from xlscore.issues import IssueList
from xlscore.workbook.cells import as_date, as_number, as_text, shown
from xlscore.workbook.tables import RawTable

__all__ = ["COLUMN_NAMES", "OrderData", "OrderSummary", "OrdersError", "book_orders", "file_orders", "latest_date",
           "one_year_before", "summarise"]

# Column key -> accepted headers (case, spaces and underscores ignored); the first is the contract.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "customer": ("Customer ID", "客户编号", "customer", "customer no", "id"),
    "date": ("Order date", "订单日期", "date", "purchase date"),
    "amount": ("Amount", "金额", "value", "sales", "revenue", "order value"),
}
_DATE_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]


class OrdersError(XlscoreError):
    """The order log cannot be used as it is."""


def _key(text: object) -> str:
    return " ".join(str(text).replace("_", " ").split()).casefold()


def _find(headers: list[str], key: str) -> int | None:
    keys = [_key(h) for h in headers]
    for name in COLUMN_NAMES[key]:
        if _key(name) in keys:
            return keys.index(_key(name))
    return None


def _missing(where: str, headers: list[str], key: str) -> OrdersError:
    names = COLUMN_NAMES[key]
    return OrdersError(f"{where} has no column {names[0]!r} (also accepted: {', '.join(names[1:])}); "
                       f"its columns are: {', '.join(headers)}")


@dataclass
class OrderData:
    """A DuckDB connection with a view ``orders(cid VARCHAR, d DATE, amt DOUBLE)``."""

    con: duckdb.DuckDBPyConnection
    where: str  # names the source in messages
    rows: int


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # xlscore draws its own progress line
    return con


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _date_expr(column: str, kind: str) -> str:
    c = _quote(column)
    if kind == "DATE":
        return c
    if kind.startswith("TIMESTAMP"):
        return f"CAST({c} AS DATE)"
    text = f"trim(CAST({c} AS VARCHAR))"
    formats = ", ".join(f"'{f}'" for f in _DATE_FORMATS)
    return f"CAST(try_strptime({text}, [{formats}]) AS DATE)"


def file_orders(path: Path) -> OrderData:
    """A CSV or Parquet order log; bad dates and amounts are refused with a count and the first example."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    con = _connect()
    literal = "'" + str(path).replace("'", "''") + "'"
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            con.execute(f"CREATE VIEW raw AS SELECT * FROM read_parquet({literal})")
        else:
            con.execute(f"CREATE VIEW raw AS SELECT * FROM read_csv({literal}, all_varchar = true, header = true)")
        described = con.execute("DESCRIBE raw").fetchall()
    except duckdb.Error as exc:
        raise OrdersError(f"{path.name}: cannot read the order log ({exc}); give a CSV with a header row or a "
                          "Parquet file") from exc
    headers = [str(row[0]) for row in described]
    kinds = {str(row[0]): str(row[1]).upper() for row in described}
    cols: dict[str, str] = {}
    for key in COLUMN_NAMES:
        found = _find(headers, key)
        if found is None:
            raise _missing(path.name, headers, key)
        cols[key] = headers[found]
    cid, when, amt = cols["customer"], cols["date"], cols["amount"]
    con.execute(
        f"CREATE VIEW typed AS SELECT trim(CAST({_quote(cid)} AS VARCHAR)) AS cid, {_quote(when)} AS d_raw, "
        f"{_date_expr(when, kinds[when])} AS d, {_quote(amt)} AS a_raw, "
        f"TRY_CAST({_quote(amt)} AS DOUBLE) AS amt FROM raw")
    checks = [
        ("cid IS NULL OR cid = ''", "cid", f"a blank {cid}", "give every order its customer"),
        ("d IS NULL", "d_raw", f"an {when} that is not a date", "write dates as YYYY-MM-DD"),
        ("amt IS NULL OR NOT isfinite(amt)", "a_raw", f"an {amt} that is not a number",
         "write plain numbers such as 1234.5"),
    ]
    parts = ", ".join(f"count(*) FILTER (WHERE {c}), any_value(CAST({raw} AS VARCHAR)) FILTER (WHERE {c})"
                      for c, raw, _, _ in checks)
    try:  # one pass over the file for every check
        scan = con.execute(f"SELECT count(*), {parts} FROM typed").fetchone() or (0, *(0, None) * len(checks))
    except duckdb.Error as exc:
        raise OrdersError(f"{path.name}: cannot read the order log ({exc})") from exc
    for k, (_, _, what, fix) in enumerate(checks):
        count, example = scan[1 + 2 * k], scan[2 + 2 * k]
        if count:
            raise OrdersError(f"{path.name}: {count} order rows have {what} (e.g. {shown(example)}): {fix}")
    con.execute("CREATE VIEW orders AS SELECT cid, d, amt FROM typed")
    rows = int(scan[0])
    return OrderData(con, path.name, rows)


def book_orders(table: RawTable, issues: IssueList) -> OrderData | None:
    """tblOrders as order data; every bad cell becomes an issue naming it, and then None is returned."""
    headers = list(table.headers)
    cols: dict[str, int] = {}
    for key in COLUMN_NAMES:
        found = _find(headers, key)
        if found is None:
            issues.error(table.after_last_column(), str(_missing(f"{table.name} (sheet {table.sheet})",
                                                                 headers, key)), "missing-column")
        else:
            cols[key] = found
    if len(cols) < len(COLUMN_NAMES):
        return None
    ids: list[str] = []
    days: list[date] = []
    amounts: list[float] = []
    errors_before = len(issues.errors)
    for i in table.data_rows():
        row = table.rows[i]
        cid = as_text(row[cols["customer"]])
        if not cid:
            issues.error(table.ref(i, cols["customer"]), f"the order has no {headers[cols['customer']]}: "
                         "give every order its customer", "blank-id")
        when = as_date(row[cols["date"]], table.ref(i, cols["date"]), headers[cols["date"]], issues)
        if when is None and as_text(row[cols["date"]]) == "":
            issues.error(table.ref(i, cols["date"]), f"the order has no {headers[cols['date']]}", "blank-date")
        amount = as_number(row[cols["amount"]], table.ref(i, cols["amount"]), headers[cols["amount"]], issues)
        if cid and when is not None:
            ids.append(cid)
            days.append(when.date())
            amounts.append(0.0 if amount is None else amount)
    if len(issues.errors) > errors_before:
        return None
    frame = pd.DataFrame({"cid": pd.Series(ids, dtype=object), "d": pd.to_datetime(pd.Series(days)),
                          "amt": np.asarray(amounts, dtype=np.float64)})
    con = _connect()
    con.register("orders_frame", frame)
    con.execute("CREATE VIEW orders AS SELECT CAST(cid AS VARCHAR) AS cid, CAST(d AS DATE) AS d, amt "
                "FROM orders_frame")
    return OrderData(con, f"{table.name} (sheet {table.sheet})", len(ids))


def one_year_before(day: date) -> date:
    """The same calendar day a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class OrderSummary:
    """One row per customer with a purchase up to the as-of date (arrays aligned, sorted by id)."""

    ids: np.ndarray[Any, Any]
    first: np.ndarray[Any, Any]  # datetime64[D]
    last: np.ndarray[Any, Any]
    purchases: np.ndarray[Any, Any]  # purchase days up to as-of
    recency_days: np.ndarray[Any, Any]  # days from first purchase to last purchase
    tenure_days: np.ndarray[Any, Any]  # days from first purchase to as-of
    mean_repeat: np.ndarray[Any, Any]  # mean amount of the repeat purchases (NaN without any)
    orders_12m: np.ndarray[Any, Any]
    revenue_12m: np.ndarray[Any, Any]
    holdout_purchases: np.ndarray[Any, Any] | None
    rows_used: int
    rows_after: int  # orders after the as-of date (ignored, or in the holdout)
    first_date: date | None
    last_date: date | None  # the last purchase up to the as-of date (first_date: the first)


def latest_date(data: OrderData) -> date:
    found = (data.con.execute("SELECT max(d) FROM orders").fetchone() or (None,))[0]
    if found is None:
        raise OrdersError(f"{data.where}: the order log has no orders")
    return found if isinstance(found, date) else date.fromisoformat(str(found)[:10])


def summarise(data: OrderData, as_of: date, holdout_end: date | None) -> OrderSummary:
    """Per customer: first and last purchase, purchase days, mean repeat amount, last-12-month figures.

    One pass over the log: purchase days up to the holdout end (or the as-of date), then one row per
    customer with a purchase up to the as-of date.
    """
    params = {"as_of": as_of, "year_ago": one_year_before(as_of), "hold": holdout_end or as_of}
    frame = data.con.execute("""
        WITH days AS (
            SELECT cid, d, sum(amt) AS amt, count(*) AS lines FROM orders WHERE d <= $hold GROUP BY cid, d),
        c AS (
            SELECT cid, min(d) AS first, max(d) FILTER (WHERE d <= $as_of) AS last,
                   count(*) FILTER (WHERE d <= $as_of) AS n, sum(amt) FILTER (WHERE d <= $as_of) AS total,
                   arg_min(amt, d) AS first_amt, sum(lines) FILTER (WHERE d <= $as_of) AS lines,
                   count(*) FILTER (WHERE d > $year_ago AND d <= $as_of) AS n12,
                   coalesce(sum(amt) FILTER (WHERE d > $year_ago AND d <= $as_of), 0) AS rev12,
                   count(*) FILTER (WHERE d > $as_of) AS hn
            FROM days GROUP BY cid)
        SELECT cid, first, last, n, date_diff('day', first, last) AS rec, date_diff('day', first, $as_of) AS ten,
               CASE WHEN n > 1 THEN (total - first_amt) / (n - 1) END AS mean_repeat, n12, rev12, hn, lines,
               min(first) OVER () AS first_all, max(last) OVER () AS last_all
        FROM c WHERE n > 0 ORDER BY cid
    """, params).fetchnumpy()
    used = int(np.asarray(frame["lines"], dtype=np.float64).sum())
    empty = len(frame["cid"]) == 0
    return OrderSummary(
        ids=np.asarray(frame["cid"], dtype=object),
        first=np.asarray(frame["first"], dtype="datetime64[D]"),
        last=np.asarray(frame["last"], dtype="datetime64[D]"),
        purchases=np.asarray(frame["n"], dtype=np.int64),
        recency_days=np.asarray(frame["rec"], dtype=np.float64),
        tenure_days=np.asarray(frame["ten"], dtype=np.float64),
        mean_repeat=np.asarray(pd.to_numeric(pd.Series(frame["mean_repeat"]), errors="coerce"), dtype=np.float64),
        orders_12m=np.asarray(frame["n12"], dtype=np.int64),
        revenue_12m=np.asarray(frame["rev12"], dtype=np.float64),
        holdout_purchases=np.asarray(frame["hn"], dtype=np.int64) if holdout_end else None,
        rows_used=used, rows_after=data.rows - used,
        first_date=None if empty else _as_date(frame["first_all"][0]),
        last_date=None if empty else _as_date(frame["last_all"][0]),
    )


def _as_date(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])

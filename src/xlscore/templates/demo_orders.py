"""The demo book's order log: two years of orders per customer, drawn a column at a time.

Each customer buys at a rate (orders a week while active) that grows with its sales, may
drop out after any repeat order (the BG/NBD process) and spends a Gamma-distributed amount
per order (Gamma-Gamma), so ``xlscore value`` has something real to fit. Orders are drawn
for a block of customers at once, one round per order: the customers still buying after
round k get their order k+1. The log holds whole histories of customers in ID order and
stops before the customer whose orders would pass Excel's row limit: in a very large demo
the later customers have no orders (their value is then missing, as for a new customer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

__all__ = ["MAX_ORDERS", "DemoOrders", "demo_orders"]

MAX_ORDERS = 1_048_575  # Excel's 1,048,576 rows, less the header
_DAYS = 728  # two years of orders up to the as-of date
_BLOCK = 16_384  # customers drawn at once (a fixed size: the same seed gives the same log)


@dataclass(frozen=True)
class DemoOrders:
    customer: np.ndarray  # index of the customer (row of tblCustomers, from 0)
    day: np.ndarray  # datetime64[D]
    amount: np.ndarray  # float, 2 decimals


def demo_orders(sales: np.ndarray, seed: int, as_of: date, limit: int = MAX_ORDERS) -> DemoOrders:
    """At most ``limit`` orders up to ``as_of``, sorted by day then customer.

    ``sales`` are the customers' yearly sales in thousands (NaN = unknown): bigger customers
    buy more often. Every customer bought first in the first 300 days; some dropped out since.
    """
    rng = np.random.default_rng(seed)
    who: list[np.ndarray] = []
    days: list[np.ndarray] = []
    spend: list[np.ndarray] = []
    room = limit
    for start in range(0, len(sales), _BLOCK):
        block_who, block_days, block_spend = _block(rng, sales[start:start + _BLOCK])
        ends = np.cumsum(np.bincount(block_who, minlength=min(_BLOCK, len(sales) - start)))
        whole = int(np.searchsorted(ends, room, side="right"))  # customers whose orders all fit
        keep = block_who < whole
        who.append(block_who[keep] + start)
        days.append(block_days[keep])
        spend.append(block_spend[keep])
        room -= int(keep.sum())
        if whole < len(ends):
            break
    customer = np.concatenate(who) if who else np.zeros(0, np.int64)
    day = np.concatenate(days) if days else np.zeros(0, np.int64)
    amount = np.concatenate(spend) if spend else np.zeros(0)
    order = np.lexsort((customer, day))
    start_day = np.datetime64(as_of - timedelta(days=_DAYS), "D")
    return DemoOrders(customer[order], start_day + day[order].astype("timedelta64[D]"), amount[order])


def _block(rng: np.random.Generator, sales: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(customer, day from the start, amount) of every order of a block of customers."""
    n = len(sales)
    size = np.where(np.isnan(sales) | (sales == 0), 50.0, sales)
    rate = np.clip(size / 300.0, 0.03, 1.2) * rng.gamma(2.0, 0.5, n)  # purchases a week while active
    drop = rng.beta(1.0, 10.0, n)
    nu = rng.gamma(4.0, 1 / 400.0, n)  # spend per order: Gamma(6, ν), about 800 on average
    active = np.arange(n)
    day = rng.integers(0, 300, n)
    who, days = [active], [day]
    while active.size:
        stays = rng.random(active.size) >= drop[active] if len(who) > 1 else np.ones(active.size, bool)
        day = day + 1 + np.floor(rng.exponential(7.0 / rate[active])).astype(np.int64)
        keep = stays & (day <= _DAYS)
        active, day = active[keep], day[keep]
        if active.size:
            who.append(active)
            days.append(day)
    customers = np.concatenate(who)
    amount = np.round(rng.gamma(6.0, 1 / nu[customers]), 2)
    return customers, np.concatenate(days), amount

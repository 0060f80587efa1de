"""A realistic, seeded demo book: the template plus customers and their orders (no network).

Sales follow a long-tailed (log-normal) distribution, as real customer bases do; some cells
are blank and some direct scores are not yet approved, so every rule shows up. Contacts and
purchases are generated back from the demo's as-of date, which the book pins as its own
(tblClassify "As of date"): the same seed and date give the same book, scored the same,
on any day.

Every column is drawn for all customers at once with numpy (one draw per column, not one
per cell), and the book is saved with the customers and orders streamed into their
sheets (:mod:`xlscore.templates.tablerows`): a million customers take seconds, not hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook

from xlscore.classify.labels import SETTINGS, SETTINGS_TABLES
from xlscore.progress import Progress
from xlscore.templates.build import build_template, customer_headers, fill_table
from xlscore.templates.content import content
from xlscore.templates.demo_orders import DemoOrders, demo_orders
from xlscore.templates.tablerows import DATE_FORMAT, TableRows, save_with_rows
from xlscore.value.columns import ORDERS_TABLE
from xlscore.value.template import fill_orders
from xlscore.workbook.layout import TABLES, Lang, header

__all__ = ["DEMO_AS_OF", "DemoCustomers", "demo_customers", "demo_rows", "demo_workbook", "write_demo_book"]

DEMO_AS_OF = date(2026, 11, 1)  # the library's default demo date; `xlscore demo` passes its --as-of

_OWNERS = ("Alice Chen", "Bruno Silva", "Chloe Martin", "David Okafor", "Eva Novak")
_OWNERS_ZH = ("王芳", "李强", "张伟", "刘洋", "陈静")
_NAMES = ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Wingtip",
          "Lucerne", "Woodgrove", "Trey", "Coho", "Humongous", "Alpine", "Blue Yonder", "Fourth Coffee")
_KINDS = ("Trading", "Retail", "Foods", "Logistics", "Industries", "Pharma", "Systems", "Motors")
_NAMES_ZH = ("华东", "华南", "北方", "西部", "长江", "东海", "天成", "中联", "恒信", "瑞丰", "远大", "嘉禾")
_KINDS_ZH = ("贸易", "零售", "食品", "物流", "实业", "医药", "科技", "汽车")


@dataclass(frozen=True)
class DemoCustomers:
    """The demo's customers, one array per tblCustomers column (template order).

    Numbers are float arrays (NaN = blank), dates ``datetime64[D]`` (NaT = blank), texts
    pyarrow string arrays (null = blank; dictionary-encoded where a few values repeat).
    """

    columns: list[np.ndarray | pa.Array]

    def __len__(self) -> int:
        return len(self.columns[0])

    @property
    def ids(self) -> pa.Array:
        return self.columns[0]

    @property
    def sales(self) -> np.ndarray:
        sales: np.ndarray = self.columns[4]  # the first measure: Sales last year (k)
        return sales

    def date_columns(self, lang: Lang) -> frozenset[int]:
        """Positions of Last contact and Last purchase."""
        headers = customer_headers(content(lang), lang)
        return frozenset({headers.index(header("last_contact", lang)), headers.index(content(lang).extra_columns[0])})

    def rows(self) -> list[list[Any]]:
        """Row by row, as Python values (None = blank; whole numbers as int, dates as date)."""
        lists = [_python_values(column) for column in self.columns]
        return [list(row) for row in zip(*lists, strict=True)]


def demo_customers(n: int, seed: int, lang: Lang = "en", as_of: date = DEMO_AS_OF) -> DemoCustomers:
    """n customers in template column order, their dates counted back from ``as_of``."""
    rng = np.random.default_rng(seed)
    c = content(lang)
    size = rng.lognormal(0.0, 1.0, n)  # one latent "size" drives the measures, with noise
    sales = np.round(120 * size * rng.lognormal(0, 0.5, n), 1)
    measures: list[np.ndarray] = [
        sales,
        np.round(rng.normal(8, 15, n), 1),  # growth %
        np.round(sales * 2 * rng.lognormal(0.1, 0.4, n), 1),  # planned sales, 2 years
        np.round(8 * size * rng.lognormal(0, 0.7, n), 1),  # registered capital
        np.round(np.minimum(30.0, 1.2 * size * rng.lognormal(0, 0.6, n)), 2),  # market share %
        np.floor(40 * size * rng.lognormal(0, 0.8, n)) + 1,  # headcount
    ]
    relationship = np.floor(np.clip(rng.normal(55 + 8 * np.log(size + 0.5), 18), 0, 100))
    for values in measures:
        values[rng.random(n) < 0.03] = np.nan  # real data has gaps
    relationship[rng.random(n) < 0.08] = np.nan  # not rated yet
    yes, no = ("yes", "no") if lang == "en" else ("是", "否")
    approved = _repeated((no, yes), (rng.random(n) > 0.12).astype(np.int8))
    profile = _repeated((c.profiles[1],), np.zeros(n, np.int8), blank=rng.random(n) >= 0.25)
    today = np.datetime64(as_of, "D")
    contact = today - rng.integers(0, 200, n).astype("timedelta64[D]")
    # Purchases: bigger customers order more often; a few never bought, some lapsed.
    lapse = np.floor(rng.exponential(np.where(size > 0.7, 70, 160), n)).astype("timedelta64[D]")
    never = rng.random(n) < 0.04
    purchase = np.where(never, np.datetime64("NaT", "D"), today - lapse)
    orders = np.where(never, 0.0, rng.poisson(2 + 6 * size, n))
    referrals = rng.poisson(0.8 + np.where((size < 0.6) & (rng.random(n) < 0.3), 2.5, 0.0), n).astype(np.float64)
    service_cost = np.round(8 * rng.lognormal(0, 0.9, n) * np.where(size < 0.5, 1.5, 1.0), 1)
    owners = _OWNERS if lang == "en" else _OWNERS_ZH
    owner = _repeated(owners, rng.integers(0, len(owners), n))
    ids = pc.binary_join_element_wise("C", pc.utf8_lpad(pa.array(np.arange(1, n + 1)).cast(pa.string()), 5, "0"), "")
    customers = DemoCustomers([ids, _names(n, lang), owner, profile, *measures, relationship, approved, contact,
                               purchase, orders, referrals, service_cost])
    assert len(customers.columns) == len(customer_headers(c, lang)), "the demo draws every template column"
    return customers


def _repeated(texts: tuple[str, ...], index: np.ndarray, blank: np.ndarray | None = None) -> pa.DictionaryArray:
    """``texts[index]`` (None where ``blank``), dictionary-encoded: the sheet writer encodes each text once."""
    return pa.DictionaryArray.from_arrays(pa.array(index, mask=blank), pa.array(texts, pa.string()))


def _names(n: int, lang: Lang) -> pa.Array:
    """Northwind Trading, Contoso Trading, ... then the same names numbered 2, 3, ...; 华东贸易1号, ..."""
    i = np.arange(n)
    names, kinds = (_NAMES, _KINDS) if lang == "en" else (_NAMES_ZH, _KINDS_ZH)
    name = pc.take(pa.array(names), pa.array(i % len(names)))
    kind = pc.take(pa.array(kinds), pa.array((i // len(names)) % len(kinds)))
    if lang == "zh":
        return pc.binary_join_element_wise(name, kind, pa.array(i // 96 + 1).cast(pa.string()), "号", "")
    cycle = len(names) * len(kinds)
    number = pa.array(i // cycle + 1, mask=i < cycle).cast(pa.string())  # the first cycle has no number
    return pc.binary_join_element_wise(name, kind, number, " ", null_handling="skip")


def _python_values(column: np.ndarray | pa.Array) -> list[Any]:
    """None for a blank; a column of whole numbers (a count) as int, any other as float."""
    if isinstance(column, pa.Array):
        values: list[Any] = column.to_pylist()
        return values
    if column.dtype.kind == "M":
        return [None if np.isnat(d) else d.item() for d in column]
    finite = column[~np.isnan(column)]
    kind = int if bool((finite == np.floor(finite)).all()) else float
    return [None if np.isnan(x) else kind(x) for x in column]


def demo_rows(n: int, seed: int, lang: Lang = "en", as_of: date = DEMO_AS_OF) -> list[list[Any]]:
    """The customers of :func:`demo_customers` row by row (for tests and small books)."""
    return demo_customers(n, seed, lang, as_of).rows()


def demo_workbook(n: int, seed: int, lang: Lang = "en", as_of: date = DEMO_AS_OF) -> Workbook:
    """The demo book as an openpyxl workbook, every cell an object: for small books a test edits."""
    wb = _template(lang, as_of)
    customers = demo_customers(n, seed, lang, as_of)
    ws = wb[TABLES["customers"].sheet(lang)]
    headers = customer_headers(content(lang), lang)
    fill_table(ws, ws.tables[TABLES["customers"].table], headers, customers.rows())
    for col in customers.date_columns(lang):
        for row in ws.iter_rows(min_row=2, min_col=col + 1, max_col=col + 1):
            row[0].number_format = DATE_FORMAT
    orders = demo_orders(customers.sales, seed, as_of)
    ids = customers.ids.to_pylist()
    fill_orders(wb, lang, [[ids[c], d.item(), float(a)] for c, d, a in
                           zip(orders.customer, orders.day, orders.amount, strict=True)])
    return wb


def _template(lang: Lang, as_of: date) -> Workbook:
    """The template with ``as_of`` in the "As of date" row of tblClassify (Value column, next to the label)."""
    wb = build_template(lang)
    ws = wb[SETTINGS_TABLES["settings"].sheet(lang)]
    labels = SETTINGS["as_of"][0]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in labels:
            row[1].value = as_of
            row[1].number_format = DATE_FORMAT
            return wb
    raise AssertionError("the template's tblClassify has no As of date row")


def _order_rows(customers: DemoCustomers, orders: DemoOrders) -> TableRows:
    ids = pa.DictionaryArray.from_arrays(pa.array(orders.customer), customers.ids)
    return TableRows(ORDERS_TABLE, [ids, orders.day, orders.amount], dates=frozenset({1}))


def write_demo_book(path: Path, n: int = 300, seed: int = 7, lang: Lang = "en",
                    progress: Progress | None = None, *, as_of: date = DEMO_AS_OF) -> None:
    """Write the demo book; ``progress`` shows the customers being made, then the rows being saved."""
    progress = progress or Progress.off()
    progress.stage(f"making {n:,} demo customers", total=n)
    customers = demo_customers(n, seed, lang, as_of)
    progress.advance(n // 2)
    orders = _order_rows(customers, demo_orders(customers.sales, seed, as_of))
    progress.advance(n - n // 2)
    tables = [TableRows(TABLES["customers"].table, customers.columns, customers.date_columns(lang)), orders]
    progress.stage(f"saving the demo book ({n:,} customers, {orders.n_rows:,} orders)",
                   total=sum(t.n_rows for t in tables))
    save_with_rows(_template(lang, as_of), path, tables, progress.advance)

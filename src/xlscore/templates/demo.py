"""A realistic, seeded demo book: the template plus a few hundred customers (no network).

Sales follow a long-tailed (log-normal) distribution, as real customer bases do; some cells
are blank and some direct scores are not yet approved, so every rule shows up. Contacts and
purchases are generated back from the demo's as-of date, which the book pins as its own
(tblClassify "As of date"): the same seed and date give the same book, scored the same,
on any day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook

from xlscore.classify.labels import SETTINGS, SETTINGS_TABLES
from xlscore.progress import Progress
from xlscore.templates.build import build_template, customer_headers, fill_table
from xlscore.templates.content import content
from xlscore.value.template import demo_orders, fill_orders
from xlscore.workbook.layout import TABLES, Lang

__all__ = ["DEMO_AS_OF", "demo_rows", "demo_workbook", "write_demo_book"]

DEMO_AS_OF = date(2026, 11, 1)  # the library's default demo date; `xlscore demo` passes its --as-of

_OWNERS = ("Alice Chen", "Bruno Silva", "Chloe Martin", "David Okafor", "Eva Novak")
_OWNERS_ZH = ("王芳", "李强", "张伟", "刘洋", "陈静")
_NAMES = ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Wingtip",
          "Lucerne", "Woodgrove", "Trey", "Coho", "Humongous", "Alpine", "Blue Yonder", "Fourth Coffee")
_KINDS = ("Trading", "Retail", "Foods", "Logistics", "Industries", "Pharma", "Systems", "Motors")
_NAMES_ZH = ("华东", "华南", "北方", "西部", "长江", "东海", "天成", "中联", "恒信", "瑞丰", "远大", "嘉禾")
_KINDS_ZH = ("贸易", "零售", "食品", "物流", "实业", "医药", "科技", "汽车")


def demo_rows(n: int, seed: int, lang: Lang = "en", as_of: date = DEMO_AS_OF,
              progress: Callable[[int], None] | None = None) -> list[list[Any]]:
    """n customer rows in template column order, their dates counted back from ``as_of``;
    ``progress`` is told every thousand rows made."""
    rng = np.random.default_rng(seed)
    c = content(lang)
    names, kinds = (_NAMES, _KINDS) if lang == "en" else (_NAMES_ZH, _KINDS_ZH)
    owners = _OWNERS if lang == "en" else _OWNERS_ZH
    yes, no = ("yes", "no") if lang == "en" else ("是", "否")
    rows: list[list[Any]] = []
    for i in range(n):
        size = rng.lognormal(0.0, 1.0)  # one latent "size" drives the measures, with noise
        sales = round(float(120 * size * rng.lognormal(0, 0.5)), 1)
        growth = round(float(rng.normal(8, 15)), 1)
        planned = round(float(sales * 2 * rng.lognormal(0.1, 0.4)), 1)
        capital = round(float(8 * size * rng.lognormal(0, 0.7)), 1)
        share = round(float(min(30.0, 1.2 * size * rng.lognormal(0, 0.6))), 2)
        headcount = int(40 * size * rng.lognormal(0, 0.8)) + 1
        relationship = int(np.clip(rng.normal(55 + 8 * np.log(size + 0.5), 18), 0, 100))
        values: list[Any] = [sales, growth, planned, capital, share, headcount]
        for k in range(len(values)):
            if rng.random() < 0.03:
                values[k] = None  # real data has gaps
        rated = relationship if rng.random() > 0.08 else None
        approved = yes if rng.random() > 0.12 else no
        profile = c.profiles[1] if rng.random() < 0.25 else None
        contact = as_of - timedelta(days=int(rng.integers(0, 200)))
        # Purchases: bigger customers order more often; a few never bought, some lapsed.
        lapse = int(rng.exponential(70 if size > 0.7 else 160))
        purchase = None if rng.random() < 0.04 else as_of - timedelta(days=lapse)
        orders = int(rng.poisson(2 + 6 * size)) if purchase else 0
        referrals = int(rng.poisson(0.8 + (2.5 if size < 0.6 and rng.random() < 0.3 else 0)))
        service_cost = round(float(8 * rng.lognormal(0, 0.9) * (1.5 if size < 0.5 else 1)), 1)
        name = f"{names[i % len(names)]} {kinds[(i // len(names)) % len(kinds)]}"
        if lang == "en" and i >= len(names) * len(kinds):
            name += f" {i // (len(names) * len(kinds)) + 1}"
        elif lang == "zh":
            name = f"{names[i % len(names)]}{kinds[(i // len(names)) % len(kinds)]}{i // 96 + 1}号"
        if progress is not None and (i + 1) % 1000 == 0:
            progress(1000)
        rows.append([f"C{i + 1:05d}", name, owners[int(rng.integers(0, len(owners)))], profile,
                     *values, rated, approved, contact, purchase, orders, referrals, service_cost])
    return rows


def demo_workbook(n: int, seed: int, lang: Lang = "en", as_of: date = DEMO_AS_OF,
                  progress: Callable[[int], None] | None = None) -> Workbook:
    wb = build_template(lang)
    ws = wb[TABLES["customers"].sheet(lang)]
    table = ws.tables[TABLES["customers"].table]
    rows = demo_rows(n, seed, lang, as_of, progress)
    fill_table(ws, table, customer_headers(content(lang), lang), rows)
    _pin_as_of(wb, lang, as_of)
    headers = customer_headers(content(lang), lang)
    fill_orders(wb, lang, demo_orders([(row[0], row[4]) for row in rows], seed, as_of))
    for header in (headers[-5], headers[-4]):  # Last contact, Last purchase
        col = headers.index(header) + 1
        for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            row[0].number_format = "yyyy-mm-dd"
    return wb


def _pin_as_of(wb: Workbook, lang: Lang, as_of: date) -> None:
    """Write ``as_of`` into the "As of date" row of tblClassify (Value column, next to the label)."""
    ws = wb[SETTINGS_TABLES["settings"].sheet(lang)]
    labels = SETTINGS["as_of"][0]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in labels:
            row[1].value = as_of
            row[1].number_format = "yyyy-mm-dd"
            return
    raise AssertionError("the template's tblClassify has no As of date row")


def write_demo_book(path: Path, n: int = 300, seed: int = 7, lang: Lang = "en",
                    progress: Progress | None = None, *, as_of: date = DEMO_AS_OF) -> None:
    """Write the demo book; ``progress`` shows the rows being made, then the save (the long part)."""
    progress = progress or Progress.off()
    progress.stage(f"making {n:,} demo customers", total=n)
    wb = demo_workbook(n, seed, lang, as_of, progress.advance)
    progress.stage(f"saving the demo book ({n:,} customers)")
    wb.save(path)

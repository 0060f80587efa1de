"""The plain DuckDB SQL one would write by hand for a model: the baseline for ``xlscore score``.

Bands as CASE expressions, weights per profile, ``ROUND(total, 2)``, ``RANK()`` and the share
cut, written to Parquet with ``COPY``. No checks of the data, no Flags, no missing-value
policies (a blank scores 0), DuckDB's own ROUND: the least work a scoring can do, so the
difference to ``xlscore score`` is the price of its exactness and checks.

    python benchmarks/plain_sql.py BOOK.xlsx CUSTOMERS.parquet OUT.parquet [--memory-limit 4GB]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from xlscore.model import Model

__all__ = ["plain_sql"]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _band_points(model: Model, indicator: str) -> str:
    terms = []
    for measure in model.measures:
        if measure.indicator != indicator:
            continue
        whens = []
        for band in measure.bands:
            tests = [f"{_q(measure.name)} >= {band.lower}" if band.lower is not None else "",
                     f"{_q(measure.name)} < {band.upper}" if band.upper is not None else ""]
            whens.append(f"WHEN {' AND '.join(t for t in tests if t) or 'TRUE'} THEN {band.points}")
        terms.append(f"(CASE {' '.join(whens)} ELSE 0 END)")
    return " + ".join(terms) or "0"


def plain_sql(model: Model, customers: str, output: str) -> str:
    scores = []
    for ind in model.indicators:
        if ind.method == "banded":
            scores.append(f"{_band_points(model, ind.name)} AS {_q('s_' + ind.name)}")
        else:
            value = f"coalesce({_q(ind.name)}, 0)"
            if ind.needs_approval:
                value = f"CASE WHEN lower(trim(CAST(\"Approved\" AS VARCHAR))) IN ('yes','y','true','1') " \
                        f"THEN {value} ELSE 0 END"
            scores.append(f"{value} AS {_q('s_' + ind.name)}")
    profiles = model.profiles
    weighted = []
    for ind in model.indicators:
        weight = "CASE " + " ".join(f"WHEN lower(\"Profile\") = '{p.name.lower()}' THEN {p.weights.get(ind.name, 0)}"
                                    for p in profiles[1:]) + f" ELSE {profiles[0].weights.get(ind.name, 0)} END"
        weighted.append(f"{_q('s_' + ind.name)} * ({weight}) / 100")
    tiers = []
    for tier in model.tiers:
        if tier.top_share is not None:
            tiers.append(f"WHEN \"Rank\" <= ceil({tier.top_share} * n / 100) THEN '{tier.name}'")
        elif tier.min_score is not None:
            tiers.append(f"WHEN \"Score\" >= {tier.min_score} THEN '{tier.name}'")
    return f"""COPY (
  WITH s AS (SELECT "Customer ID", "Customer", "Owner", "Profile", {", ".join(scores)}
             FROM read_parquet('{customers}')),
  t AS (SELECT *, round({" + ".join(weighted)}, 2) AS "Score" FROM s),
  r AS (SELECT *, rank() OVER (ORDER BY "Score" DESC) AS "Rank", count(*) OVER () AS n FROM t)
  SELECT * EXCLUDE (n), CASE {" ".join(tiers)} END AS "Tier" FROM r ORDER BY "Rank", "Customer ID"
) TO '{output}' (FORMAT PARQUET)"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("customers", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--memory-limit", default="4GB")
    args = parser.parse_args()
    from xlscore.workbook.reader import read_book

    model = read_book(args.book).model
    con = duckdb.connect(config={"memory_limit": args.memory_limit, "preserve_insertion_order": False})
    con.execute(plain_sql(model, str(args.customers), str(args.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

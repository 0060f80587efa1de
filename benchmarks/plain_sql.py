"""The plain DuckDB SQL one would write by hand for a model: the baseline for ``xlscore score``.

Bands as CASE expressions, weights per profile, ``ROUND(total, 2)``, ``RANK()`` and the share
cut; the tier's Policy and Next follow-up, and Flags naming the blank values, written to
Parquet with ``COPY``: the same columns as ``xlscore score`` writes, sorted by rank. No checks
of the data, no missing-value policies (a blank scores 0), no "no band" flag, DuckDB's own
ROUND: the least work that writes that file, so the difference to ``xlscore score`` is the
price of its exactness and checks.

    python benchmarks/plain_sql.py BOOK.xlsx CUSTOMERS.parquet OUT.parquet [--memory-limit 4GB] [--threads N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from xlscore.messages import flag
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
    policies = " ".join(f"WHEN '{t.name}' THEN '{t.policy}'" for t in model.tiers)
    follow_ups = " ".join(f"WHEN '{t.name}' THEN \"Last contact\" + INTERVAL {int(t.follow_up_days)} DAY"
                          for t in model.tiers if t.follow_up_days is not None)
    blanks = [f"CASE WHEN {_q(name)} IS NULL THEN '{flag('missing', model.lang, name)}' END"
              for name in [m.name for m in model.measures] + [i.name for i in model.indicators if i.method != "banded"]]
    named = [ind.name for ind in model.indicators]
    return f"""COPY (
  WITH s AS (SELECT "Customer ID", "Customer", "Owner", "Profile", "Last contact", {", ".join(scores)},
                    concat_ws('; ', {", ".join(blanks)}) AS "Flags"
             FROM read_parquet('{customers}')),
  t AS (SELECT *, round({" + ".join(weighted)}, 2) AS "Score" FROM s),
  r AS (SELECT *, rank() OVER (ORDER BY "Score" DESC) AS "Rank", count(*) OVER () AS n FROM t),
  f AS (SELECT *, CASE {" ".join(tiers)} END AS "Tier" FROM r)
  SELECT "Customer ID", "Customer", "Owner", "Profile", {", ".join(f"{_q('s_' + n)} AS {_q(n)}" for n in named)},
         "Score", "Rank", "Tier", CASE "Tier" {policies} END AS "Policy",
         CAST(CASE "Tier" {follow_ups} END AS DATE) AS "Next follow-up", "Flags"
  FROM f ORDER BY "Rank", "Customer ID"
) TO '{output}' (FORMAT PARQUET)"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("customers", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: every core)")
    args = parser.parse_args()
    from xlscore.workbook.reader import read_book

    model = read_book(args.book).model
    con = duckdb.connect(config={"memory_limit": args.memory_limit, "preserve_insertion_order": False,
                                 **({"threads": args.threads} if args.threads else {})})
    con.execute(plain_sql(model, str(args.customers), str(args.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

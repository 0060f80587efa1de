"""The naive script: what one would write by hand with pandas and openpyxl.

``pandas.read_excel`` (openpyxl engine) reads the model sheets and Customers, each customer is
scored in a plain Python loop (same rules as xlscore: bands, missing policies, approvals,
profiles, Excel rounding, competition rank, exact share cut), then ``openpyxl.load_workbook``
opens the book, a Scoring sheet is appended row by row and the book is saved. English
template headers only; no validation. Its Scores, Ranks, Tiers and Flags match xlscore's
(checked in tests/unit/test_benchmark_tools.py).

    python benchmarks/naive.py BOOK.xlsx OUT.xlsx
"""

from __future__ import annotations

import argparse
import math
import sys
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

__all__ = ["naive_retier", "score_rows"]

YES = {"yes", "y", "true", "1", "1.0", "是"}
HEAD = ["Customer ID", "Customer", "Owner", "Profile"]
TAIL = ["Score", "Rank", "Tier", "Policy", "Next follow-up", "Flags"]


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def excel_round(value: float) -> float:
    return float(Decimal(f"{value:.15g}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def score_rows(sheets: dict[str, Any]) -> list[dict[str, Any]]:
    """Score every customer of the sheets read by pandas; rows in Customers order."""
    indicators = sheets["Indicators"].to_dict("records")
    weights = sheets["Weights"].set_index("Indicator")
    profiles = list(weights.columns)
    bands: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for band in sheets["Bands"].to_dict("records"):
        bands.setdefault(band["Indicator"], {}).setdefault(band["Measure"], []).append(band)
    tiers = sheets["Tiers"].to_dict("records")
    results = []
    for row in sheets["Customers"].to_dict("records"):
        profile = profiles[0] if blank(row["Profile"]) else next(
            p for p in profiles if p.lower() == str(row["Profile"]).strip().lower())
        approved = row["Approved"] is True or str(row["Approved"]).strip().lower() in YES
        out = {key: row[key] for key in HEAD}
        out["Profile"] = profile
        flags: list[str] = []
        weighted, weight_sum, blocked = 0.0, 0.0, False
        for ind in indicators:
            name, policy = ind["Indicator"], ind["If missing"]
            score: float | None
            if ind["Method"] == "banded":
                earned, present_max, missing, present = 0.0, 0.0, False, False
                for measure, rows in bands[name].items():
                    value = row[measure]
                    if blank(value):
                        flags.append(f"missing: {measure}")
                        missing = True
                        continue
                    present = True
                    present_max += max(b["Points"] for b in rows)
                    hit = [b for b in rows if (blank(b["From"]) or value >= b["From"])
                           and (blank(b["To"]) or value < b["To"])]
                    if hit:
                        earned += hit[0]["Points"]
                    else:
                        flags.append(f"no band: {measure}")
                score = earned
                if policy == "exclude" and missing:
                    score = None if not present else (earned * 100 / present_max if present_max else 0.0)
                blocked = blocked or (policy == "error" and missing)
            else:
                value = row[name]
                counted = not blank(value)
                if blank(value):
                    flags.append(f"missing: {name}")
                elif str(ind["Needs approval"]).lower() == "yes" and not approved:
                    flags.append(f"unapproved: {name}")
                    counted = False
                score = float(value) if counted else (0.0 if policy == "zero" else None)
                blocked = blocked or (policy == "error" and not counted)
            out[name] = score
            if score is not None:
                weighted += score * weights.at[name, profile]
                weight_sum += weights.at[name, profile]
        scored = not blocked and weight_sum > 0
        if not scored:
            flags.append("not scored")
        out["Score"] = excel_round(weighted / weight_sum) if scored else None
        out["Flags"] = "; ".join(flags)
        out["Last contact"] = row["Last contact"]
        results.append(out)
    _rank_and_tier(results, tiers)
    return results


def _rank_and_tier(results: list[dict[str, Any]], tiers: list[dict[str, Any]]) -> None:
    scored = sorted((r for r in results if r["Score"] is not None), key=lambda r: -r["Score"])
    for position, r in enumerate(scored):
        same = position > 0 and scored[position - 1]["Score"] == r["Score"]
        r["Rank"] = scored[position - 1]["Rank"] if same else position + 1
    share_scheme = any(not blank(t["Top share %"]) for t in tiers)
    for r in results:
        r.setdefault("Rank", None)
        tier = None
        if r["Score"] is not None:
            for t in tiers:
                if share_scheme and not blank(t["Top share %"]):
                    cut = Fraction(Decimal(repr(float(t["Top share %"])))) * len(scored) / 100
                    if r["Rank"] <= math.ceil(cut):
                        tier = t
                        break
                elif not share_scheme and not blank(t["Min score"]) and r["Score"] >= t["Min score"]:
                    tier = t
                    break
        r["Tier"] = tier["Tier"] if tier else None
        r["Policy"] = tier["Policy"] if tier else None
        last = r.pop("Last contact")
        r["Next follow-up"] = (last + timedelta(days=float(tier["Follow-up days"]))
                               if tier and isinstance(last, datetime) else None)


def naive_retier(book: Path, target: Path) -> int:
    import openpyxl
    import pandas as pd

    sheets = pd.read_excel(book, sheet_name=["Indicators", "Weights", "Bands", "Tiers", "Customers"],
                           engine="openpyxl")
    results = score_rows(sheets)
    indicators = [str(name) for name in sheets["Indicators"]["Indicator"]]
    results.sort(key=lambda r: (r["Rank"] is None, r["Rank"] or 0, str(r["Customer ID"]).lower()))
    wb = openpyxl.load_workbook(book)
    if "Scoring" in wb.sheetnames:
        del wb["Scoring"]
    ws = wb.create_sheet("Scoring")
    columns = [*HEAD, *indicators, *TAIL]
    ws.append(columns)
    for r in results:
        ws.append([r.get(c) for c in columns])
    wb.save(target)
    return len(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Re-tier a book the naive way (pandas + openpyxl).")
    parser.add_argument("book", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args(argv)
    naive_retier(args.book, args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Engine only: score + rank + tier of N customers × 12 measures, in memory (no workbook).

Model: four banded indicators of three measures each (five bands per measure, all three
missing-value policies), weights 40/30/20/10 and a second profile, four share tiers. About
3 % of values are blank. Prints one JSON line: wall and CPU seconds (best of ``--repeat``)
for ``compute_scores`` (score, rank, tier: the goal's figure) and ``score_customers`` (plus
the sheet-order sort), and the process's peak RSS.

    python benchmarks/bench_engine.py [--customers 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

from xlscore.engine import compute_scores, score_customers
from xlscore.model import Band, Indicator, Measure, Model, Tier, WeightProfile

__all__ = ["engine_frame", "engine_model"]

MEASURES_PER_INDICATOR = 3
_POLICIES = ("zero", "exclude", "zero", "error")


def engine_model() -> Model:
    """4 banded indicators × 3 measures; bands cut at 20/40/60/80 of a 0–100 measure."""
    indicators, measures = [], []
    for i, policy in enumerate(_POLICIES):
        name = f"Indicator {i + 1}"
        indicators.append(Indicator(name, "banded", policy))  # type: ignore[arg-type]
        points = (100 / MEASURES_PER_INDICATOR) * np.array([0.0, 0.25, 0.5, 0.75, 1.0])
        for m in range(MEASURES_PER_INDICATOR):
            measure = f"M{i + 1}.{m + 1}"
            edges = [None, 20.0, 40.0, 60.0, 80.0, None]
            bands = tuple(Band(name, measure, edges[k], edges[k + 1], float(points[k])) for k in range(5))
            measures.append(Measure(name, measure, bands))
    profiles = (
        WeightProfile("Default", {"Indicator 1": 40, "Indicator 2": 30, "Indicator 3": 20, "Indicator 4": 10}),
        WeightProfile("Partner", {"Indicator 1": 25, "Indicator 2": 25, "Indicator 3": 25, "Indicator 4": 25}),
    )
    tiers = (Tier("Platinum", top_share=5, policy="Dedicated team", follow_up_days=30),
             Tier("Gold", top_share=20, policy="Monthly call", follow_up_days=45),
             Tier("Iron", top_share=50, policy="Quarterly call", follow_up_days=90),
             Tier("Lead", top_share=100, policy="Automated", follow_up_days=180))
    return Model(tuple(indicators), tuple(measures), profiles, tiers)


def engine_frame(model: Model, n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(object)
    data: dict[str, object] = {
        "Customer ID": ids,
        "Customer": ids,
        "Owner": np.array(["Alice", "Bruno", "Chloe", "David", "Eva"], dtype=object)[rng.integers(0, 5, n)],
        "Profile": np.array([None, "Partner"], dtype=object)[(rng.random(n) < 0.25).astype(np.intp)],
        "Approved": rng.random(n) > 0.1,
        "Last contact": np.datetime64("2026-11-01", "ns") - rng.integers(0, 200, n).astype("timedelta64[D]"),
    }
    for name in model.measure_columns:
        values = np.round(rng.uniform(0, 100, n), 1)
        values[rng.random(n) < 0.03] = np.nan
        data[name] = values
    return pd.DataFrame(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the scoring engine on generated data.")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    model = engine_model()
    frame = engine_frame(model, args.customers)
    timings: dict[str, float] = {}
    for label, run in (("compute_scores", compute_scores), ("score_customers", score_customers)):
        best, best_cpu = float("inf"), float("inf")
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = run(model, frame)
            best = min(best, time.perf_counter() - started)
            best_cpu = min(best_cpu, time.process_time() - started_cpu)
            del result
        timings[label] = best
        timings[f"{label}_cpu"] = best_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"customers": args.customers, "measures": len(model.measure_columns),
                      **{f"{k}_s": round(v, 3) for k, v in timings.items()}, "peak_rss_mb": round(peak_mb)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

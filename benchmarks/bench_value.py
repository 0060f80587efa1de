"""``xlscore value`` on a big Parquet order log: goal ≤ 30 s and ≤ 2 GB for 10,000,000 lines / 1,000,000 customers.

The log is drawn from the BG/NBD process itself (so the fit has something to find): every
customer buys first at a random day of the first year, then at Poisson rate λ ~ Gamma(r, α)
per week until they drop out after a purchase with probability p ~ Beta(a, b), up to the
end of the third year; every order line is worth Gamma(p, ν) with ν ~ Gamma(q, γ), and
about 10 % of purchase days get a second line. The command runs as a child process with a
pseudo-terminal as stderr (to see its progress line); wall time, CPU time and the child's
peak RSS are measured with ``os.wait4``. Prints one JSON object.

    python benchmarks/bench_value.py [--customers 1000000] [--lines 10000000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from processes import machine, run  # beside this script

START = date(2023, 1, 2)
DAYS = 3 * 364
AS_OF = date(2025, 1, 1)  # two years in: the last year of the log is a holdout


def generate(path: Path, customers: int, lines: int, seed: int = 11) -> int:
    """Write the log; the purchase rate is scaled so the log has about ``lines`` lines. Returns the line count."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(2.0, 1.0, customers)  # rescaled below
    drop = rng.beta(1.0, 12.0, customers)
    first = rng.integers(0, 364, customers)
    weeks_left = (DAYS - first) / 7
    duplicates = 1.1
    # expected repeat days per unit rate, roughly: no dropout correction is needed to hit the size within ~20 %
    target_repeats = lines / duplicates - customers
    scale = target_repeats / float((lam * weeks_left).sum()) * 1.9
    lam *= scale
    possible = rng.poisson(lam * weeks_left)
    survive = rng.geometric(drop)  # the purchase after which the customer drops out
    repeats = np.minimum(possible, survive)
    owner = np.repeat(np.arange(customers), possible)
    when = rng.random(len(owner)) * np.repeat(weeks_left, possible)
    order = np.lexsort((when, owner))
    owner, when = owner[order], when[order]
    start_of = np.concatenate([[0], np.cumsum(possible)[:-1]])
    rank = np.arange(len(owner)) - np.repeat(start_of, possible)
    keep = rank < np.repeat(repeats, possible)
    owner, when = owner[keep], when[keep]
    owner = np.concatenate([np.arange(customers), owner])
    day = np.concatenate([first, first[owner[customers:]] + (when * 7).astype(np.int64)])
    extra = rng.random(len(owner)) < duplicates - 1
    owner = np.concatenate([owner, owner[extra]])
    day = np.concatenate([day, day[extra]])
    nu = rng.gamma(4.0, 1 / 15.0, customers)
    amount = np.round(rng.gamma(6.0, 1.0, len(owner)) / nu[owner], 2)
    names = pa.array([f"C{k:07d}" for k in range(customers)])
    ids = pa.DictionaryArray.from_arrays(pa.array(owner.astype(np.int32)), names)
    dates = pa.array(np.datetime64(START, "D") + day.astype("timedelta64[D]"))
    table = pa.table({"Customer ID": ids, "Order date": dates, "Amount": pa.array(amount)})
    pq.write_table(table, path, row_group_size=1_000_000)
    return len(owner)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xlscore-bench-value-") as scratch:
        work = args.workdir or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        log = work / f"orders-{args.customers}.parquet"
        began = time.perf_counter()
        lines = generate(log, args.customers, args.lines)
        generated = time.perf_counter() - began
        xlscore = str(Path(sys.executable).with_name("xlscore"))
        command = [xlscore, "value", "--orders", str(log), "--as-of", AS_OF.isoformat(), "--time-unit", "week",
                   "--horizon", "52", "--holdout-end", "2025-12-29", "-o", str(work / "predictions.parquet"),
                   "--force"]
        result = run(command, terminal=True).check()
        stages = sorted({part.split("...")[0].strip() for part in result.stderr.replace("\r", "\n").split("\n")
                         if "..." in part})
        report = {
            "order_lines": lines, "customers": args.customers, "log_mb": round(log.stat().st_size / 2**20, 1),
            "generate_seconds": round(generated, 1), "seconds": round(result.seconds, 2),
            "cpu_seconds": round(result.cpu_seconds, 2), "peak_mb": round(result.peak_mb),
            "goal": "<= 30 s and <= 2048 MB",
            "met": result.seconds <= 30 and result.peak_mb <= 2048,
            "progress_stages": stages, "summary": result.stdout.strip().splitlines(), "machine": machine(),
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

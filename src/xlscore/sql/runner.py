"""``xlscore score``: the book's model over a customers file of any size.

The default engine runs the generated statement in embedded DuckDB with a memory limit and a
private temporary directory, so sorting and ranking spill to disk instead of failing; the
``pandas`` engine loads the file and scores it with the core engine (the reference, for
files that fit in memory). Both read the file through the same checked view and write the
same columns and types. The output appears only when complete (written aside, then renamed).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

import duckdb
from sqlglot import exp

from xlscore.errors import UsageError, XlscoreError
from xlscore.model import Model
from xlscore.overrides import Override
from xlscore.sql.files import COUNTS_TABLE, CUSTOMERS_VIEW, open_customers
from xlscore.sql.output import CsvStyle, output_format, write_relation
from xlscore.sql.source import SourceColumns
from xlscore.sql.statement import render, scoring_statement
from xlscore.sql.tiers import tier_counts_statement
from xlscore.workbook.report import NO_TIER

__all__ = ["Engine", "ScoreOptions", "ScoreReport", "default_memory_limit", "score_file"]

Engine = Literal["duckdb", "pandas"]
_RESULT_VIEW = "xlscore_result"


@dataclass(frozen=True)
class ScoreOptions:
    engine: Engine = "duckdb"
    memory_limit: str | None = None  # DuckDB size text, e.g. "4GB"; None: default_memory_limit()
    temp_dir: Path | None = None  # where DuckDB spills; None: a private directory, removed afterwards
    threads: int | None = None  # None: every core
    progress: bool | None = None  # None: when stderr is a terminal; True: also in logs
    csv: CsvStyle = field(default_factory=CsvStyle)  # CSV output: formula-safe text (unless raw), a BOM for Excel
    overrides: list[Override] | None = None  # the book's live tblOverrides rows (None: the book has none)
    ordered: bool = True  # False: rows in any order, without the sort by rank (faster, less memory)


@dataclass(frozen=True)
class ScoreReport:
    output: Path
    customers: int
    scored: int
    tiers: list[tuple[str, int]]  # tier name, customers, in tblTiers order
    seconds: float


def default_memory_limit() -> str:
    """Half of the physical memory, at most 1.5 GB: beyond that DuckDB spills to disk. The process
    then peaks under 2 GB scoring 10 million customers, as fast as with 4 GB (docs/sql.md)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "1536MB"
    return f"{max(256, min(1536, total // 2 // 2**20))}MB"


class _Progress:
    """Progress of each stage on stderr while DuckDB works; silent when not wanted.

    On a terminal one line is rewritten four times a second; elsewhere (cron, Airflow logs) a
    plain line is written at the start, every ten seconds while the percentage moves, and at
    the end with the stage's time."""

    def __init__(self, con: duckdb.DuckDBPyConnection, enabled: bool, stream: TextIO) -> None:
        self.con, self.enabled, self.stream = con, enabled, stream
        self.terminal = stream.isatty()

    def say(self, text: str, final: bool = False) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[K{text}" + ("\n" if final else "") if self.terminal else f"{text}\n")
            self.stream.flush()

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        done = threading.Event()
        interval = 0.25 if self.terminal else 10.0
        started = time.perf_counter()

        def poll() -> None:
            shown = -1.0
            while not done.wait(interval):
                percent = self.con.query_progress()
                if self.terminal or (percent >= 0 and percent != shown):
                    self.say(f"{label}: {percent:5.1f}%" if percent >= 0 else f"{label} ...")
                    shown = percent

        self.say(f"{label} ...")
        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join()
            self.say(f"{label}: done ({time.perf_counter() - started:.1f} s)", final=True)


def score_file(model: Model, customers: Path, output: Path, options: ScoreOptions | None = None,
               stream: TextIO | None = None) -> ScoreReport:
    """Score every row of ``customers`` with ``model`` and write ``output`` (.parquet / .csv)."""
    options = options or ScoreOptions()
    out_format = output_format(output)
    if output.resolve() == customers.resolve():
        raise UsageError(f"{output}: the output would overwrite the customers file")
    if not output.parent.is_dir():
        raise UsageError(f"{output.parent}: no such directory")
    stream = stream or sys.stderr
    show = stream.isatty() if options.progress is None else options.progress
    started = time.perf_counter()
    if options.temp_dir is not None and not options.temp_dir.is_dir():
        raise UsageError(f"{options.temp_dir}: no such directory for DuckDB's temporary files")
    spill = Path(tempfile.mkdtemp(prefix="xlscore-spill-", dir=options.temp_dir))
    try:
        con = duckdb.connect(config={
            "memory_limit": options.memory_limit or default_memory_limit(),
            "temp_directory": str(spill),
            "preserve_insertion_order": False,
            **({"threads": options.threads} if options.threads else {}),
        })
        # Progress is tracked (for query_progress) but never printed by DuckDB itself.
        con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
    except duckdb.Error as exc:
        shutil.rmtree(spill, ignore_errors=True)
        raise UsageError(f"cannot start DuckDB with these settings: {exc}") from exc
    aside = output.with_name(f".{output.name}.{os.getpid()}.partial")
    try:
        progress = _Progress(con, show, stream)
        in_duckdb = options.engine == "duckdb"
        with progress.stage(f"checking {customers.name}"):
            source, rows = open_customers(con, customers, model, count_scores=in_duckdb)
        with progress.stage(f"scoring ({options.engine})"):
            if in_duckdb:
                _score_in_duckdb(con, model, source, options)
            else:
                from xlscore.sql.pandas_engine import score_with_pandas

                score_with_pandas(con, model, source, _RESULT_VIEW, options.overrides, options.ordered)
            write_relation(con, con.table(_RESULT_VIEW), aside, out_format, options.csv)
        aside.replace(output)
        if rows is not None and options.overrides is None:  # tiers follow from the scores alone
            report = _summary_from_counts(con, model, output, rows, started)
        else:
            report = _summary(con, model, output, out_format, options.csv, started)
    except duckdb.Error as exc:
        raise XlscoreError(f"scoring {customers.name} failed in DuckDB: {exc}") from exc
    finally:
        con.close()
        aside.unlink(missing_ok=True)
        shutil.rmtree(spill, ignore_errors=True)
    return report


def _score_in_duckdb(con: duckdb.DuckDBPyConnection, model: Model, source: SourceColumns,
                     options: ScoreOptions) -> None:
    statement = scoring_statement(model, source, exp.to_table(CUSTOMERS_VIEW), ordered=options.ordered,
                                  overrides=options.overrides, counts=COUNTS_TABLE,
                                  sort_first=True, ids_unique=True)
    sql = render(statement, "duckdb", pretty=False)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {_RESULT_VIEW} AS {sql}")


def _summary_from_counts(con: duckdb.DuckDBPyConnection, model: Model, output: Path, rows: int,
                         started: float) -> ScoreReport:
    """The summary from the customers per score counted before scoring: no second read."""
    per_tier = con.execute(render(tier_counts_statement(model, COUNTS_TABLE), "duckdb")).fetchall()
    by_name: dict[str, int] = {}
    for index, customers in per_tier:
        if index is not None:  # None: scored, but below every Min score
            name = model.tiers[index].name
            by_name[name] = by_name.get(name, 0) + int(customers)
    return _report(model, output, rows, sum(int(customers) for _, customers in per_tier), by_name, started)


def _summary(con: duckdb.DuckDBPyConnection, model: Model, output: Path, out_format: str, style: CsvStyle,
             started: float) -> ScoreReport:
    """The summary read back from the output (the pandas engine; overrides, which move customers
    between tiers)."""
    reader = con.read_parquet(str(output)) if out_format == "parquet" else con.read_csv(str(output))
    reader.create_view("xlscore_output", replace=True)
    counts = dict(con.execute('SELECT "Tier", count(*) FROM xlscore_output GROUP BY "Tier"').fetchall())
    total, scored = con.execute('SELECT count(*), count("Score") FROM xlscore_output').fetchall()[0]
    # A CSV holds tier names as written there (an apostrophe before a leading "=", say).
    by_name = {t.name: int(counts.get(t.name if out_format == "parquet" else style.header(t.name), 0))
               for t in model.tiers}
    return _report(model, output, int(total), int(scored), by_name, started)


def _report(model: Model, output: Path, total: int, scored: int, by_name: dict[str, int],
            started: float) -> ScoreReport:
    tiers = [(t.name, by_name.get(t.name, 0)) for t in model.tiers]
    untiered = scored - sum(count for _, count in tiers)  # scored, but below every Min score
    if untiered > 0:
        tiers.append((NO_TIER, untiered))
    return ScoreReport(output, total, scored, tiers, time.perf_counter() - started)

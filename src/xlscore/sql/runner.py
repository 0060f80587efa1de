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
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

import duckdb
from sqlglot import exp

from xlscore.errors import UsageError, XlscoreError
from xlscore.model import Model
from xlscore.overrides import Override
from xlscore.sql.files import CUSTOMERS_VIEW, open_customers
from xlscore.sql.source import SourceColumns
from xlscore.sql.statement import render, scoring_statement

__all__ = ["Engine", "ScoreOptions", "ScoreReport", "default_memory_limit", "score_file"]

Engine = Literal["duckdb", "pandas"]
_RESULT_VIEW = "xlscore_result"


@dataclass(frozen=True)
class ScoreOptions:
    engine: Engine = "duckdb"
    memory_limit: str | None = None  # DuckDB size text, e.g. "4GB"; None: default_memory_limit()
    temp_dir: Path | None = None  # where DuckDB spills; None: a private directory, removed afterwards
    threads: int | None = None  # None: every core
    progress: bool | None = None  # None: when stderr is a terminal
    overrides: list[Override] | None = None  # the book's live tblOverrides rows (None: the book has none)


@dataclass(frozen=True)
class ScoreReport:
    output: Path
    customers: int
    scored: int
    tiers: list[tuple[str, int]]  # tier name, customers, in tblTiers order
    seconds: float


def default_memory_limit() -> str:
    """Half of the physical memory, at most 4 GB: beyond that DuckDB spills to disk, and 10
    million customers score as fast with 2 GB as with 12 (docs/sql.md)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2GB"
    return f"{max(256, min(4096, total // 2 // 2**20))}MB"


def _output_format(path: Path) -> Literal["parquet", "csv"]:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise UsageError(f"{path.name}: the output must be a .parquet or .csv file")


class _Progress:
    """A one-line percentage on stderr while DuckDB works; silent when not wanted."""

    def __init__(self, con: duckdb.DuckDBPyConnection, enabled: bool, stream: TextIO) -> None:
        self.con, self.enabled, self.stream = con, enabled, stream

    def say(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[K{text}")
            self.stream.flush()

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        done = threading.Event()

        def poll() -> None:
            while not done.wait(0.25):
                percent = self.con.query_progress()
                self.say(f"{label}: {percent:5.1f}%" if percent >= 0 else f"{label} ...")

        self.say(f"{label} ...")
        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join()
            self.say(f"{label}: done\n")


def score_file(model: Model, customers: Path, output: Path, options: ScoreOptions | None = None,
               stream: TextIO | None = None) -> ScoreReport:
    """Score every row of ``customers`` with ``model`` and write ``output`` (.parquet / .csv)."""
    options = options or ScoreOptions()
    out_format = _output_format(output)
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
        with progress.stage(f"checking {customers.name}"):
            source = open_customers(con, customers, model)
        with progress.stage(f"scoring ({options.engine})"):
            if options.engine == "duckdb":
                _score_in_duckdb(con, model, source, options.overrides)
            else:
                from xlscore.sql.pandas_engine import score_with_pandas

                score_with_pandas(con, model, source, _RESULT_VIEW, options.overrides)
            relation = con.table(_RESULT_VIEW)
            if out_format == "parquet":
                relation.write_parquet(str(aside))
            else:
                relation.write_csv(str(aside), header=True)
        aside.replace(output)
        report = _summary(con, model, output, out_format, started)
    except duckdb.Error as exc:
        raise XlscoreError(f"scoring {customers.name} failed in DuckDB: {exc}") from exc
    finally:
        con.close()
        aside.unlink(missing_ok=True)
        shutil.rmtree(spill, ignore_errors=True)
    return report


def _score_in_duckdb(con: duckdb.DuckDBPyConnection, model: Model, source: SourceColumns,
                     overrides: list[Override] | None) -> None:
    statement = scoring_statement(model, source, exp.to_table(CUSTOMERS_VIEW), overrides=overrides)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {_RESULT_VIEW} AS {render(statement, 'duckdb', pretty=False)}")


def _summary(con: duckdb.DuckDBPyConnection, model: Model, output: Path, out_format: str,
             started: float) -> ScoreReport:
    reader = con.read_parquet(str(output)) if out_format == "parquet" else con.read_csv(str(output))
    reader.create_view("xlscore_output", replace=True)
    counts = dict(con.execute('SELECT "Tier", count(*) FROM xlscore_output GROUP BY "Tier"').fetchall())
    total, scored = con.execute('SELECT count(*), count("Score") FROM xlscore_output').fetchall()[0]
    tiers = [(t.name, int(counts.get(t.name, 0))) for t in model.tiers]
    return ScoreReport(output, int(total), int(scored), tiers, time.perf_counter() - started)

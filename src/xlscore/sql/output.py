"""Writing ``xlscore score``'s result: Parquet with the exact values, CSV made safe to open.

A CSV file is what people double-click, so by default every text cell that a spreadsheet would
read as a formula gets a leading apostrophe (:mod:`xlscore.csv_cells`), headers included;
number columns are written as numbers. ``raw`` keeps the exact text (for machine pipelines),
``bom`` starts the file with a UTF-8 byte order mark, without which Excel reads UTF-8 CSV in
the system's code page and garbles Chinese names. Parquet always keeps the exact text.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
from sqlglot import exp

from xlscore.csv_cells import DANGEROUS_LEADS, NUMBER_PATTERN, neutralise
from xlscore.errors import UsageError

__all__ = ["CsvStyle", "OutputFormat", "neutralised", "output_format", "write_relation"]

OutputFormat = Literal["parquet", "csv"]
_BOM = "\ufeff".encode()


@dataclass(frozen=True)
class CsvStyle:
    raw: bool = False  # exact text: no apostrophe before a leading = + - @ tab CR
    bom: bool = False  # a UTF-8 byte order mark first, for Excel

    def header(self, name: str) -> str:
        return name if self.raw else neutralise(name)


def output_format(path: Path) -> OutputFormat:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise UsageError(f"{path.name}: the output must be a .parquet or .csv file")


def neutralised(column: exp.Expr) -> exp.Expr:
    """DuckDB: ``column`` with a leading apostrophe when it starts a formula (the rule of
    :func:`xlscore.csv_cells.is_dangerous`); NULL stays NULL."""
    # Equalities, not IN: DuckDB turns an IN list into a join, which gives up the rows' order.
    first = exp.Left(this=column.copy(), expression=exp.Literal.number(1))
    leads = exp.paren(exp.or_(*(exp.EQ(this=first.copy(), expression=exp.Literal.string(lead))
                                for lead in DANGEROUS_LEADS)), copy=False)
    number = exp.Anonymous(this="regexp_full_match", expressions=[column.copy(), exp.Literal.string(NUMBER_PATTERN)])
    dangerous = exp.and_(leads, exp.Not(this=number))
    apostrophed = exp.DPipe(this=exp.Literal.string("'"), expression=column.copy())
    return exp.Case(ifs=[exp.If(this=dangerous, true=apostrophed)], default=column.copy())


def _safe_select(relation: duckdb.DuckDBPyRelation, style: CsvStyle) -> str:
    columns: list[exp.Expr] = []
    for name, kind in zip(relation.columns, relation.types, strict=True):
        column: exp.Expr = exp.column(exp.to_identifier(name, quoted=True))
        if not style.raw and str(kind) == "VARCHAR":
            column = neutralised(column)
        columns.append(exp.alias_(column, exp.to_identifier(style.header(name), quoted=True)))
    sql: str = exp.select(*columns).from_("xlscore_unsafe").sql(dialect="duckdb")
    return sql


def write_relation(con: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation, path: Path,
                   out_format: OutputFormat, style: CsvStyle) -> None:
    """Write ``relation`` to ``path`` (a file aside the real output: it may be rewritten)."""
    if out_format == "parquet":
        relation.write_parquet(str(path))
        return
    relation.create_view("xlscore_unsafe", replace=True)
    safe = con.sql(_safe_select(relation, style))
    if not style.bom:
        safe.write_csv(str(path), header=True)
        return
    body = path.with_name(path.name + ".body")
    try:
        safe.write_csv(str(body), header=True)
        with body.open("rb") as source, path.open("wb") as target:
            target.write(_BOM)
            shutil.copyfileobj(source, target, 1 << 20)
    finally:
        body.unlink(missing_ok=True)

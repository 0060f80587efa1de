"""What ``xlscore sql`` prints: the scoring (or checks) statement for a table in a warehouse.

For dbt and views the statement is a plain ``SELECT`` (no ``;`` unless asked, the ORDER BY
optional), the table may be any expression passed through verbatim (``{{ ref('customers') }}``),
and the table's columns may be named otherwise than the book's headers
(``--column "Sales last year (k)=sales_ly"``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlglot import exp
from sqlglot.errors import ParseError

from xlscore.errors import UsageError
from xlscore.model import Model
from xlscore.overrides import Override
from xlscore.sql.source import SourceColumns
from xlscore.workbook.layout import header_key

__all__ = ["EmitOptions", "map_columns", "statement_text"]

# Stands for a --from expression while sqlglot renders; replaced by it afterwards.
_PLACEHOLDER = "xlscore_from_expression"
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class EmitOptions:
    dialect: str = "duckdb"
    table: str = "customers"  # a table name, parsed in the dialect
    from_sql: str | None = None  # a table expression written into the statement verbatim
    ordered: bool = True
    semicolon: bool = False
    pretty: bool = True
    checks: bool = False  # the checks statement instead of the scoring one
    overrides: list[Override] | None = None  # the book's live tblOverrides rows, compiled in as literals


def _target(text: str) -> tuple[str, bool]:
    """A --column target: (name, plain). Plain names follow the dialect's case rules like the
    rest of a hand-written model; anything else (or a name in quotes) is quoted exactly."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"`":
        return text[1:-1], False
    return text, _PLAIN.fullmatch(text) is not None


def map_columns(model: Model, source: SourceColumns, mappings: Sequence[str]) -> SourceColumns:
    """``source`` with each ``Header=column`` of ``mappings`` applied. Header is a tblCustomers
    header of the book or a contract name (case and spaces ignored, Chinese accepted)."""
    from xlscore.workbook.model_reader import column_names

    meta, values, plain = dict(source.meta), dict(source.values), set(source.plain)
    known: dict[str, tuple[str, str]] = {}  # header key -> (meta | value, key or model name)
    for key in source.meta:
        for name in (source.meta[key], *column_names(key)):
            known.setdefault(header_key(name), ("meta", key))
    for name, header in source.values.items():
        for candidate in (name, header):
            known.setdefault(header_key(candidate), ("value", name))
    for mapping in mappings:
        header, sep, target = mapping.rpartition("=")
        if not sep or not header.strip() or not target.strip():
            raise UsageError(f"--column {mapping!r}: write it as \"Header=column\", e.g. \"Sales=sales_ly\"")
        where = known.get(header_key(header))
        if where is None:
            shown = ", ".join([*source.meta.values(), *source.values.values()])
            raise UsageError(f"--column {mapping!r}: {header.strip()!r} is no column the model reads "
                             f"(it reads: {shown})")
        name, is_plain = _target(target.strip())
        kind, key = where
        (meta if kind == "meta" else values)[key] = name
        if is_plain:
            plain.add(name)
        else:
            plain.discard(name)
    return replace(source, meta=meta, values=values, plain=frozenset(plain))


def _table(options: EmitOptions) -> exp.Expr:
    if options.from_sql is not None:
        return exp.to_table(_PLACEHOLDER)
    try:
        return exp.to_table(options.table, dialect=options.dialect)
    except ParseError as exc:
        raise UsageError(f"--table {options.table!r} is not a table name in {options.dialect}: {exc}") from exc


def statement_text(model: Model, source: SourceColumns, options: EmitOptions) -> str:
    from xlscore.sql.checks import checks_statement
    from xlscore.sql.statement import render, scoring_statement

    table = _table(options)
    if options.checks:
        statement = checks_statement(model, source, table, ordered=options.ordered)
    else:
        statement = scoring_statement(model, source, table, ordered=options.ordered, overrides=options.overrides)
    sql = render(statement, options.dialect, pretty=options.pretty)
    if options.from_sql is not None:
        if sql.count(_PLACEHOLDER) != 1:  # cannot happen: the statement reads its table once
            raise UsageError("--from: the statement does not read its table exactly once")
        sql = sql.replace(_PLACEHOLDER, options.from_sql)
    return sql + ";" if options.semicolon else sql

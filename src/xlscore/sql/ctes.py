"""Building blocks of the generated statements: aliases, SELECTs that adopt their nodes, a CTE chain."""

from __future__ import annotations

from sqlglot import exp

__all__ = ["Steps", "alias", "quoted_alias", "select"]


def alias(expression: exp.Expr, name: str) -> exp.Expr:
    return exp.Alias(this=expression, alias=exp.to_identifier(name))


def quoted_alias(expression: exp.Expr, name: str) -> exp.Expr:
    return exp.Alias(this=expression, alias=exp.to_identifier(name, quoted=True))


def select(columns: list[exp.Expr], source: exp.Expr | str) -> exp.Select:
    """SELECT columns FROM source, adopting the nodes: sqlglot's builders copy the whole tree
    on every call, which is quadratic in a statement of this size."""
    table = exp.to_table(source) if isinstance(source, str) else source
    return exp.Select(expressions=columns).from_(table, copy=False)


class Steps:
    """Builds the CTE chain; each step selects everything of the previous one plus new columns."""

    def __init__(self, first: exp.Select) -> None:
        self.ctes: list[tuple[str, exp.Select]] = [("typed", first)]

    def add(self, name: str, columns: list[exp.Expr]) -> None:
        previous = self.ctes[-1][0]
        self.ctes.append((name, select([exp.Star(), *columns], previous)))

    def add_select(self, name: str, body: exp.Select) -> None:
        self.ctes.append((name, body))

    def final(self, columns: list[exp.Expr], order: list[exp.Ordered], *, sort_first: bool = False) -> exp.Select:
        """SELECT columns FROM the last step ORDER BY order. ``sort_first`` (DuckDB, which keeps a
        subquery's order through a projection): sort only the internal columns that ``columns``
        read, and compute the output columns (tier names, policies, dates) from the sorted rows,
        so the sort moves fewer and narrower values."""
        if order and sort_first:
            needed = sorted({c.name for e in columns for c in e.find_all(exp.Column)})
            inner = select([exp.column(name) for name in needed], self.ctes[-1][0]).order_by(*order, copy=False)
            statement = select(columns, inner.subquery("sorted", copy=False))
        else:
            statement = select(columns, self.ctes[-1][0])
            if order:
                statement = statement.order_by(*order, copy=False)
        for name, body in self.ctes:
            statement = statement.with_(name, as_=body, copy=False)
        return statement

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

    def final(self, columns: list[exp.Expr], order: list[exp.Ordered]) -> exp.Select:
        statement = select(columns, self.ctes[-1][0])
        if order:
            statement = statement.order_by(*order, copy=False)
        for name, body in self.ctes:
            statement = statement.with_(name, as_=body, copy=False)
        return statement

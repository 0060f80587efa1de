"""Decorated functions for the add-in wrapper tests: each xlwings option the wrapper shape depends on."""

from __future__ import annotations

from dataclasses import dataclass

import xlwings as xw


@dataclass(frozen=True)
class Band:  # a dataclass: the module must run as in a normal import
    low: float
    high: float


@xw.func
def DOUBLE_IT(x):
    return 2 * x


@xw.func(category="Scoring")
@xw.arg("table", ndim=2, doc='the "Customers" table, with its header row')
@xw.ret(expand="table")
def SCORE_TABLE(table, weights, rounding=2):
    """Scores every row of the table.

    Only this first paragraph goes to Excel.
    """
    return table


@xw.func(volatile=True, call_in_wizard=False)
def NOW_SCORE(caller, *ids):
    return len(ids)


@xw.func
@xw.arg("sheet_name", vba="ActiveSheet.Name")
def WHERE_AM_I(sheet_name, x):
    return sheet_name


@xw.sub
def REFRESH_ALL():
    pass


ALIAS_OF_DOUBLE = DOUBLE_IT  # the same UDF under a second name gets one wrapper


def plain_helper(x):
    return x

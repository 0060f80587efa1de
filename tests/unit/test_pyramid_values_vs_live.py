"""The values Pyramid and the recalculated live Pyramid are the same table, cell for cell.

16 customers, tiers by share: A = top 31.25 % (5 customers: 31.25 %, shown 31.3 % — half away
from zero, as Excel's FIXED rounds; Python's ``{:.1%}`` would say 31.2 %), B = top 50 %
(3 more: 18.75 % -> 18.8 %), C the other 8 (50.0 %).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.fixtures.books import BookSpec, write
from tests.libreoffice import recalculate, soffice_available
from xlscore.retier import retier

pytestmark = pytest.mark.libreoffice
AS_OF = date(2026, 6, 30)


def half_share_spec() -> BookSpec:
    spec = BookSpec()
    spec.tiers = [["A", None, 31.25, "Visit monthly", 30, "1F4E79"],
                  ["B", None, 50, "Call quarterly", 90, "2E75B6"],
                  ["C", None, 100, "Newsletter", 180, "9DC3E6"]]
    # Sales bands 10/40/70 and Visits 20/100 give distinct, hand-checkable scores.
    spec.customers = [[f"K{i:03d}", f"Customer {i}", "Ann", None, 300 * i + 100, 5 + i, i % 5, 40 + 3 * i, "yes",
                       date(2026, 1, i)] for i in range(1, 17)]
    return spec


def pyramid(path: Path) -> list[tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path, data_only=True)["Pyramid"]
    return [tuple(c.value for c in row) for row in ws[ws.tables["tblPyramid"].ref]]


@pytest.mark.skipif(not soffice_available(), reason="needs LibreOffice (soffice) to recalculate the live book")
def test_values_and_recalculated_live_pyramid_are_equal_cell_for_cell(tmp_path: Path) -> None:
    book = write(tmp_path / "book.xlsx", half_share_spec())
    values, live = tmp_path / "values.xlsx", tmp_path / "live.xlsx"
    retier(book, values, as_of=AS_OF)
    retier(book, live, as_of=AS_OF, live=True)
    [recalculated] = recalculate([live], tmp_path / "recalculated")
    written, computed = pyramid(values), pyramid(recalculated)
    assert [(r[0], r[1], r[7]) for r in written[1:]] == [("A", 5, "A: 5 (31.3%)"), ("B", 3, "B: 3 (18.8%)"),
                                                          ("C", 8, "C: 8 (50.0%)")]
    assert written == computed


def test_the_pyramid_chart_axis_follows_the_counts(tmp_path: Path) -> None:
    """A 100 % stacked bar (spacer, counts, spacer): each row totals the widest count, so a bar is
    count / widest of the width whatever the counts become after live edits; no fixed maximum."""
    import re
    import zipfile

    book = write(tmp_path / "book.xlsx", half_share_spec())
    live = tmp_path / "live.xlsx"
    retier(book, live, as_of=AS_OF, live=True)
    with zipfile.ZipFile(live) as package:
        [chart] = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    assert '<c:grouping val="percentStacked"/>' in chart
    series = re.findall(r"<c:ser>.*?</c:ser>", chart)
    ranges = [re.search(r"<c:val><c:numRef><c:f>([^<]+)</c:f>", s).group(1) for s in series]  # type: ignore[union-attr]
    assert ranges == ["Pyramid!$I$4:$I$6", "Pyramid!$B$4:$B$6", "Pyramid!$I$4:$I$6"]
    assert re.findall(r"<c:max val=\"([^\"]+)\"/>", chart) == ["1"]

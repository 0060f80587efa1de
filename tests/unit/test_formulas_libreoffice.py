"""Live books edited the way a user would (here with openpyxl), recalculated by LibreOffice,
compared with the engine run on the edited book. One ``soffice`` call for every book.

Fixture layout (tests/fixtures/books.py): Weights rows 2-4 = Value, Activity, Rating with
columns B Default, C Partner; Bands rows 2-4 = Sales (…–1000: 10, 1000–5000: 40, 5000–…: 70);
Tiers rows 2-4 = A 20 %, B 50 %, C 100 %; Customers rows 2-6 = K001…K005.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.formula.translate import Translator
from openpyxl.workbook.workbook import Workbook

from tests.fixtures.books import BookSpec
from tests.helpers.live_books import (
    TODAY,
    compare,
    compare_pyramid,
    engine_on,
    numeric_ids_spec,
    read_scoring,
    with_override,
    write_live,
)
from tests.libreoffice import recalculate
from xlscore.analysis import analyse
from xlscore.model import Model
from xlscore.retier import retier
from xlscore.templates.demo import write_demo_book
from xlscore.workbook import formulas
from xlscore.workbook.formulas import TABLE_ROW
from xlscore.workbook.sheetdata import FormulaColumn

pytestmark = pytest.mark.libreoffice

Edit = Callable[[Workbook], None]


def weight_and_two_band_boundaries(wb: Workbook) -> None:
    wb["Weights"]["B2"] = 30  # Default: Value 50 -> 30, Activity 30 -> 50 (still 100 in all)
    wb["Weights"]["B3"] = 50
    wb["Bands"]["D2"] = 1500  # Sales: the 10-point band now ends at 1,500 ...
    wb["Bands"]["C3"] = 1500  # ... and the 40-point band starts there


def tier_share(wb: Workbook) -> None:
    wb["Tiers"]["C2"] = 40  # A: top 40 % = ceil(0.4 x 5) = 2 customers


def customer_value_policy_and_approval(wb: Workbook) -> None:
    wb["Customers"]["E5"] = 6000  # K004's Sales was blank
    wb["Indicators"]["C3"] = "zero"  # Activity: a missing Visits now scores 0 instead of being left out
    wb["Indicators"]["D4"] = "no"  # Rating no longer needs approval: K002's 90 counts


def thresholds_instead_of_shares(wb: Workbook) -> None:
    for row, low in ((2, 80), (3, 50), (4, 0)):
        wb["Tiers"].cell(row, 2).value = low
        wb["Tiers"].cell(row, 3).value = None


def new_customer(wb: Workbook) -> None:
    """The documented way: a row in tblCustomers, its ID below tblScoring, formulas copied down."""
    customers = wb["Customers"]
    for col, value in enumerate(["K006", "Fern", "Ann", None, 5200, 11, 5, 70, "yes", None], start=1):
        customers.cell(7, col, value)
    customers.tables["tblCustomers"].ref = "A1:J7"
    scoring = wb["Scoring"]
    table = scoring.tables["tblScoring"]
    last = TABLE_ROW + 5
    for col in range(1, scoring.max_column + 1):
        above = scoring.cell(last, col)
        below = scoring.cell(last + 1, col)
        if isinstance(above.value, str) and above.value.startswith("="):
            below.value = Translator(above.value, origin=above.coordinate).translate_formula(below.coordinate)
        else:
            below.value = above.value
        below.number_format = above.number_format
        below.font = copy(above.font)
    scoring.cell(last + 1, 1, "K006")
    first, _, end = table.ref.partition(":")
    table.ref = f"{first}:{end.rstrip('0123456789')}{last + 1}"


EDITS: dict[str, Edit] = {
    "weights_bands": weight_and_two_band_boundaries,
    "share": tier_share,
    "values_rules": customer_value_policy_and_approval,
    "thresholds": thresholds_instead_of_shares,
    "growth": new_customer,
}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Any, Model]]:
    """name -> (recalculated book, engine result and model of the edited book); one soffice run."""
    folder = tmp_path_factory.mktemp("edits")
    live = folder / "live.xlsx"
    assert write_live(folder / "input.xlsx", live, BookSpec()) is not None
    books: dict[str, tuple[Path, Any, Model]] = {}
    for name, edit in EDITS.items():
        wb = openpyxl.load_workbook(live)
        edit(wb)
        path = folder / f"{name}.xlsx"
        wb.save(path)
        books[name] = (path, engine_on(path), analyse(path, TODAY).book.model)
    numeric = folder / "numeric_input.xlsx"
    assert write_live(numeric, folder / "numeric.xlsx", numeric_ids_spec()) is not None
    books["numeric"] = (folder / "numeric.xlsx", engine_on(numeric), analyse(numeric, TODAY).book.model)
    overridden = folder / "override_input.xlsx"
    assert write_live(overridden, folder / "override.xlsx", BookSpec(), with_override) is not None
    books["override"] = (folder / "override.xlsx", engine_on(overridden), analyse(overridden, TODAY).book.model)
    demo = folder / "demo_zh.xlsx"
    write_demo_book(demo, 200, 11, "zh")
    retier(demo, folder / "live_zh.xlsx", as_of=TODAY, live=True)
    books["live_zh"] = (folder / "live_zh.xlsx", engine_on(demo), analyse(demo, TODAY).book.model)
    with pytest.MonkeyPatch.context() as patch:  # every formula column cached blank: only a recalculation fills it
        patch.setattr(formulas, "FormulaColumn", lambda text, cached, row: FormulaColumn(text, [None] * len(cached),
                                                                                           row))
        retier(demo, folder / "blind_zh.xlsx", as_of=TODAY, live=True)
    books["blind_zh"] = (folder / "blind_zh.xlsx", engine_on(demo), analyse(demo, TODAY).book.model)
    done = recalculate([path for path, _, _ in books.values()], folder / "recalculated")
    return {name: (out, result, model) for (name, (_, result, model)), out in zip(books.items(), done, strict=True)}


def scores(path: Path, sheet: str = "Scoring") -> dict[str, tuple[Any, ...]]:
    return {r["Customer ID"]: (r["Score"], r["Rank"], r["Tier"], r["Flags"]) for r in read_scoring(path, sheet)}


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edited_live_book_recalculates_to_the_engine_on_the_edited_model(
        recalculated: dict[str, tuple[Path, Any, Model]], name: str) -> None:
    path, result, model = recalculated[name]
    assert compare(name, read_scoring(path), result, model, by_id=True) == []
    assert compare_pyramid(name, path, result, model) == []


def test_edits_move_scores_as_hand_checked(recalculated: dict[str, tuple[Path, Any, Model]]) -> None:
    # Sales 1000 now falls in the 10-point band: K002 (Partner 40/40/20) Value 10 + 5 = 15,
    # Activity 20, Rating unapproved: (15 x 40 + 20 x 40) / 80 = 17.5
    assert scores(recalculated["weights_bands"][0])["K002"][0] == 17.5
    # Top 40 % of 5 is 2 customers: K005 (rank 2) moves from B to A
    assert scores(recalculated["share"][0])["K005"][2] == "A"
    # K004 gains Sales 6000 (70) + Margin 10 (30) = Value 100: (100 x 50 + 100 x 30 + 60 x 20) / 100 = 92
    # K002's Rating 90 counts now: (45 x 40 + 20 x 40 + 90 x 20) / 100 = 44
    edited = scores(recalculated["values_rules"][0])
    assert edited["K004"][0] == 92 and edited["K004"][3] is None
    assert edited["K002"][0] == 44
    # Thresholds 80 / 50 / 0: K001 96 -> A, K004 57 -> B, K003 10 -> C
    by_threshold = scores(recalculated["thresholds"][0])
    assert [by_threshold[k][2] for k in ("K001", "K004", "K003")] == ["A", "B", "C"]
    # K006: Sales 5200 (70) + Margin 11 (30) = 100, Visits 5 (100), Rating 70:
    # (100 x 50 + 100 x 30 + 70 x 20) / 100 = 94, second after K001's 96
    assert scores(recalculated["growth"][0])["K006"][:2] == (94, 2)


def test_numeric_ids_and_a_blank_customer_row_recalculate_to_the_engine(
        recalculated: dict[str, tuple[Path, Any, Model]]) -> None:
    path, result, model = recalculated["numeric"]
    rows = read_scoring(path)
    assert [r["Customer ID"] for r in rows] == [101, 105, 104, 102, 103]  # rank order of K001, K005, ...
    assert compare("numeric", rows, result, model) == []


def test_an_override_survives_recalculation(recalculated: dict[str, tuple[Path, Any, Model]]) -> None:
    path, result, model = recalculated["override"]
    rows = read_scoring(path)
    assert {r["Customer ID"]: r["Tier"] for r in rows}["K003"] == "A"
    assert compare("override", rows, result, model) == []


def test_a_chinese_live_book_recalculates_to_the_engine(recalculated: dict[str, tuple[Path, Any, Model]]) -> None:
    path, result, model = recalculated["live_zh"]
    rows = read_scoring(path, sheet="评分")
    assert len(rows) == 200
    assert compare("live_zh", rows, result, model) == []


def test_shared_formulas_as_written_recalculate_to_the_engine(
        recalculated: dict[str, tuple[Path, Any, Model]]) -> None:
    """The book as xlscore writes it (shared formulas, not re-saved by openpyxl), its cached
    values blanked: LibreOffice reads every row's formula and computes the engine's values."""
    path, result, model = recalculated["blind_zh"]
    written = path.parent.parent / "blind_zh.xlsx"
    assert {r["Score"] for r in read_scoring(written, sheet="评分")} == {None}  # nothing cached to fall back on
    rows = read_scoring(path, sheet="评分")
    assert len(rows) == 200
    assert compare("blind_zh", rows, result, model) == []
    ws = openpyxl.load_workbook(path)["评分"]
    last = TABLE_ROW + 200
    for col in range(2, 14):  # Customer ... Flags: a formula in every row
        cells = [ws.cell(r, col).value for r in range(TABLE_ROW + 1, last + 1)]
        assert all(isinstance(v, str) and v.startswith("=") for v in cells), col

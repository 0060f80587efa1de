"""What a printed or freshly opened re-tiered book looks like: the contract of the output sheets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlscore.retier import retier
from xlscore.templates.demo import write_demo_book

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module", params=["en", "zh"])
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("print")
    raw, out = folder / "raw.xlsx", folder / f"out-{request.param}.xlsx"
    write_demo_book(raw, 60, 3, request.param)
    retier(raw, out, as_of=date(2026, 11, 2))
    return out


def _names(book: Path) -> tuple[str, str]:
    wb = load_workbook(book, read_only=False)
    return ("Scoring", "Pyramid") if "Scoring" in wb.sheetnames else ("评分", "金字塔")


def test_scoring_prints_one_page_wide_landscape_with_header_repeated_and_footer(book: Path) -> None:
    wb = load_workbook(book)
    scoring = wb[_names(book)[0]]
    assert scoring.sheet_properties.pageSetUpPr.fitToPage
    assert scoring.page_setup.fitToWidth == 1 and scoring.page_setup.fitToHeight == 0
    assert scoring.page_setup.orientation == "landscape"
    assert scoring.print_title_rows == "$1:$1"
    footer = scoring.oddFooter.center.text or ""
    assert "&P" in footer and "&N" in footer and "&A" in footer and "2026-11-02" in footer


def test_the_book_opens_on_scoring(book: Path) -> None:
    wb = load_workbook(book)
    assert wb.active is not None and wb.active.title == _names(book)[0]
    assert wb.active.sheet_view.tabSelected


def test_pyramid_helper_columns_are_hidden_and_still_plotted(book: Path) -> None:
    wb = load_workbook(book)
    pyramid = wb[_names(book)[1]]
    headers = {cell.value: cell.column_letter for cell in pyramid[3] if cell.value}
    label = headers.get("Label") or headers["标签"]
    spacer = headers.get("Spacer") or headers["留白"]
    assert pyramid.column_dimensions[label].hidden and pyramid.column_dimensions[spacer].hidden
    visible = [letter for text, letter in headers.items() if letter not in (label, spacer)]
    assert not any(pyramid.column_dimensions[letter].hidden for letter in visible)
    import zipfile

    with zipfile.ZipFile(book) as z:
        charts = [z.read(n) for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert any(b'<c:plotVisOnly val="0"/>' in c for c in charts)  # hidden helper cells are still drawn


def test_tier_cells_carry_their_tier_colour(book: Path) -> None:
    wb = load_workbook(book)
    scoring = wb[_names(book)[0]]
    headers = [c.value for c in scoring[1]]
    col = headers.index("Tier" if "Tier" in headers else "层级") + 1
    colours = {}
    for row in range(2, scoring.max_row + 1):
        cell = scoring.cell(row, col)
        if cell.value:
            colours.setdefault(cell.value, cell.fill.fgColor.rgb)
    tiers = wb["Tiers" if "Tiers" in wb.sheetnames else "层级"]
    expected = {r[0].value: "FF" + r[5].value for r in tiers.iter_rows(min_row=2) if r[0].value}
    assert colours == {name: expected[name] for name in colours}
    assert len(colours) == 4

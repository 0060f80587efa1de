"""Random models and customers -> ``retier --live`` -> LibreOffice full recalculation -> the
values LibreOffice computed from the formulas equal the engine's, cell for cell.

Hypothesis draws the books (one example = one book; models that do not validate, e.g. whose
best points do not add up to 100, are rejected); all books are then recalculated by a
single ``soffice`` call, since its start-up costs about a second, and compared. A failure
lists the differing cells and keeps the books for inspection.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from tests.helpers.live_books import Mismatch, compare, compare_pyramid, read_scoring, spec_of, write_live
from tests.libreoffice import recalculate
from xlscore.model import Model

from .strategies import customers, models

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

BOOKS = 48


@st.composite
def model_and_rows(draw: st.DrawFn) -> tuple[Model, list[dict[str, Any]]]:
    model = draw(models())
    return model, draw(customers(model, max_rows=40))


def test_live_formulas_recalculated_by_libreoffice_equal_the_engine() -> None:
    folder = Path(tempfile.mkdtemp(prefix="xlscore-live-"))
    books: list[tuple[Path, Model, Any]] = []

    @settings(max_examples=BOOKS, deadline=None, phases=[Phase.generate], database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(model_and_rows())
    def write_book(case: tuple[Model, list[dict[str, Any]]]) -> None:
        model, rows = case
        k = len(books)
        live = folder / f"live{k:02d}.xlsx"
        result = write_live(folder / f"in{k:02d}.xlsx", live, spec_of(model, rows))
        assume(result is not None)
        books.append((live, model, result))

    write_book()
    assert {model.scheme for _, model, _ in books} == {"share", "threshold"}
    recalculated = recalculate([path for path, _, _ in books], folder / "recalculated")
    mismatches: list[Mismatch] = []
    for (path, model, result), done in zip(books, recalculated, strict=True):
        mismatches += compare(path.name, read_scoring(done), result, model)
        mismatches += compare_pyramid(path.name, done, result, model)
    shown = "\n".join(map(str, mismatches[:25]))
    assert not mismatches, f"{len(mismatches)} cells differ in {len(books)} books (kept in {folder}):\n{shown}"
    shutil.rmtree(folder)

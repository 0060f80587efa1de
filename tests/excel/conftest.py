"""Real Excel through xlwings: these tests run only on Windows with Excel installed.

Everywhere else every test here is skipped with the reason. The UDF formula test also
needs the add-in installed (``xlscore addin install``), because Excel calls UDFs through
its VBA wrappers; it says so when they are missing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from xlscore.templates.demo import write_demo_book

DEMO_CUSTOMERS = 200


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.excel)


def _excel_unavailable() -> str | None:
    if sys.platform != "win32":
        return (f"needs Microsoft Excel on Windows, driven by xlwings over COM (this is {sys.platform}); "
                "see the manual checklist in docs/excel.md")
    try:
        import xlwings as xw

        app = xw.App(visible=False, add_book=False)
    except Exception as exc:  # no Excel, or COM refused
        return f"Excel could not be started through xlwings: {exc}"
    app.quit()
    return None


@pytest.fixture(scope="session")
def excel() -> Iterator[Any]:
    """A hidden Excel instance for the session."""
    reason = _excel_unavailable()
    if reason:
        pytest.skip(reason)
    import xlwings as xw

    app = xw.App(visible=False, add_book=False)
    app.display_alerts = False
    try:
        yield app
    finally:
        for book in list(app.books):
            book.close()
        app.quit()


@pytest.fixture
def demo_book(excel: Any, tmp_path: Path) -> Iterator[Any]:
    """The seeded demo book open in Excel, as the calling book of the macros."""
    path = tmp_path / "demo.xlsx"
    write_demo_book(path, DEMO_CUSTOMERS, seed=7)
    book = excel.books.open(str(path))
    book.set_mock_caller()
    try:
        yield book
    finally:
        book.close()

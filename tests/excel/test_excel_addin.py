"""The installed add-in in real Excel: settings read back by its VBA, Workbook_Open, the install doctor.

Needs Excel on Windows and ``xlscore addin install`` done for this Python; skipped otherwise,
with the reason. Excel started through automation does not load XLSTART, so the add-in is
opened explicitly (which runs its Workbook_Open, as a normal start does).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from xlscore.addin.doctor import doctor
from xlscore.addin.install import install_target, interpreter_path
from xlscore.addin.runtime import installed_xlwings
from xlscore.addin.targets import trusted_locations_disabled


@pytest.fixture
def target(excel: Any) -> Any:
    """This machine's install target (after the excel fixture, which skips without Excel)."""
    return install_target(installed_xlwings().project_name)


@pytest.fixture
def addin(excel: Any, target: Any) -> Iterator[Any]:
    if not target.addin_file.is_file():
        pytest.skip(f"the add-in is not installed ({target.addin_file}): run `xlscore addin install` first")
    book = excel.books.open(str(target.addin_file))
    try:
        yield book
    finally:
        book.close()


def test_the_install_passes_every_doctor_check(target: Any) -> None:
    checks = doctor(
        target,
        installed_xlwings(),
        this_python=interpreter_path(),
        trusted_locations_disabled=trusted_locations_disabled(),
    )
    assert [c for c in checks if not c.ok] == []


def test_vba_reads_the_interpreter_path_as_install_wrote_it(excel: Any, addin: Any) -> None:
    # The runtime's own GetConfig reads the settings file with Open ... For Input: in the ANSI
    # code page. A non-ASCII user folder (C:\Users\José) proves the encoding; ASCII still proves the key.
    read_back = excel.api.Run(f"'{addin.name}'!GetConfig", "INTERPRETER_WIN")
    assert read_back == interpreter_path()
    assert excel.api.Run(f"'{addin.name}'!GetConfig", "UDF Modules") == "xlscore.udfs"


def test_workbook_open_registers_the_udfs_and_leaves_the_add_in_saved(addin: Any) -> None:
    assert addin.api.IsAddin
    assert addin.api.Saved  # Workbook_Open ran to its end: MacroOptions, then Saved = True

"""What Excel and the add-in builder see of xlscore.udfs: names, arguments, no Windows imports."""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing

from xlscore import udfs
from xlscore.addin.wrappers import collect_udfs, wrapper_module_source

TABLES = ("customers", "indicators", "weights", "bands", "tiers")


def test_the_add_in_finds_exactly_the_five_udfs_none_volatile() -> None:
    found = {spec.name: spec for spec in collect_udfs("xlscore.udfs")}
    assert sorted(found) == ["CUSTOMER_EXPLAIN", "CUSTOMER_RANK", "CUSTOMER_SCORE", "CUSTOMER_TIER", "XLSCORE_TABLE"]
    assert not any(spec.volatile or spec.is_sub for spec in found.values())
    assert [a.name for a in found["CUSTOMER_SCORE"].arguments] == ["customer_id", *TABLES]
    assert [a.optional for a in found["CUSTOMER_SCORE"].arguments] == [False] * 5 + [True]
    assert [a.optional for a in found["CUSTOMER_TIER"].arguments] == [False] * 6 + [True, True]
    assert [a.name for a in found["CUSTOMER_TIER"].arguments][-2:] == ["overrides", "as_of"]
    assert [a.name for a in found["XLSCORE_TABLE"].arguments] == [*TABLES, "header", "overrides", "as_of"]
    source = wrapper_module_source("xlscore.udfs", tuple(found.values()))
    assert "Function CUSTOMER_SCORE(customer_id, customers, indicators, weights, bands, Optional tiers)" in source
    assert "Application.Volatile" not in source


def test_annotations_keep_xlwings_default_conversion() -> None:
    """xlwings reads a UDF's type hints as converters; only Any keeps 2-D lists of plain values."""
    for name in udfs.__all__:
        hints = typing.get_type_hints(getattr(udfs, name))
        assert set(hints.values()) == {typing.Any}, (name, hints)
        assert len(inspect.signature(getattr(udfs, name)).parameters) == len(hints) - 1


def test_importing_the_excel_modules_never_loads_windows_only_code() -> None:
    code = ("import sys, xlscore, xlscore.engine, xlscore.udfs, xlscore.macros; "
            "print(sorted(m for m in ('xlwings.udfs', 'pythoncom', 'win32com', 'pywintypes') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

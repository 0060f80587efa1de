"""The add-in's Workbook_Open registers every UDF with Application.MacroOptions (Insert Function)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from xlscore.addin.build import build_addin
from xlscore.addin.errors import AddinError
from xlscore.addin.macro_options import workbook_open_code
from xlscore.addin.wrappers import UdfArgument, UdfSpec, collect_udfs

from .addin_helpers import sample_build, vba_modules


def registrations(this_workbook: str) -> dict[str, str]:
    """UDF name -> its whole MacroOptions statement (continuation lines joined)."""
    joined = this_workbook.replace(" _\r\n", " ")
    statements = re.findall(r"^ *Application\.MacroOptions (.*)\r$", joined, flags=re.M)
    return {re.search(r"'!(\w+)\"", s).group(1): s for s in statements}  # type: ignore[union-attr]


def workbook_open(this_workbook: str) -> str:
    body = re.search(r"^Private Sub Workbook_Open\(\)\r\n(.*?)^End Sub", this_workbook, flags=re.M | re.S)
    assert body is not None, "ThisWorkbook has no Workbook_Open"
    return body.group(1)


def test_workbook_open_registers_each_function_then_marks_the_add_in_saved() -> None:
    this_workbook = vba_modules(sample_build().data)["ThisWorkbook"]
    body = workbook_open(this_workbook)
    assert body.rstrip().endswith("ThisWorkbook.Saved = True")
    registered = registrations(this_workbook)
    assert sorted(registered) == ["DOUBLE_IT", "NOW_SCORE", "SCORE_TABLE", "WHERE_AM_I"]  # not the Sub
    score_table = registered["SCORE_TABLE"]
    assert score_table.startswith("""Macro:="'" & ThisWorkbook.Name & "'!SCORE_TABLE", """)
    assert 'Description:="Scores every row of the table.", ' in score_table
    assert 'Category:="Scoring"' in score_table
    assert score_table.endswith(
        'ArgumentDescriptions:=Array("the ""Customers"" table, with its header row", "weights", "rounding")'
    )
    # caller and vba= arguments are not typed in the formula, so they get no description
    assert registered["NOW_SCORE"].endswith('ArgumentDescriptions:=Array("ids")')
    assert registered["WHERE_AM_I"].endswith('ArgumentDescriptions:=Array("x")')
    assert 'Category:="xlscore"' in registered["DOUBLE_IT"]


def test_xlscore_udfs_get_their_docstrings_and_the_xlscore_category() -> None:
    udfs = {udf.name: udf for udf in collect_udfs("xlscore.udfs")}
    registered = registrations(vba_modules(build_addin().data)["ThisWorkbook"])
    assert set(registered) == set(udfs) >= {"CUSTOMER_SCORE", "CUSTOMER_RANK", "CUSTOMER_TIER", "XLSCORE_TABLE"}
    score = registered["CUSTOMER_SCORE"]
    assert f'Description:="{udfs["CUSTOMER_SCORE"].description.splitlines()[0]}"' in score
    assert 'Category:="xlscore"' in score
    assert '"the Customer ID, e.g. [@[Customer ID]], or a range of IDs"' in score
    assert all(len(line) < 1024 for line in vba_modules(build_addin().data)["ThisWorkbook"].split("\r\n"))


def test_long_texts_are_cut_to_excels_limit_and_continued_over_lines() -> None:
    arguments = tuple(UdfArgument(f"a{i}", None, False, False, doc="d" * 300) for i in range(12))
    code = workbook_open_code([UdfSpec("LONG_ONE", arguments, description="x" * 400)])
    assert f'Description:="{"x" * 255}"' in code
    assert code.count(f'"{"d" * 255}"') == 12
    assert all(len(line) <= 1023 for line in code.split("\n"))
    assert registrations(code.replace("\n", "\r\n"))["LONG_ONE"].count('"' + "d" * 255 + '"') == 12


def test_a_description_vba_cannot_hold_fails_the_build_naming_the_udf() -> None:
    udf = UdfSpec("SCORE_IT", (), description="score ≤ 100")
    with pytest.raises(AddinError, match=r"UDF SCORE_IT: '≤' cannot be written in the add-in's VBA code page"):
        workbook_open_code([udf])
    assert workbook_open_code([dataclasses.replace(udf, is_sub=True)]) == ""


def test_without_udfs_there_is_no_workbook_open() -> None:
    built = build_addin(udf_module="tests.unit.no_such_udf_module")
    assert "Workbook_Open" not in vba_modules(built.data)["ThisWorkbook"]

"""UDF wrappers: metadata collected like xlwings' decorators, VBA written in xlwings' shape."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import xlwings

from xlscore.addin.errors import AddinError
from xlscore.addin.wrappers import (
    UdfArgument,
    UdfModuleNotFoundError,
    UdfSpec,
    collect_udfs,
    wrapper_module_source,
)

from .addin_helpers import SAMPLE_UDF_MODULE

# What xlwings 0.37.8 udfs.generate_vba_wrapper writes for these two functions in an add-in.
XLWINGS_SHAPE = """\
Attribute VB_Name = "xlscore_udfs"
'Generated from the Python module demo.udfs by xlscore addin build - changes will be lost.
#Const App = "Microsoft Excel" 'Adjust when using outside of Excel
Function SCORE_TABLE(table, weights, Optional rounding)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        SCORE_TABLE = XLPy.CallUDF("demo.udfs", "SCORE_TABLE", Array(table, weights, rounding), \
ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        SCORE_TABLE = XLPy.CallUDF("demo.udfs", "SCORE_TABLE", Array(table, weights, rounding))
        Exit Function
    #End If
failed:
    SCORE_TABLE = Err.Description
End Function

Function NOW_SCORE(ParamArray ids())
    If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function
    Application.Volatile
    Dim argsArray() As Variant
    argsArray = Array(Nothing)
    ReDim Preserve argsArray(0 to UBound(ids) - LBound(ids) + 1)
    For k = LBound(ids) To UBound(ids)
    argsArray(1 + k - LBound(ids)) = ids(k)
    Next k
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        NOW_SCORE = XLPy.CallUDF("demo.udfs", "NOW_SCORE", argsArray, ActiveWorkbook, Application.Caller)
        Exit Function
    #Else
        NOW_SCORE = XLPy.CallUDF("demo.udfs", "NOW_SCORE", argsArray)
        Exit Function
    #End If
failed:
    NOW_SCORE = Err.Description
End Function

"""


def udf(name: str, *arguments: UdfArgument, **flags: bool) -> UdfSpec:
    return UdfSpec(name, arguments, **flags)


def argument(name: str, vba: str | None = None, optional: bool = False, vararg: bool = False) -> UdfArgument:
    return UdfArgument(name, vba, optional, vararg)


def test_wrappers_have_the_shape_xlwings_generates() -> None:
    udfs = [
        udf("SCORE_TABLE", argument("table"), argument("weights"), argument("rounding", optional=True)),
        udf("NOW_SCORE", argument("caller"), argument("ids", vararg=True), volatile=True, call_in_wizard=False),
    ]
    assert wrapper_module_source("demo.udfs", udfs) == XLWINGS_SHAPE.replace("\n", "\r\n")


def test_sub_wrapper_calls_without_assigning() -> None:
    source = wrapper_module_source("m", [udf("REFRESH", is_sub=True)]).split("\r\n")
    assert source[3:9] == [
        "Sub REFRESH()",
        '    #If App = "Microsoft Excel" Then',
        '        XLPy.CallUDF "m", "REFRESH", Array(), ActiveWorkbook, Application.Caller',
        "    #Else",
        '        XLPy.CallUDF "m", "REFRESH", Array()',
        "    #End If",
    ]


def test_lines_longer_than_vba_allows_are_continued() -> None:
    names = [f"argument_number_{i:03}" for i in range(60)]
    source = wrapper_module_source("m", [udf("MANY_ARGUMENTS", *map(argument, names))])
    assert max(len(line) for line in source.split("\r\n")) < 1024
    assert " _\r\n" in source


def test_metadata_is_collected_from_the_decorators() -> None:
    udfs = {u.name: u for u in collect_udfs(SAMPLE_UDF_MODULE)}
    assert list(udfs) == ["DOUBLE_IT", "NOW_SCORE", "REFRESH_ALL", "SCORE_TABLE", "WHERE_AM_I"]  # dir() order
    assert udfs["SCORE_TABLE"].arguments[2] == argument("rounding", optional=True)
    assert udfs["NOW_SCORE"] == udf(
        "NOW_SCORE", argument("caller"), argument("ids", vararg=True), volatile=True, call_in_wizard=False
    )
    assert udfs["WHERE_AM_I"].arguments[0] == argument("sheet_name", vba="ActiveSheet.Name")
    assert udfs["REFRESH_ALL"].is_sub


def test_collecting_leaves_xlwings_and_the_module_as_they_were() -> None:
    decorators = {name: getattr(xlwings, name) for name in ("func", "sub", "arg", "ret")}
    imported_before = sys.modules.get(SAMPLE_UDF_MODULE)
    collect_udfs(SAMPLE_UDF_MODULE)
    assert {name: getattr(xlwings, name) for name in decorators} == decorators
    assert sys.modules.get(SAMPLE_UDF_MODULE) is imported_before


def write_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, body: str) -> str:
    (tmp_path / f"{name}.py").write_text("import xlwings as xw\n\n" + body)
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


@pytest.mark.parametrize("bad_name", ["XS1", "ADD2", "R1C1", "rc"])
def test_names_excel_reads_as_cell_references_are_refused(
    bad_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = write_module(
        tmp_path, monkeypatch, f"cellname_{bad_name}", f"@xw.func\ndef {bad_name}(x):\n    return x\n"
    )
    with pytest.raises(AddinError, match="reads this name as a cell reference"):
        collect_udfs(module)


def test_names_that_only_resemble_references_are_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "@xw.func\ndef XFE1(x):\n    return x\n\n@xw.func\ndef CUSTOMER_SCORE(x):\n    return x\n"
    module = write_module(tmp_path, monkeypatch, "fine_names", body)
    assert [u.name for u in collect_udfs(module)] == ["CUSTOMER_SCORE", "XFE1"]  # XFE is past column XFD


def test_keyword_only_arguments_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = write_module(tmp_path, monkeypatch, "kwonly", "@xw.func\ndef F(x, *, y=1):\n    return x\n")
    with pytest.raises(AddinError, match="no keyword-only arguments"):
        collect_udfs(module)


def test_arg_decorator_naming_no_argument_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = '@xw.func\n@xw.arg("z", ndim=2)\ndef F(x):\n    return x\n'
    with pytest.raises(AddinError, match="'z', which is not an argument"):
        collect_udfs(write_module(tmp_path, monkeypatch, "badarg", body))


def test_missing_module_is_reported_by_name() -> None:
    with pytest.raises(UdfModuleNotFoundError, match=r"no_such_package\.udfs cannot be found"):
        collect_udfs("no_such_package.udfs")


def test_metadata_attached_by_xlwings_itself_is_read_as_xlwings_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On Windows, functions imported from a module loaded earlier carry xlwings' own
    # __xlfunc__; an argument is optional when the key is present, even for a default of None.
    body = """
def F(x, y=None):
    return x

F.__xlfunc__ = {
    "name": "F", "sub": False, "call_in_wizard": True, "volatile": False, "category": "xlscore",
    "args": [
        {"name": "x", "pos": 0, "vba": None, "doc": "", "vararg": False, "options": {}},
        {"name": "y", "pos": 1, "vba": None, "doc": "", "vararg": False, "options": {}, "optional": None},
    ],
}
"""
    module = write_module(tmp_path, monkeypatch, "predecorated", body)
    assert collect_udfs(module) == (udf("F", argument("x"), argument("y", optional=True)),)

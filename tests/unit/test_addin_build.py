"""The built add-in: package parts, ribbon, VBA modules read back by olevba, determinism."""

from __future__ import annotations

import ast
import importlib.util
import io
import os
import re
import stat
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import olefile
import pytest

from xlscore.addin.build import addin_source_dir, build_addin, write_addin
from xlscore.addin.errors import AddinError
from xlscore.addin.parts import ADDIN_WORKBOOK_CONTENT_TYPE, CUSTOM_UI_PARTS
from xlscore.addin.runtime import RUNTIME_MODULE_FILE, xlwings_package_dir
from xlscore.vba import class_module_source

from .addin_helpers import SAMPLE_UDF_MODULE, package_parts, sample_build, vba_modules

CUSTOM_UI = "{http://schemas.microsoft.com/office/2006/01/customui}"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

# Button label -> the xlscore.macros function its callback runs.
RIBBON = {
    "Re-tier": "retier",
    "Validate": "validate",
    "Explain": "explain_selection",
    "Snapshot": "snapshot",
    "New from template": "new_from_template",
}


@pytest.fixture(scope="module")
def parts() -> dict[str, bytes]:
    return package_parts(sample_build().data)


@pytest.fixture(scope="module")
def modules() -> dict[str, str]:
    return vba_modules(sample_build().data)


def buttons(parts: dict[str, bytes]) -> list[ElementTree.Element]:
    return list(ElementTree.fromstring(parts["customUI/customUI.xml"]).iter(f"{CUSTOM_UI}button"))


def test_two_builds_give_identical_bytes() -> None:
    assert build_addin(udf_module=SAMPLE_UDF_MODULE).data == sample_build().data


def test_zip_entries_are_sorted_with_fixed_timestamps() -> None:
    with zipfile.ZipFile(io.BytesIO(sample_build().data)) as package:
        entries = package.infolist()
    assert [e.filename for e in entries] == sorted(e.filename for e in entries)
    assert entries[0].filename == "[Content_Types].xml"
    assert {(e.date_time, e.create_system) for e in entries} == {((1980, 1, 1, 0, 0, 0), 0)}


def test_workbook_part_has_the_add_in_content_type(parts: dict[str, bytes]) -> None:
    types = ElementTree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.attrib["PartName"]: o.attrib["ContentType"] for o in types.iter(f"{CONTENT_TYPES}Override")}
    assert overrides["/xl/workbook.xml"] == ADDIN_WORKBOOK_CONTENT_TYPE
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    for part in overrides:
        assert part.lstrip("/") in parts, f"content type for a missing part {part}"


# [MS-CUSTOMUI] 2.1 and [MS-CUSTOMUI2] 2.1: each customUI namespace has its own relationship type.
SPEC_PAIRS = {
    "http://schemas.microsoft.com/office/2006/01/customui": (
        "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
    ),
    "http://schemas.microsoft.com/office/2009/07/customui": (
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
    ),
}


def root_relationships(parts: dict[str, bytes]) -> dict[str, str]:
    relationships = ElementTree.fromstring(parts["_rels/.rels"]).iter(f"{RELATIONSHIPS}Relationship")
    return {r.attrib["Target"]: r.attrib["Type"] for r in relationships}


def test_custom_ui_relationship_type_pairs_with_its_namespace(parts: dict[str, bytes]) -> None:
    relationship_type = root_relationships(parts)["customUI/customUI.xml"]
    namespace = ElementTree.fromstring(parts["customUI/customUI.xml"]).tag[1:].split("}")[0]
    assert namespace == "http://schemas.microsoft.com/office/2006/01/customui"
    assert relationship_type == SPEC_PAIRS[namespace]
    assert parts["customUI/customUI.xml"] == (addin_source_dir() / "customUI.xml").read_bytes()
    assert {ns: part.relationship_type for ns, part in CUSTOM_UI_PARTS.items()} == SPEC_PAIRS


def test_an_office_2010_ribbon_gets_its_own_part_and_relationship(tmp_path: Path) -> None:
    for source in addin_source_dir().iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    ribbon = (tmp_path / "customUI.xml").read_text().replace("2006/01/customui", "2009/07/customui")
    (tmp_path / "customUI.xml").write_text(ribbon)
    built = package_parts(build_addin(udf_module=SAMPLE_UDF_MODULE, source_dir=tmp_path).data)
    assert root_relationships(built)["customUI/customUI14.xml"] == SPEC_PAIRS[
        "http://schemas.microsoft.com/office/2009/07/customui"
    ]
    assert "customUI/customUI.xml" not in built


def test_written_add_in_gets_the_usual_file_mode(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_addin(tmp_path / "xlscore.xlam", b"PK")
        (tmp_path / "kept.xlam").write_bytes(b"old")
        (tmp_path / "kept.xlam").chmod(0o664)
        write_addin(tmp_path / "kept.xlam", b"PK")  # replacing a file keeps its mode
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "xlscore.xlam").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "kept.xlam").stat().st_mode) == 0o664
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_ribbon_has_the_xlscore_tab_and_its_buttons(parts: dict[str, bytes]) -> None:
    root = ElementTree.fromstring(parts["customUI/customUI.xml"])
    assert [tab.attrib["label"] for tab in root.iter(f"{CUSTOM_UI}tab")] == ["xlscore"]
    assert [b.attrib["label"] for b in buttons(parts)] == list(RIBBON)
    assert all(b.attrib.get("imageMso") for b in buttons(parts))  # Office's built-in icons


def test_every_ribbon_callback_has_its_sub_calling_its_macro(parts: dict[str, bytes], modules: dict[str, str]) -> None:
    for button in buttons(parts):
        module_name, sub_name = button.attrib["onAction"].split(".")
        macro = RIBBON[button.attrib["label"]]
        body = re.search(
            rf"^Sub {sub_name}\(control As IRibbonControl\)\r\n(.*?)^End Sub",
            modules[module_name],
            re.M | re.S,
        )
        assert body is not None, f"no Sub {sub_name} in module {module_name}"
        assert f'RunPython "import xlscore.macros; xlscore.macros.{macro}()"\r\n' in body.group(1)


def callback_body(modules: dict[str, str], callback: str) -> list[str]:
    module_name, sub_name = callback.split(".")
    pattern = rf"^Sub {sub_name}\(control As IRibbonControl\)\r\n(.*?)^End Sub"
    body = re.search(pattern, modules[module_name], re.M | re.S)
    assert body is not None, f"no Sub {sub_name} in module {module_name}"
    return [line.strip() for line in body.group(1).split("\r\n") if line.strip() and not line.strip().startswith("'")]


def test_every_ribbon_callback_guards_against_no_open_workbook(
    parts: dict[str, bytes], modules: dict[str, str]
) -> None:
    """With no workbook open ActiveWorkbook is Nothing: VBA error 91 unless checked before RunPython."""
    for button in buttons(parts):
        lines = callback_body(modules, button.attrib["onAction"])
        guard = lines.index("If ActiveWorkbook Is Nothing Then")
        run = next(i for i, line in enumerate(lines) if line.startswith("RunPython "))
        end_if = lines.index("End If", guard)
        assert guard < end_if < run, button.attrib["label"]
        handling = lines[guard + 1 : end_if]
        if button.attrib["label"] == "New from template":  # must work with no book: it lends RunPython one
            assert handling == ["Set lent = Workbooks.Add"]
            assert lines[run + 1 :] == ["If Not lent Is Nothing Then lent.Close SaveChanges:=False"]
        else:
            assert handling[-1] == "Exit Sub" and handling[0].startswith("XlscoreNeedsWorkbook ")
            assert lines[run + 1 :] == []


def test_xlwings_runtime_reads_back_byte_for_byte_as_installed(modules: dict[str, str]) -> None:
    installed = (xlwings_package_dir() / RUNTIME_MODULE_FILE).read_bytes()
    assert installed.count(b"\r\n") == installed.count(b"\n")  # shipped with CRLF: nothing to normalise
    assert installed.startswith(b'Attribute VB_Name = "xlwings"\r\n')  # the module name is the file's own
    assert modules["xlwings"].encode("cp1252") == installed


def test_class_modules_are_the_installed_files_in_stored_form(modules: dict[str, str]) -> None:
    dictionary_cls = (xlwings_package_dir() / "addin" / "Dictionary.cls").read_bytes().decode("cp1252")
    assert modules["Dictionary"] == class_module_source(dictionary_cls)


def test_code_names_match_document_modules(parts: dict[str, bytes]) -> None:
    workbook = ElementTree.fromstring(parts["xl/workbook.xml"])
    sheet = ElementTree.fromstring(parts["xl/worksheets/sheet1.xml"])
    code_names = [workbook.find(f"{MAIN}workbookPr").attrib["codeName"]]  # type: ignore[union-attr]
    code_names.append(sheet.find(f"{MAIN}sheetPr").attrib["codeName"])  # type: ignore[union-attr]
    ole = olefile.OleFileIO(parts["xl/vbaProject.bin"])
    project_lines = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    ole.close()
    for code_name in code_names:
        assert f"Document={code_name}/&H00000000" in project_lines


def test_every_udf_has_its_wrapper(modules: dict[str, str]) -> None:
    wrappers = modules["xlscore_udfs"]
    declared = re.findall(r"^(Function|Sub) (\w+)\((.*)\)\r$", wrappers, flags=re.M)
    assert declared == [
        ("Function", "DOUBLE_IT", "x"),
        ("Function", "NOW_SCORE", "ParamArray ids()"),
        ("Sub", "REFRESH_ALL", ""),
        ("Function", "SCORE_TABLE", "table, weights, Optional rounding"),
        ("Function", "WHERE_AM_I", "x"),
    ]
    assert '#Const App = "Microsoft Excel"' in wrappers
    assert "Option Explicit" not in wrappers  # the wrappers use undeclared k, as xlwings' own


def test_without_the_udf_module_the_add_in_builds_without_udfs() -> None:
    built = build_addin(udf_module="tests.unit.no_such_udf_module")
    assert "xlscore_udfs" not in built.modules
    assert built.notes == ("tests.unit.no_such_udf_module does not exist yet: the add-in has no UDFs",)
    assert set(vba_modules(built.data)) == {
        "ThisWorkbook",
        "Sheet1",
        "xlwings",
        "Dictionary",
        "XlscoreRibbon",
    }


def test_ribbon_without_its_callback_sub_fails_the_build(tmp_path: Path) -> None:
    for source in addin_source_dir().iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    (tmp_path / "customUI.xml").write_text(
        (tmp_path / "customUI.xml").read_text().replace("XlscoreRibbon.XlscoreSnapshot", "XlscoreRibbon.Missing")
    )
    with pytest.raises(AddinError, match=r"calls XlscoreRibbon\.Missing, but no module has Sub Missing"):
        build_addin(udf_module=SAMPLE_UDF_MODULE, source_dir=tmp_path)


def decorated_with_xw_func(path: Path) -> set[str]:
    """Names of the functions a module decorates with xw.func, read from its source."""

    def is_func(decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        return (isinstance(target, ast.Attribute) and target.attr == "func") or (
            isinstance(target, ast.Name) and target.id == "func"
        )

    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and any(is_func(d) for d in node.decorator_list)
    }


def test_every_xlscore_udf_has_a_wrapper_in_the_built_add_in() -> None:
    spec = importlib.util.find_spec("xlscore.udfs")
    assert spec is not None and spec.origin is not None
    expected = decorated_with_xw_func(Path(spec.origin))
    assert {
        "CUSTOMER_SCORE",
        "CUSTOMER_RANK",
        "CUSTOMER_TIER",
        "CUSTOMER_EXPLAIN",
        "XLSCORE_TABLE",
    } <= expected
    wrappers = vba_modules(build_addin().data)["xlscore_udfs"]
    assert set(re.findall(r"^Function (\w+)\(", wrappers, flags=re.M)) == expected
    assert f'XLPy.CallUDF("xlscore.udfs", "{sorted(expected)[0]}"' in wrappers

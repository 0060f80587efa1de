"""Module source in stored form: .cls header stripping, document modules, line ends."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser

from xlscore.vba import WORKBOOK_DOCUMENT_BASE, WORKSHEET_DOCUMENT_BASE, class_module_source, to_crlf
from xlscore.vba.source_text import document_module_source, module_name

XLWINGS_DIR = Path(importlib.util.find_spec("xlwings").origin or "").parent  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def excel_stored_modules() -> dict[str, str]:
    """Module sources as Excel stored them in xlwings' own ribbon add-in sample."""
    with zipfile.ZipFile(XLWINGS_DIR / "quickstart_addin_ribbon.xlam") as package:
        project = package.read("xl/vbaProject.bin")
    parser = VBA_Parser("vbaProject.bin", data=project)
    modules = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_all_macros()}
    parser.close()
    return modules


def test_cls_file_becomes_what_excel_stores_for_it(excel_stored_modules: dict[str, str]) -> None:
    ours = class_module_source((XLWINGS_DIR / "addin" / "Dictionary.cls").read_bytes().decode("cp1252"))
    # The VB editor re-cases identifiers it knows (err.Raise -> Err.Raise); nothing else differs.
    assert ours.lower() == excel_stored_modules["Dictionary"].lower()
    assert ours.startswith('Attribute VB_Name = "Dictionary"\r\nAttribute VB_Base = "0{FCFB3D2A-')


def test_document_modules_match_what_excel_stores(excel_stored_modules: dict[str, str]) -> None:
    assert (
        document_module_source("ThisWorkbook", WORKBOOK_DOCUMENT_BASE) == excel_stored_modules["ThisWorkbook"]
    )
    assert document_module_source("Sheet2", WORKSHEET_DOCUMENT_BASE) == excel_stored_modules["Sheet2"]


def test_line_ends_become_crlf() -> None:
    assert to_crlf("a\nb\r\nc\rd") == "a\r\nb\r\nc\r\nd"


def test_cls_text_without_its_header_is_refused() -> None:
    with pytest.raises(ValueError, match=r"VERSION 1\.0 CLASS"):
        class_module_source('Attribute VB_Name = "X"\r\n')


def test_module_name_comes_from_the_first_line() -> None:
    assert module_name('Attribute VB_Name = "xlwings"\r\n#Const App = 1\r\n') == "xlwings"
    with pytest.raises(ValueError, match="must start with"):
        module_name("Option Explicit\r\n")


def test_stored_class_source_keeps_every_other_line() -> None:
    cls = to_crlf(
        'VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  \'True\nEND\nAttribute VB_Name = "Thing"\n'
        "Attribute VB_Exposed = False\nOption Explicit\n"
    )
    assert class_module_source(cls).split("\r\n") == [
        'Attribute VB_Name = "Thing"',
        'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"',
        "Attribute VB_Exposed = False",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = False",
        "Option Explicit",
        "",
    ]

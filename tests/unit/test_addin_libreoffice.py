"""LibreOffice opens the add-in and imports its VBA modules with the right types."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .addin_helpers import sample_build

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH"),
]


def test_libreoffice_converts_the_add_in_and_keeps_every_module(tmp_path: Path) -> None:
    xlam = tmp_path / "xlscore.xlam"
    xlam.write_bytes(sample_build().data)
    command = [
        "soffice",
        "--headless",
        f"-env:UserInstallation=file://{tmp_path / 'profile'}",
        "--infilter=Calc MS Excel 2007 VBA XML",
        "--convert-to",
        "ods",
        "--outdir",
        str(tmp_path / "out"),
        str(xlam),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    with zipfile.ZipFile(tmp_path / "out" / "xlscore.ods") as ods:
        basic = {
            name.removeprefix("Basic/xlscore/").removesuffix(".xml"): ods.read(name).decode()
            for name in ods.namelist()
            if name.startswith("Basic/xlscore/") and not name.endswith("script-lb.xml")
        }
        content = ods.read("content.xml").decode()
    types = {name: text.split('script:moduleType="', 1)[1].split('"', 1)[0] for name, text in basic.items()}
    assert types == {
        "ThisWorkbook": "document",
        "Sheet1": "document",
        "xlwings": "normal",
        "Dictionary": "class",
        "XlscoreRibbon": "normal",
        "xlscore_udfs": "normal",
    }
    assert "Sub XlscoreRetier(control As IRibbonControl)" in basic["XlscoreRibbon"]
    assert "Function DOUBLE_IT(x)" in basic["xlscore_udfs"]
    assert "xlscore add-in" in content

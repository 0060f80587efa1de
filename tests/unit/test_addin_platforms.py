"""Install on a fake macOS / Windows home: AppleScript, code page, xlwings version, permissions."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from xlscore.addin import install as install_module
from xlscore.addin.errors import AddinError
from xlscore.addin.install import InstallTarget, addin_runtime_version, install, install_target, uninstall
from xlscore.addin.runtime import installed_xlwings

from .addin_helpers import package_parts, sample_build

XLWINGS = installed_xlwings()
APPLESCRIPT_DIR = "Library/Application Scripts/com.microsoft.Excel"
JOSE = "C:\\Users\\José\\xlscore-env\\Scripts\\python.exe"


@pytest.fixture(scope="module")
def addin() -> bytes:
    return sample_build().data


def mac(tmp_path: Path) -> InstallTarget:
    return install_target("myaddin", platform="darwin", home=tmp_path)


def windows(tmp_path: Path, code_page: str = "cp1252") -> InstallTarget:
    environ = {"APPDATA": str(tmp_path / "roaming"), "USERPROFILE": str(tmp_path / "profile")}
    return install_target("myaddin", platform="win32", home=tmp_path, environ=environ, code_page=code_page)


def run(addin: bytes, target: InstallTarget, python: str = "/Users/ana/.venv/bin/python", **options: Any) -> list[str]:
    return install(addin, target, interpreter=python, udf_modules="xlscore.udfs", **options)


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


# -- 1. macOS: xlwings' AppleScript ------------------------------------------------------


def test_macos_install_copies_the_applescript_and_uninstall_removes_it(addin: bytes, tmp_path: Path) -> None:
    target = mac(tmp_path)
    script = tmp_path / APPLESCRIPT_DIR / f"xlwings-{XLWINGS.version}.applescript"
    messages = run(addin, target, xlwings=XLWINGS)
    assert script.read_bytes() == XLWINGS.applescript.read_bytes()
    assert f"Copied xlwings' AppleScript (RunPython needs it) to {script}" in messages
    record = json.loads(target.record_file.read_text())
    assert record["applescript"]["path"] == str(script) and record["applescript"]["created"] is True
    assert f"Removed {script}" in uninstall(target)
    assert not script.exists()
    assert files_under(tmp_path) == set()


def test_an_applescript_that_was_there_before_stays(addin: bytes, tmp_path: Path) -> None:
    script = tmp_path / APPLESCRIPT_DIR / f"xlwings-{XLWINGS.version}.applescript"
    script.parent.mkdir(parents=True)
    script.write_bytes(XLWINGS.applescript.read_bytes())  # from an earlier 'xlwings runpython install'
    target = mac(tmp_path)
    run(addin, target, xlwings=XLWINGS)
    run(addin, target, xlwings=XLWINGS)  # a second install still knows it was there before
    assert f"Left {script} in place: it was there before the install" in uninstall(target)
    assert script.is_file()


def test_windows_install_copies_no_applescript(addin: bytes, tmp_path: Path) -> None:
    run(addin, windows(tmp_path), python="C:\\py\\python.exe", xlwings=XLWINGS)
    assert not any("applescript" in name for name in files_under(tmp_path))


def test_macos_refusing_access_says_what_to_allow(
    addin: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(path: Path, data: bytes) -> None:
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr(install_module, "write_addin", refused)
    target = mac(tmp_path)
    with pytest.raises(AddinError) as caught:
        run(addin, target, xlwings=XLWINGS)
    message = str(caught.value)
    assert message.startswith(f"macOS did not allow this program to use {target.addin_file}")
    assert "Privacy & Security" in message and "Excel" in message
    assert "close Excel" not in message.lower() and "in use" not in message
    windows_target = windows(tmp_path / "w")
    with pytest.raises(AddinError, match=r"in use or read-only\. Close Excel"):
        run(addin, windows_target, python="C:\\py\\python.exe", xlwings=XLWINGS)


# -- 3. the settings file in the code page VBA reads -------------------------------------


def test_settings_are_written_in_the_windows_code_page(addin: bytes, tmp_path: Path) -> None:
    target = windows(tmp_path)
    run(addin, target, python=JOSE, xlwings=XLWINGS)
    data = target.config_file.read_bytes()
    assert b'"INTERPRETER_WIN","C:\\Users\\Jos\xe9\\xlscore-env\\Scripts\\python.exe"\r\n' in data
    assert "José".encode() not in data  # not UTF-8, which VBA would misread as JosÃ©
    uninstall(target)
    assert files_under(tmp_path) == set()


def test_macos_settings_use_the_mac_code_page(addin: bytes, tmp_path: Path) -> None:
    target = mac(tmp_path)
    assert target.code_page == "mac-roman"
    run(addin, target, python="/Users/ana/Développement/env/bin/python", xlwings=XLWINGS)
    assert b"/Users/ana/D\x8eveloppement/env/bin/python" in target.config_file.read_bytes()
    # the same folder as macOS names it on disk (decomposed: e + combining acute accent)
    run(addin, target, python="/Users/ana/De\u0301veloppement/env/bin/python", xlwings=XLWINGS)
    assert b"/Users/ana/D\x8eveloppement/env/bin/python" in target.config_file.read_bytes()


def test_an_existing_utf8_file_is_read_and_rewritten_in_the_code_page(addin: bytes, tmp_path: Path) -> None:
    target = windows(tmp_path)
    target.config_file.parent.mkdir(parents=True)
    target.config_file.write_bytes('\ufeff"INTERPRETER_WIN","C:\\Users\\José\\old\\python.exe"\r\n'.encode())
    run(addin, target, python=JOSE, xlwings=XLWINGS)
    record = json.loads(target.record_file.read_text())
    assert record["settings"]["INTERPRETER_WIN"]["previous"] == "C:\\Users\\José\\old\\python.exe"
    uninstall(target)  # restores the earlier value, now in the code page VBA reads
    assert target.config_file.read_bytes() == b'"INTERPRETER_WIN","C:\\Users\\Jos\xe9\\old\\python.exe"\r\n'


def test_a_path_the_code_page_cannot_hold_is_refused_and_nothing_written(addin: bytes, tmp_path: Path) -> None:
    target = windows(tmp_path)
    python = "C:\\Users\\Дмитрий\\env\\Scripts\\python.exe"
    with pytest.raises(AddinError) as caught:
        run(addin, target, python=python, xlwings=XLWINGS)
    message = str(caught.value)
    assert f'"INTERPRETER_WIN" ({python}) has \'Дмитрий\', which Excel\'s VBA cannot read back' in message
    assert "code page cp1252" in message and "C:\\xlscore-env" in message
    assert files_under(tmp_path) == set()
    run(addin, windows(tmp_path, code_page="cp1251"), python=python, xlwings=XLWINGS)  # a Cyrillic Windows


def test_the_code_page_is_injected_or_the_platforms_usual_one(tmp_path: Path) -> None:
    assert install_target("myaddin", platform="win32", home=tmp_path, environ={}).code_page == "cp1252"
    assert windows(tmp_path, code_page="cp932").code_page == "cp932"
    assert windows(tmp_path, code_page="cp65001").code_page == "utf-8"  # Windows' UTF-8 option
    with pytest.raises(AddinError, match="unknown code page 'cp99999'"):
        windows(tmp_path, code_page="cp99999")


# -- 4. the add-in's xlwings runtime must be this Python's xlwings -------------------------


def test_the_add_in_says_which_xlwings_runtime_it_holds(addin: bytes) -> None:
    assert addin_runtime_version(addin) == XLWINGS.version
    assert f"xlwings VBA runtime {XLWINGS.version}".encode() in package_parts(addin)["xl/worksheets/sheet1.xml"]


def test_an_add_in_built_with_another_xlwings_is_refused(addin: bytes, tmp_path: Path) -> None:
    upgraded = dataclasses.replace(XLWINGS, version="0.38.0")  # after pip install -U xlwings
    with pytest.raises(AddinError) as caught:
        run(addin, windows(tmp_path), python="C:\\py\\python.exe", xlwings=upgraded)
    assert str(caught.value).startswith(
        f"the add-in holds the VBA runtime of xlwings {XLWINGS.version}, but this Python has xlwings 0.38.0"
    )
    assert f"xlwings64-{XLWINGS.version}.dll" in str(caught.value)
    assert files_under(tmp_path) == set()


def test_an_add_in_that_does_not_say_its_runtime_is_refused(addin: bytes, tmp_path: Path) -> None:
    import io
    import zipfile

    parts = package_parts(addin)
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"xlwings VBA runtime", b"runtime")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    with pytest.raises(AddinError, match="was not built by xlscore addin build"):
        run(buffer.getvalue(), windows(tmp_path), python="C:\\py\\python.exe", xlwings=XLWINGS)

"""xlscore addin doctor on a fake Windows / macOS home: each check ok, or a problem with its fix."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from xlscore.addin.doctor import Check, doctor, format_checks
from xlscore.addin.errors import AddinError
from xlscore.addin.install import InstallTarget, install, install_target
from xlscore.addin.runtime import installed_xlwings

from .addin_helpers import sample_build

XLWINGS = installed_xlwings()
PYTHON = "C:\\Users\\ana\\xlscore-env\\Scripts\\python.exe"
DLL = f"C:\\Users\\ana\\xlscore-env\\xlwings64-{XLWINGS.version}.dll"  # a venv: one folder above Scripts


@pytest.fixture
def target(tmp_path: Path) -> InstallTarget:
    environ = {"APPDATA": str(tmp_path / "roaming"), "USERPROFILE": str(tmp_path / "profile")}
    target = install_target("myaddin", platform="win32", home=tmp_path, environ=environ, code_page="cp1252")
    install(sample_build().data, target, interpreter=PYTHON, udf_modules="xlscore.udfs", xlwings=XLWINGS)
    return target


def checks_of(target: InstallTarget, **options: object) -> dict[str, Check]:
    options = {"this_python": PYTHON, "exists": {PYTHON, DLL}.__contains__, "xlwings": XLWINGS} | options
    xlwings = options.pop("xlwings")
    return {check.name: check for check in doctor(target, xlwings, **options)}  # type: ignore[arg-type]


def test_a_good_windows_install_is_all_ok(target: InstallTarget) -> None:
    checks = checks_of(target, trusted_locations_disabled=False)
    assert list(checks) == [
        "Add-in file",
        "Trusted location",
        "Mark of the Web",
        "xlwings version",
        "Interpreter",
        "xlwings DLL",
        "Settings file",
    ]
    assert all(check.ok for check in checks.values()), [c for c in checks.values() if not c.ok]
    assert checks["xlwings DLL"].detail == DLL
    assert checks["Settings file"].lines == (f'"INTERPRETER_WIN","{PYTHON}"', '"UDF Modules","xlscore.udfs"')
    assert format_checks(list(checks.values()))[0] == f"ok       Add-in file: {target.addin_file}"


def test_xlwings_upgraded_after_the_install_is_a_problem(target: InstallTarget) -> None:
    check = checks_of(target, xlwings=dataclasses.replace(XLWINGS, version="0.38.0"))["xlwings version"]
    assert not check.ok
    assert check.detail.startswith(
        f"the add-in holds the runtime of xlwings {XLWINGS.version}, this Python has xlwings 0.38.0"
    )
    assert "xlscore addin install" in check.fix and f"pip install xlwings=={XLWINGS.version}" in check.fix


def test_missing_dll_and_another_interpreter_are_problems(target: InstallTarget) -> None:
    checks = checks_of(target, exists={PYTHON}.__contains__, this_python="C:\\other\\python.exe")
    assert not checks["xlwings DLL"].ok
    assert f"pip install --force-reinstall xlwings=={XLWINGS.version}" in checks["xlwings DLL"].fix
    assert not checks["Interpreter"].ok and "this command runs C:\\other\\python.exe" in checks["Interpreter"].detail


def test_mark_of_the_web_is_found_with_its_fix(target: InstallTarget) -> None:
    # On NTFS this is the file's Zone.Identifier stream; elsewhere a file of that name stands in for it.
    stream = target.addin_file.with_name(target.addin_file.name + ":Zone.Identifier")
    stream.write_text("[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://example.com/xlscore.xlam\r\n")
    check = checks_of(target)["Mark of the Web"]
    assert not check.ok and "ZoneId=3" in check.detail
    assert check.fix.endswith(f"Unblock-File -Path '{target.addin_file}'")


def test_disabled_trusted_locations_are_a_problem(target: InstallTarget) -> None:
    check = checks_of(target, trusted_locations_disabled=True)["Trusted location"]
    assert not check.ok and "Disable all Trusted Locations" in check.fix


def test_a_utf8_settings_file_is_a_problem(target: InstallTarget) -> None:
    target.config_file.write_bytes(f'"INTERPRETER_WIN","{PYTHON.replace("ana", "José")}"\r\n'.encode())
    check = checks_of(target)["Settings file"]
    assert not check.ok and "not written in cp1252" in check.detail
    assert check.lines == ('"INTERPRETER_WIN","C:\\Users\\José\\xlscore-env\\Scripts\\python.exe"',)


def test_nothing_installed(tmp_path: Path) -> None:
    environ = {"APPDATA": str(tmp_path / "a"), "USERPROFILE": str(tmp_path / "p")}
    target = install_target("myaddin", platform="win32", home=tmp_path, environ=environ, code_page="cp1252")
    checks = checks_of(target)
    assert [name for name, check in checks.items() if not check.ok] == [
        "Add-in file",
        "xlwings version",
        "Interpreter",
        "xlwings DLL",
        "Settings file",
    ]
    assert "Fix: run 'xlscore addin install'" in "\n".join(format_checks(list(checks.values())))


def test_macos_checks_the_applescript(tmp_path: Path) -> None:
    target = install_target("myaddin", platform="darwin", home=tmp_path)
    python = str(tmp_path / "env" / "bin" / "python")
    install(sample_build().data, target, interpreter=python, udf_modules="xlscore.udfs", xlwings=XLWINGS)
    checks = checks_of(target, this_python=python, exists={python}.__contains__)
    assert "Mark of the Web" not in checks and "xlwings DLL" not in checks
    assert all(check.ok for check in checks.values())
    script = tmp_path / "Library/Application Scripts/com.microsoft.Excel" / f"xlwings-{XLWINGS.version}.applescript"
    script.unlink()
    assert not checks_of(target, this_python=python, exists={python}.__contains__)["AppleScript"].ok


def test_macos_refusing_access_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = install_target("myaddin", platform="darwin", home=tmp_path)

    def refused(path: Path) -> bytes:
        raise PermissionError(1, "Operation not permitted", str(path))

    target.config_file.parent.mkdir(parents=True)
    target.config_file.write_bytes(b"")
    monkeypatch.setattr(Path, "read_bytes", refused)
    with pytest.raises(AddinError, match=r"macOS did not allow this program to use .*myaddin\.conf"):
        checks_of(target, this_python="/usr/bin/python3")

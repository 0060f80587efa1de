"""xlscore addin install / uninstall on injected paths: what is written, and undone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlscore.addin.errors import AddinError
from xlscore.addin.install import InstallTarget, install, install_target, uninstall
from xlscore.addin.runtime import InstalledXlwings, installed_xlwings

from .addin_helpers import sample_build

PYTHON = r"C:\Users\ana\envs\xlscore\Scripts\python.exe"
XLWINGS = installed_xlwings()  # the add-in of sample_build() holds this xlwings' runtime


@pytest.fixture
def target(tmp_path: Path) -> InstallTarget:
    return install_target(
        "myaddin",
        platform="win32",
        home=tmp_path / "home",
        environ={"APPDATA": str(tmp_path / "roaming"), "USERPROFILE": str(tmp_path / "profile")},
        code_page="cp1252",
    )


@pytest.fixture(scope="module")
def addin() -> bytes:
    return sample_build().data


def run_install(
    addin: bytes,
    target: InstallTarget,
    dry_run: bool = False,
    python: str = PYTHON,
    xlwings: InstalledXlwings = XLWINGS,
) -> list[str]:
    return install(addin, target, interpreter=python, udf_modules="xlscore.udfs", xlwings=xlwings, dry_run=dry_run)


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_windows_paths_are_xlstart_and_the_runtime_config(tmp_path: Path, target: InstallTarget) -> None:
    assert target.addin_file == tmp_path / "roaming" / "Microsoft" / "Excel" / "XLSTART" / "xlscore.xlam"
    assert target.config_file == tmp_path / "profile" / ".myaddin" / "myaddin.conf"
    assert target.interpreter_key == "INTERPRETER_WIN"


def test_macos_paths_are_the_excel_startup_folder_and_its_sandbox(tmp_path: Path) -> None:
    mac = install_target("myaddin", platform="darwin", home=tmp_path)
    startup = "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    assert mac.addin_dir == tmp_path / startup
    assert mac.config_file == tmp_path / "Library/Containers/com.microsoft.Excel/Data/myaddin.conf"
    assert mac.interpreter_key == "INTERPRETER_MAC"


def test_other_systems_are_told_where_excel_runs() -> None:
    with pytest.raises(AddinError, match="install on Windows and macOS, not on linux"):
        install_target("myaddin", platform="linux")


def test_install_copies_the_add_in_and_writes_the_config(addin: bytes, target: InstallTarget) -> None:
    messages = run_install(addin, target)
    assert target.addin_file.read_bytes() == addin
    assert target.config_file.read_bytes() == (
        f'"INTERPRETER_WIN","{PYTHON}"\r\n"UDF Modules","xlscore.udfs"\r\n'.encode()
    )
    assert messages[:3] == [
        f"Copied the add-in to {target.addin_file}",
        f'Set "INTERPRETER_WIN" to "{PYTHON}" in {target.config_file} (cp1252)',
        f'Set "UDF Modules" to "xlscore.udfs" in {target.config_file} (cp1252)',
    ]


def test_dry_run_says_the_same_and_writes_nothing(addin: bytes, target: InstallTarget, tmp_path: Path) -> None:
    messages = run_install(addin, target, dry_run=True)
    assert messages[0] == f"Would copy the add-in to {target.addin_file}"
    assert all(m.startswith("Would ") for m in messages)
    assert files_under(tmp_path) == {}


def test_uninstall_removes_everything_install_created(addin: bytes, target: InstallTarget, tmp_path: Path) -> None:
    run_install(addin, target)
    dry = uninstall(target, dry_run=True)
    assert dry[0] == f"Would remove {target.addin_file}" and len(files_under(tmp_path)) == 3
    uninstall(target)
    assert files_under(tmp_path) == {}
    assert not target.config_file.parent.exists()  # the .myaddin folder install made is gone too


def test_existing_settings_are_kept_and_restored(addin: bytes, target: InstallTarget) -> None:
    before = '"INTERPRETER_WIN","python"\r\n"Show Console","True"\r\n'
    target.config_file.parent.mkdir(parents=True)
    target.config_file.write_bytes(before.encode())
    run_install(addin, target)
    assert target.config_file.read_text().splitlines() == [
        f'"INTERPRETER_WIN","{PYTHON}"',
        '"Show Console","True"',
        '"UDF Modules","xlscore.udfs"',
    ]
    run_install(addin, target)  # a second install must not forget the first "previous" values
    messages = uninstall(target)
    assert target.config_file.read_bytes() == before.encode()
    assert f'Restored "INTERPRETER_WIN" to "python" in {target.config_file}' in messages


def test_uninstall_leaves_what_the_user_changed_since(addin: bytes, target: InstallTarget) -> None:
    run_install(addin, target)
    target.addin_file.write_bytes(b"a newer add-in copied by hand")
    target.config_file.write_text('"INTERPRETER_WIN","D:\\other\\python.exe"\n"UDF Modules","xlscore.udfs"\n')
    messages = uninstall(target)
    assert target.addin_file.read_bytes() == b"a newer add-in copied by hand"
    assert target.config_file.read_bytes() == b'"INTERPRETER_WIN","D:\\other\\python.exe"\r\n'
    assert any(m.startswith("Left ") and "changed since the install" in m for m in messages)


def test_uninstall_without_an_install_record_touches_nothing(target: InstallTarget) -> None:
    target.addin_dir.mkdir(parents=True)
    target.addin_file.write_bytes(b"someone else's")
    (message,) = uninstall(target)
    assert message.startswith("Nothing to uninstall") and "remove it by hand" in message
    assert target.addin_file.read_bytes() == b"someone else's"


def test_record_says_what_install_wrote(addin: bytes, target: InstallTarget) -> None:
    run_install(addin, target)
    record = json.loads(target.record_file.read_text())
    assert record["settings"]["INTERPRETER_WIN"] == {"written": PYTHON, "previous": None}
    assert record["config_file_created"] is True


def test_a_file_that_is_not_an_add_in_is_refused(target: InstallTarget) -> None:
    with pytest.raises(AddinError, match="not an Excel add-in"):
        run_install(b"PK but not really", target)


def test_macos_config_uses_lf_line_ends(addin: bytes, tmp_path: Path) -> None:
    mac = install_target("myaddin", platform="darwin", home=tmp_path)
    run_install(addin, mac, python="/Users/ana/.venv/bin/python")
    assert (
        mac.config_file.read_text() == '"INTERPRETER_MAC","/Users/ana/.venv/bin/python"\n"UDF Modules","xlscore.udfs"\n'
    )

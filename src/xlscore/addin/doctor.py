"""``xlscore addin doctor``: is everything the installed add-in needs in place?

Each check says ok or problem, and for a problem what fixes it: the add-in file in
Excel's start-up folder (a trusted location), its Mark of the Web (Windows), the xlwings
version its VBA runtime was built with against this Python's xlwings, the interpreter the
settings file names, the xlwings DLL next to it (Windows) or xlwings' AppleScript
(macOS), and the settings file itself, shown line by line as VBA will read it.
"""

from __future__ import annotations

import configparser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

from xlscore.addin.config_file import config_value, decode_config
from xlscore.addin.errors import AddinError
from xlscore.addin.install import UDF_MODULES_KEY, addin_runtime_version
from xlscore.addin.runtime import InstalledXlwings, xlwings_dll_names
from xlscore.addin.targets import InstallTarget

__all__ = ["Check", "doctor", "format_checks"]

_INSTALL = "run 'xlscore addin install'"
_INTERNET_ZONE = 3  # Zone.Identifier ZoneId: 3 internet, 4 restricted; Office blocks macros from both


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    lines: tuple[str, ...] = field(default=())  # shown under the check (the settings file)


def _addin_file(target: InstallTarget) -> Check:
    if target.addin_file.is_file():
        return Check("Add-in file", True, str(target.addin_file))
    return Check("Add-in file", False, f"{target.addin_file} does not exist", _INSTALL)


def _trusted_location(target: InstallTarget, locations_disabled: bool | None) -> Check:
    where = f"{target.addin_dir}, Excel's start-up folder"
    if locations_disabled:
        return Check(
            "Trusted location",
            False,
            f"{where}, but Excel's Trust Center disables all trusted locations",
            "File > Options > Trust Center > Trust Center Settings > Trusted Locations: clear 'Disable all "
            "Trusted Locations' (or ask your administrator)",
        )
    return Check("Trusted location", True, f"{where}, trusted by Excel by default")


def _zone_id(path: Path) -> int | None:
    """The Mark of the Web: the Zone.Identifier stream of the file (on NTFS: ``path:Zone.Identifier``)."""
    stream = Path(f"{path}:Zone.Identifier")
    try:
        text = stream.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    parser = configparser.ConfigParser()
    try:
        parser.read_string(text)
        return parser.getint("ZoneTransfer", "ZoneId", fallback=None)
    except (configparser.Error, ValueError):
        return _INTERNET_ZONE  # marked, unreadably: treat as blocked


def _mark_of_the_web(target: InstallTarget) -> Check:
    zone = _zone_id(target.addin_file)
    if zone is None or zone < _INTERNET_ZONE:
        return Check("Mark of the Web", True, "none: Office does not block the add-in's macros")
    return Check(
        "Mark of the Web",
        False,
        f"{target.addin_file} is marked as downloaded from the internet (ZoneId={zone}): Office blocks its macros",
        f"right-click it > Properties > tick Unblock, or in PowerShell: Unblock-File -Path '{target.addin_file}'",
    )


def _xlwings_version(target: InstallTarget, xlwings: InstalledXlwings) -> tuple[Check, str | None]:
    if not target.addin_file.is_file():
        return Check("xlwings version", False, f"this Python has xlwings {xlwings.version}; no add-in", _INSTALL), None
    try:
        built_with = addin_runtime_version(target.addin_file.read_bytes())
    except AddinError as error:
        return Check("xlwings version", False, f"{target.addin_file}: {error}", _INSTALL), None
    if built_with == xlwings.version:
        return Check("xlwings version", True, f"{built_with}, in the add-in and in this Python"), built_with
    return (
        Check(
            "xlwings version",
            False,
            f"the add-in holds the runtime of xlwings {built_with}, this Python has xlwings {xlwings.version}: "
            "its UDFs and buttons fail",
            f"{_INSTALL} (it rebuilds the add-in from this xlwings), or 'pip install xlwings=={built_with}'",
        ),
        built_with,
    )


def _interpreter(
    target: InstallTarget, configured: str | None, this_python: str, exists: Callable[[str], bool]
) -> Check:
    key = target.interpreter_key
    if not configured:
        return Check("Interpreter", False, f"{key} is not set in {target.config_file}", _INSTALL)
    if not exists(configured):
        detail = f"{key} is {configured}, which does not exist"
        return Check("Interpreter", False, detail, f"{_INSTALL} from the Python to use")
    if target.system == "windows":
        same = configured.lower() == this_python.lower()
    else:
        same = target.setting(configured) == target.setting(this_python)
    if not same:
        return Check(
            "Interpreter",
            False,
            f"{key} is {configured}, but this command runs {this_python}: the checks of xlwings below are of this one",
            f"run 'xlscore addin doctor' with {configured}, or {_INSTALL} from this Python",
        )
    return Check("Interpreter", True, configured)


def _windows_dll(configured: str | None, version: str, exists: Callable[[str], bool]) -> Check:
    if not configured:
        return Check("xlwings DLL", False, "no interpreter is set", _INSTALL)
    # The runtime's XLPyLoadDLL looks next to python.exe, then one folder up (a venv's Scripts).
    folder = PureWindowsPath(configured).parent
    candidates = [str(place / name) for place in (folder, folder.parent) for name in xlwings_dll_names(version)]
    found = next((path for path in candidates if exists(path)), None)
    if found:
        return Check("xlwings DLL", True, found)
    return Check(
        "xlwings DLL",
        False,
        f"{xlwings_dll_names(version)[0]} is neither in {folder} nor in {folder.parent}",
        f"reinstall xlwings in that Python: pip install --force-reinstall xlwings=={version}",
    )


def _applescript(target: InstallTarget, version: str) -> Check:
    assert target.applescript_dir is not None
    path = target.applescript_dir / f"xlwings-{version}.applescript"
    if path.is_file():
        return Check("AppleScript", True, str(path))
    return Check("AppleScript", False, f"{path} does not exist: every button fails", _INSTALL)


def _settings_file(target: InstallTarget, data: bytes | None) -> Check:
    path = target.config_file
    if data is None:
        return Check("Settings file", False, f"{path} does not exist", _INSTALL)
    text = decode_config(data, target.code_page)
    lines = tuple(text.splitlines())
    try:
        readable = data.decode(target.code_page) == text
    except UnicodeDecodeError:
        readable = False
    if not readable:
        return Check(
            "Settings file",
            False,
            f"{path} is not written in {target.code_page}, the code page VBA reads it in: non-ASCII paths are misread",
            f"{_INSTALL} (it rewrites the file in {target.code_page})",
            lines,
        )
    if not config_value(list(lines), UDF_MODULES_KEY):
        return Check("Settings file", False, f'{path} has no "{UDF_MODULES_KEY}"', _INSTALL, lines)
    return Check("Settings file", True, f"{path} ({target.code_page})", lines=lines)


def doctor(
    target: InstallTarget,
    xlwings: InstalledXlwings,
    *,
    this_python: str,
    exists: Callable[[str], bool] = lambda path: Path(path).is_file(),
    trusted_locations_disabled: bool | None = None,
) -> list[Check]:
    """Every check for this target; ``exists`` tells whether a file of the Excel machine exists."""
    try:
        return _checks(target, xlwings, this_python, exists, trusted_locations_disabled)
    except PermissionError as error:  # macOS guards Excel's containers
        raise AddinError(target.cannot_write(error.filename)) from None


def _checks(
    target: InstallTarget,
    xlwings: InstalledXlwings,
    this_python: str,
    exists: Callable[[str], bool],
    trusted_locations_disabled: bool | None,
) -> list[Check]:
    config_data = target.config_file.read_bytes() if target.config_file.is_file() else None
    lines = decode_config(config_data, target.code_page).splitlines() if config_data is not None else []
    configured = config_value(lines, target.interpreter_key)
    version_check, built_with = _xlwings_version(target, xlwings)
    checks = [_addin_file(target), _trusted_location(target, trusted_locations_disabled)]
    if target.system == "windows":
        checks.append(_mark_of_the_web(target))
    checks += [version_check, _interpreter(target, configured, this_python, exists)]
    if target.system == "windows":
        checks.append(_windows_dll(configured, built_with or xlwings.version, exists))
    else:
        checks.append(_applescript(target, built_with or xlwings.version))
    checks.append(_settings_file(target, config_data))
    return checks


def format_checks(checks: list[Check]) -> list[str]:
    """One line per check (``ok`` / ``PROBLEM``), its fix and the settings file's lines under it."""
    lines = []
    for check in checks:
        lines.append(f"{'ok' if check.ok else 'PROBLEM':8} {check.name}: {check.detail}")
        if check.fix:
            lines.append(f"{'':8}   Fix: {check.fix}")
        lines.extend(f"{'':8}   | {line}" for line in check.lines)
    return lines

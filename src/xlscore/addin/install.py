"""Install the add-in where Excel opens it at start-up, with the settings xlwings reads.

Install copies ``xlscore.xlam`` into Excel's start-up folder and sets two keys in the
config file of the xlwings runtime inside the add-in: the full path of this Python
(``INTERPRETER_WIN``/``INTERPRETER_MAC``) and ``UDF Modules``. That runtime is xlwings'
custom add-in module, unchanged, so it reads ``<PROJECT_NAME>.conf`` (PROJECT_NAME is
``myaddin`` in xlwings 0.37) rather than ``xlwings.conf``: on Windows
``%USERPROFILE%\\.myaddin\\myaddin.conf``, on macOS ``myaddin.conf`` in Excel's sandbox.
Other keys and other lines of an existing file are kept.

A record of what install wrote (file hash, each key's previous value) lets uninstall
undo exactly that and nothing else. All paths come from an :class:`InstallTarget`, so
tests run on any OS.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlscore.addin.build import ADDIN_FILE_NAME, write_addin
from xlscore.addin.errors import AddinError
from xlscore.addin.parts import ADDIN_WORKBOOK_CONTENT_TYPE

__all__ = ["UDF_MODULES_KEY", "InstallTarget", "install", "install_target", "interpreter_path", "uninstall"]

UDF_MODULES_KEY = "UDF Modules"
RECORD_FILE_NAME = "addin-install.json"
MACOS_STARTUP_DIR = (
    "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
)
MACOS_EXCEL_SANDBOX_DIR = "Library/Containers/com.microsoft.Excel/Data"
_CONFIG_LINE = re.compile(r'^"([^"]*)","([^"]*)"\s*$')


@dataclass(frozen=True)
class InstallTarget:
    """Where install puts things on one machine."""

    system: str  # "windows" or "macos"
    addin_dir: Path
    config_file: Path
    record_file: Path

    @property
    def addin_file(self) -> Path:
        return self.addin_dir / ADDIN_FILE_NAME

    @property
    def interpreter_key(self) -> str:
        return "INTERPRETER_WIN" if self.system == "windows" else "INTERPRETER_MAC"

    @property
    def newline(self) -> str:
        return "\r\n" if self.system == "windows" else "\n"


def install_target(
    config_name: str,
    *,
    platform: str | None = None,
    home: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> InstallTarget:
    """The target of this machine (or of the given platform, home and environment)."""
    platform = platform or sys.platform
    home = home or Path.home()
    environ = os.environ if environ is None else environ
    if platform == "win32":
        profile = Path(environ.get("USERPROFILE", str(home)))
        appdata = Path(environ.get("APPDATA", str(profile / "AppData" / "Roaming")))
        return InstallTarget(
            system="windows",
            addin_dir=appdata / "Microsoft" / "Excel" / "XLSTART",
            config_file=profile / f".{config_name}" / f"{config_name}.conf",
            record_file=profile / ".xlscore" / RECORD_FILE_NAME,
        )
    if platform == "darwin":
        return InstallTarget(
            system="macos",
            addin_dir=home / MACOS_STARTUP_DIR,
            config_file=home / MACOS_EXCEL_SANDBOX_DIR / f"{config_name}.conf",
            record_file=home / ".xlscore" / RECORD_FILE_NAME,
        )
    raise AddinError(
        f"Excel add-ins install on Windows and macOS, not on {platform}. Build the add-in here with "
        "'xlscore addin build -o xlscore.xlam' and install it on the Excel machine."
    )


def interpreter_path() -> str:
    """The full path of this Python, as started (a venv's python, not its resolved target)."""
    return str(Path(sys.executable).absolute())  # resolve() would leave a venv for its base Python


# -- the config file: lines of "KEY","VALUE", keys compared without case -----------------------


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def _config_value(lines: list[str], key: str) -> str | None:
    for line in lines:
        match = _CONFIG_LINE.match(line)
        if match and match.group(1).lower() == key.lower():
            return match.group(2)
    return None


def _with_config_value(lines: list[str], key: str, value: str | None) -> list[str]:
    """The lines with key set to value (None removes it); the first matching line is reused."""
    updated, placed = [], False
    for line in lines:
        match = _CONFIG_LINE.match(line)
        if match and match.group(1).lower() == key.lower():
            if value is not None and not placed:
                updated.append(f'"{key}","{value}"')
            placed = True
            continue
        updated.append(line)
    if value is not None and not placed:
        updated.append(f'"{key}","{value}"')
    return updated


def _write_lines(path: Path, lines: list[str], newline: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("".join(line + newline for line in lines).encode("utf-8"))


# -- install and uninstall ---------------------------------------------------------------------


def _load_record(target: InstallTarget) -> dict[str, Any] | None:
    if not target.record_file.is_file():
        return None
    try:
        record: dict[str, Any] = json.loads(target.record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AddinError(
            f"{target.record_file} cannot be read ({error}); remove it and install again"
        ) from None
    return record


def _check_is_addin(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            content_types = package.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError):
        content_types = b""
    if ADDIN_WORKBOOK_CONTENT_TYPE.encode() not in content_types:
        raise AddinError(
            "that file is not an Excel add-in (.xlam); build one with: xlscore addin build -o PATH"
        )


def _say(dry_run: bool, done: str, planned: str) -> str:
    return f"Would {planned}" if dry_run else done


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def install(
    addin_data: bytes, target: InstallTarget, *, interpreter: str, udf_modules: str, dry_run: bool = False
) -> list[str]:
    """Copy the add-in and set its config; returns what was done (or would be, with dry_run)."""
    _check_is_addin(addin_data)
    settings = {target.interpreter_key: interpreter, UDF_MODULES_KEY: udf_modules}
    for key, value in settings.items():
        if '"' in value:
            raise AddinError(f"{key} cannot hold a double quote: {value}")
    earlier = _load_record(target) or {}
    earlier_settings: dict[str, Any] = earlier.get("settings", {})
    lines = _read_lines(target.config_file)
    record_settings = {}
    for key, value in settings.items():
        previous = earlier_settings[key]["previous"] if key in earlier_settings else _config_value(lines, key)
        record_settings[key] = {"written": value, "previous": previous}
        lines = _with_config_value(lines, key, value)
    record = {
        "addin_file": str(target.addin_file),
        "addin_sha256": _sha256(addin_data),
        "config_file": str(target.config_file),
        "config_file_created": earlier.get("config_file_created", not target.config_file.exists()),
        "config_dir_created": earlier.get("config_dir_created", not target.config_file.parent.exists()),
        "settings": record_settings,
    }
    messages = [
        _say(dry_run, f"Copied the add-in to {target.addin_file}", f"copy the add-in to {target.addin_file}"),
        *(
            _say(
                dry_run,
                f'Set "{key}" to "{value}" in {target.config_file}',
                f'set "{key}" to "{value}" in {target.config_file}',
            )
            for key, value in settings.items()
        ),
        _say(
            dry_run,
            f"Recorded the install in {target.record_file}",
            f"record the install in {target.record_file}",
        ),
    ]
    if dry_run:
        return messages
    try:
        write_addin(target.addin_file, addin_data)
    except PermissionError:
        raise AddinError(f"{target.addin_file} is in use: close Excel and run the install again") from None
    _write_lines(target.config_file, lines, target.newline)
    target.record_file.parent.mkdir(parents=True, exist_ok=True)
    target.record_file.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return messages


def _uninstall_addin_file(target: InstallTarget, record: dict[str, Any], dry_run: bool) -> str:
    path = target.addin_file
    if not path.is_file():
        return f"{path} is already gone"
    if _sha256(path.read_bytes()) != record.get("addin_sha256"):
        return f"Left {path} in place: it changed since the install, so it is not the file install wrote"
    if not dry_run:
        try:
            path.unlink()
        except PermissionError:
            raise AddinError(f"{path} is in use: close Excel and run the uninstall again") from None
    return _say(dry_run, f"Removed {path}", f"remove {path}")


def _uninstall_settings(target: InstallTarget, record: dict[str, Any], dry_run: bool) -> list[str]:
    config_file = Path(record.get("config_file", target.config_file))
    lines = _read_lines(config_file)
    messages = []
    for key, values in record.get("settings", {}).items():
        current, previous = _config_value(lines, key), values.get("previous")
        if current != values.get("written"):
            messages.append(f'Left "{key}" in {config_file}: it changed since the install')
        elif previous is None:
            lines = _with_config_value(lines, key, None)
            messages.append(
                _say(dry_run, f'Removed "{key}" from {config_file}', f'remove "{key}" from {config_file}')
            )
        else:
            lines = _with_config_value(lines, key, previous)
            messages.append(
                _say(
                    dry_run,
                    f'Restored "{key}" to "{previous}" in {config_file}',
                    f'restore "{key}" to "{previous}"',
                )
            )
    remove_file = record.get("config_file_created") and not any(line.strip() for line in lines)
    if remove_file:
        messages.append(_say(dry_run, f"Removed {config_file}", f"remove {config_file}"))
    if dry_run or not config_file.is_file():
        return messages
    if remove_file:
        config_file.unlink()
        if record.get("config_dir_created") and not any(config_file.parent.iterdir()):
            config_file.parent.rmdir()
    else:
        _write_lines(config_file, lines, target.newline)
    return messages


def uninstall(target: InstallTarget, *, dry_run: bool = False) -> list[str]:
    """Undo what install wrote, as its record says; returns what was done (or would be)."""
    record = _load_record(target)
    if record is None:
        message = f"Nothing to uninstall: there is no install record at {target.record_file}"
        if target.addin_file.is_file():
            message += f". {target.addin_file} exists, but not from xlscore addin install: remove it by hand"
        return [message]
    messages = [_uninstall_addin_file(target, record, dry_run), *_uninstall_settings(target, record, dry_run)]
    messages.append(
        _say(dry_run, f"Removed the install record {target.record_file}", f"remove {target.record_file}")
    )
    if not dry_run:
        target.record_file.unlink()
        if not any(target.record_file.parent.iterdir()):
            target.record_file.parent.rmdir()
    return messages

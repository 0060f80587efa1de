"""Install the add-in where Excel opens it at start-up, with the settings xlwings reads.

Install copies ``xlscore.xlam`` into Excel's start-up folder and sets two keys in the
config file of the xlwings runtime inside the add-in: the full path of this Python
(``INTERPRETER_WIN``/``INTERPRETER_MAC``) and ``UDF Modules``. That runtime is xlwings'
custom add-in module, unchanged, so it reads ``<PROJECT_NAME>.conf`` (PROJECT_NAME is
``myaddin`` in xlwings 0.37) rather than ``xlwings.conf``: on Windows
``%USERPROFILE%\\.myaddin\\myaddin.conf``, on macOS ``myaddin.conf`` in Excel's sandbox.
Other keys and other lines of an existing file are kept; the file is written in the code
page VBA reads it with (:mod:`xlscore.addin.config_file`). On macOS install also copies
xlwings' AppleScript, without which RunPython cannot start Python from Excel's sandbox.

The add-in's xlwings runtime must be the version of this Python's xlwings (it loads
``xlwings64-<version>.dll`` by exact name), so a mismatch is refused before anything is
written. A record of what install wrote (file hashes, each key's previous value) lets
uninstall undo exactly that and nothing else. All paths come from an
:class:`InstallTarget`, so tests run on any OS.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from xlscore.addin.build import write_addin
from xlscore.addin.config_file import config_value, encode_config, read_config, with_config_value
from xlscore.addin.errors import AddinError
from xlscore.addin.parts import ADDIN_WORKBOOK_CONTENT_TYPE, runtime_version_of
from xlscore.addin.runtime import InstalledXlwings
from xlscore.addin.targets import InstallTarget, install_target, interpreter_path

__all__ = [
    "UDF_MODULES_KEY",
    "InstallTarget",
    "addin_runtime_version",
    "install",
    "install_target",
    "interpreter_path",
    "uninstall",
]

UDF_MODULES_KEY = "UDF Modules"


def _package_parts(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return {name: package.read(name) for name in package.namelist()}
    except (zipfile.BadZipFile, KeyError):
        return {}


def addin_runtime_version(addin_data: bytes) -> str:
    """The xlwings runtime version inside an add-in built by ``xlscore addin build``."""
    parts = _package_parts(addin_data)
    if ADDIN_WORKBOOK_CONTENT_TYPE.encode() not in parts.get("[Content_Types].xml", b""):
        raise AddinError(
            "that file is not an Excel add-in (.xlam); build one with: xlscore addin build -o PATH"
        )
    version = runtime_version_of(parts)
    if version is None:
        raise AddinError(
            "that add-in does not say which xlwings runtime it holds, so it was not built by "
            "xlscore addin build; build one with: xlscore addin build -o PATH"
        )
    return version


def check_runtime_matches(addin_version: str, xlwings: InstalledXlwings) -> None:
    """Refuse an add-in whose VBA would load another xlwings DLL than this Python has."""
    if addin_version != xlwings.version:
        raise AddinError(
            f"the add-in holds the VBA runtime of xlwings {addin_version}, but this Python has xlwings "
            f"{xlwings.version}: its UDFs would look for xlwings64-{addin_version}.dll and fail. Run "
            f"'xlscore addin install' without --addin (it builds the add-in from this xlwings), or "
            f"'pip install xlwings=={addin_version}'"
        )


def _say(dry_run: bool, done: str, planned: str) -> str:
    return f"Would {planned}" if dry_run else done


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def _non_code_page_hint(target: InstallTarget) -> str:
    example = " (for example C:\\xlscore-env)" if target.system == "windows" else ""
    return (
        f"Create the Python environment in a folder whose path has only characters of {target.code_page}"
        f"{example} and run 'xlscore addin install' from it."
    )


def _applescript_plan(target: InstallTarget, xlwings: InstalledXlwings, earlier: dict[str, Any]) -> dict[str, Any]:
    """What install does with xlwings' AppleScript on macOS (nothing elsewhere)."""
    if target.applescript_dir is None:
        return {}
    source = xlwings.applescript
    if not source.is_file():
        raise AddinError(
            f"{source} is missing, and RunPython on macOS needs it; reinstall xlwings "
            f"('pip install --force-reinstall xlwings=={xlwings.version}')"
        )
    data = source.read_bytes()
    destination = target.applescript_dir / source.name
    before = earlier.get("applescript", {})
    created = before["created"] if before.get("path") == str(destination) else not destination.exists()
    return {"path": str(destination), "sha256": _sha256(data), "created": created, "data": data}


def install(
    addin_data: bytes,
    target: InstallTarget,
    *,
    interpreter: str,
    udf_modules: str,
    xlwings: InstalledXlwings,
    dry_run: bool = False,
) -> list[str]:
    """Copy the add-in and set its config; returns what was done (or would be, with dry_run)."""
    check_runtime_matches(addin_runtime_version(addin_data), xlwings)
    try:
        return _install(addin_data, target, interpreter, udf_modules, xlwings, dry_run)
    except PermissionError as error:
        raise AddinError(target.cannot_write(error.filename)) from None


def _install(
    addin_data: bytes,
    target: InstallTarget,
    interpreter: str,
    udf_modules: str,
    xlwings: InstalledXlwings,
    dry_run: bool,
) -> list[str]:
    settings = {target.interpreter_key: target.setting(interpreter), UDF_MODULES_KEY: udf_modules}
    for key, value in settings.items():
        if '"' in value:
            raise AddinError(f"{key} cannot hold a double quote: {value}")
    earlier = _load_record(target) or {}
    earlier_settings: dict[str, Any] = earlier.get("settings", {})
    lines = read_config(target.config_file, target.code_page)
    record_settings = {}
    for key, value in settings.items():
        previous = earlier_settings[key]["previous"] if key in earlier_settings else config_value(lines, key)
        record_settings[key] = {"written": value, "previous": previous}
        lines = with_config_value(lines, key, value)
    config_bytes = encode_config(
        lines, target.config_file, target.code_page, target.newline, _non_code_page_hint(target)
    )
    applescript = _applescript_plan(target, xlwings, earlier)
    record = {
        "addin_file": str(target.addin_file),
        "addin_sha256": _sha256(addin_data),
        "xlwings_version": xlwings.version,
        "config_file": str(target.config_file),
        "config_code_page": target.code_page,
        "config_file_created": earlier.get("config_file_created", not target.config_file.exists()),
        "config_dir_created": earlier.get("config_dir_created", not target.config_file.parent.exists()),
        "settings": record_settings,
    }
    messages = [
        _say(dry_run, f"Copied the add-in to {target.addin_file}", f"copy the add-in to {target.addin_file}"),
        *(
            _say(
                dry_run,
                f'Set "{key}" to "{value}" in {target.config_file} ({target.code_page})',
                f'set "{key}" to "{value}" in {target.config_file} ({target.code_page})',
            )
            for key, value in settings.items()
        ),
    ]
    if applescript:
        script = applescript.pop("data")
        record["applescript"] = applescript
        messages.append(
            _say(
                dry_run,
                f"Copied xlwings' AppleScript (RunPython needs it) to {applescript['path']}",
                f"copy xlwings' AppleScript (RunPython needs it) to {applescript['path']}",
            )
        )
    messages.append(
        _say(dry_run, f"Recorded the install in {target.record_file}", f"record the install in {target.record_file}")
    )
    if dry_run:
        return messages
    write_addin(target.addin_file, addin_data)
    target.config_file.parent.mkdir(parents=True, exist_ok=True)
    target.config_file.write_bytes(config_bytes)
    if applescript:
        write_addin(Path(applescript["path"]), script)
    target.record_file.parent.mkdir(parents=True, exist_ok=True)
    target.record_file.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return messages


def _uninstall_file(path: Path, sha256: str | None, dry_run: bool, what: str) -> str:
    if not path.is_file():
        return f"{path} is already gone"
    if _sha256(path.read_bytes()) != sha256:
        return f"Left {path} in place: it changed since the install, so it is not the {what} install wrote"
    if not dry_run:
        path.unlink()
    return _say(dry_run, f"Removed {path}", f"remove {path}")


def _uninstall_applescript(record: dict[str, Any], dry_run: bool) -> list[str]:
    applescript = record.get("applescript")
    if not applescript:
        return []
    path = Path(applescript["path"])
    if not applescript.get("created"):
        return [f"Left {path} in place: it was there before the install"]
    return [_uninstall_file(path, applescript.get("sha256"), dry_run, "AppleScript")]


def _uninstall_settings(target: InstallTarget, record: dict[str, Any], dry_run: bool) -> list[str]:
    config_file = Path(record.get("config_file", target.config_file))
    lines = read_config(config_file, target.code_page)
    messages = []
    for key, values in record.get("settings", {}).items():
        current, previous = config_value(lines, key), values.get("previous")
        if current != values.get("written"):
            messages.append(f'Left "{key}" in {config_file}: it changed since the install')
        elif previous is None:
            lines = with_config_value(lines, key, None)
            messages.append(
                _say(dry_run, f'Removed "{key}" from {config_file}', f'remove "{key}" from {config_file}')
            )
        else:
            lines = with_config_value(lines, key, previous)
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
        config_file.write_bytes(encode_config(lines, config_file, target.code_page, target.newline))
    return messages


def uninstall(target: InstallTarget, *, dry_run: bool = False) -> list[str]:
    """Undo what install wrote, as its record says; returns what was done (or would be)."""
    try:
        return _uninstall(target, dry_run)
    except PermissionError as error:
        raise AddinError(target.cannot_write(error.filename)) from None


def _uninstall(target: InstallTarget, dry_run: bool) -> list[str]:
    record = _load_record(target)
    if record is None:
        message = f"Nothing to uninstall: there is no install record at {target.record_file}"
        if target.addin_file.is_file():
            message += f". {target.addin_file} exists, but not from xlscore addin install: remove it by hand"
        return [message]
    messages = [
        _uninstall_file(target.addin_file, record.get("addin_sha256"), dry_run, "file"),
        *_uninstall_settings(target, record, dry_run),
        *_uninstall_applescript(record, dry_run),
    ]
    messages.append(
        _say(dry_run, f"Removed the install record {target.record_file}", f"remove {target.record_file}")
    )
    if not dry_run:
        target.record_file.unlink()
        if not any(target.record_file.parent.iterdir()):
            target.record_file.parent.rmdir()
    return messages

"""Where the add-in, its settings and xlwings' AppleScript go on one machine.

Everything that differs between Windows and macOS is decided here, once, from the
platform, home folder, environment and code page: :func:`install_target` takes them as
arguments (the running machine's by default), so install, uninstall and doctor run the
same on any OS and tests give a fake home and platform.
"""

from __future__ import annotations

import codecs
import locale
import os
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from xlscore.addin.errors import AddinError
from xlscore.addin.parts import ADDIN_FILE_NAME

__all__ = [
    "MACOS_APPLESCRIPT_DIR",
    "MACOS_EXCEL_SANDBOX_DIR",
    "MACOS_STARTUP_DIR",
    "RECORD_FILE_NAME",
    "InstallTarget",
    "install_target",
    "interpreter_path",
    "trusted_locations_disabled",
]

RECORD_FILE_NAME = "addin-install.json"
MACOS_STARTUP_DIR = (
    "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
)
MACOS_EXCEL_SANDBOX_DIR = "Library/Containers/com.microsoft.Excel/Data"
# Excel's sandbox runs AppleScriptTask scripts only from here; xlwings' RunPython needs its script.
MACOS_APPLESCRIPT_DIR = "Library/Application Scripts/com.microsoft.Excel"
# The code page VBA's Open ... For Input reads the settings file with, when not detected:
# Windows' ANSI code page of Western systems, and the Mac's legacy text encoding.
_USUAL_CODE_PAGE = {"windows": "cp1252", "macos": "mac_roman"}


@dataclass(frozen=True)
class InstallTarget:
    """Where install puts things on one machine, and how that machine's VBA reads text."""

    system: str  # "windows" or "macos"
    addin_dir: Path
    config_file: Path
    record_file: Path
    code_page: str  # Python codec name of the code page VBA reads the settings file in
    applescript_dir: Path | None = None  # macOS only

    @property
    def addin_file(self) -> Path:
        return self.addin_dir / ADDIN_FILE_NAME

    @property
    def interpreter_key(self) -> str:
        return "INTERPRETER_WIN" if self.system == "windows" else "INTERPRETER_MAC"

    @property
    def newline(self) -> str:
        return "\r\n" if self.system == "windows" else "\n"

    def setting(self, value: str) -> str:
        """A value as the settings file should hold it.

        macOS file names come decomposed (``e`` + combining accent, NFD), which Mac Roman
        cannot hold; its file systems find a path in either form, so macOS values are
        composed (NFC). Windows keeps paths exactly: NTFS tells the two forms apart.
        """
        return unicodedata.normalize("NFC", value) if self.system == "macos" else value

    def cannot_write(self, path: Path | str | None) -> str:
        """What to do when the system refuses to let us write or read ``path``."""
        if self.system == "macos":
            return (
                f"macOS did not allow this program to use {path}: it is in Excel's protected app data. In "
                "System Settings > Privacy & Security, allow the app you run this command from (Terminal, "
                "iTerm or your editor) under App Management and under Files and Folders (or Full Disk "
                "Access), or click Allow when macOS asks whether it may access data from other apps; "
                "then run the command again."
            )
        return (
            f"{path} cannot be written: it is in use or read-only. Close Excel (it keeps the add-in open) "
            "and run the command again."
        )


def _code_page(system: str, code_page: str | None, detect: bool) -> str:
    if code_page is None:
        # Python 3.11's getencoding() is the ANSI code page on Windows, even in UTF-8 mode.
        code_page = locale.getencoding() if detect and system == "windows" else _USUAL_CODE_PAGE[system]
    try:
        return codecs.lookup(code_page).name
    except LookupError:
        raise AddinError(f"unknown code page {code_page!r}") from None


def install_target(
    config_name: str,
    *,
    platform: str | None = None,
    home: Path | None = None,
    environ: Mapping[str, str] | None = None,
    code_page: str | None = None,
) -> InstallTarget:
    """The target of this machine, or of the given platform, home, environment and code page."""
    detect = platform is None
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
            code_page=_code_page("windows", code_page, detect),
        )
    if platform == "darwin":
        return InstallTarget(
            system="macos",
            addin_dir=home / MACOS_STARTUP_DIR,
            config_file=home / MACOS_EXCEL_SANDBOX_DIR / f"{config_name}.conf",
            record_file=home / ".xlscore" / RECORD_FILE_NAME,
            code_page=_code_page("macos", code_page, detect),
            applescript_dir=home / MACOS_APPLESCRIPT_DIR,
        )
    raise AddinError(
        f"Excel add-ins install on Windows and macOS, not on {platform}. Build the add-in here with "
        "'xlscore addin build -o xlscore.xlam' and install it on the Excel machine."
    )


def interpreter_path() -> str:
    """The full path of this Python, as started (a venv's python, not its resolved target)."""
    return str(Path(sys.executable).absolute())  # resolve() would leave a venv for its base Python


_TRUSTED_LOCATION_KEYS = (
    r"Software\Policies\Microsoft\Office\16.0\Excel\Security\Trusted Locations",
    r"Software\Microsoft\Office\16.0\Excel\Security\Trusted Locations",
)


def trusted_locations_disabled() -> bool | None:
    """Whether Excel's Trust Center disables all trusted locations (XLSTART too); None off Windows."""
    if sys.platform != "win32":
        return None
    import winreg

    for key_path in _TRUSTED_LOCATION_KEYS:
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key_path) as key:
                value, _ = winreg.QueryValueEx(key, "AllLocationsDisabled")
        except OSError:
            continue
        return bool(value)
    return False

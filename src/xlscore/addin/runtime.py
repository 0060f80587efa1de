"""xlwings' VBA runtime for custom add-ins, read from the installed xlwings package.

The runtime module declares the xlwings DLL by exact version, so it must come from the
xlwings that Python will run, never from a copy. Its modules go into the add-in unchanged
except for the stored form of class modules (``vba.class_module_source``) and CRLF line
ends (the shipped files already use them).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from xlscore.addin.errors import AddinError
from xlscore.vba import ModuleKind, VbaModule, class_module_source, to_crlf

__all__ = [
    "RUNTIME_MODULE_FILE",
    "InstalledXlwings",
    "XlwingsRuntime",
    "installed_xlwings",
    "load_xlwings_runtime",
    "xlwings_dll_names",
    "xlwings_package_dir",
]

RUNTIME_MODULE_FILE = "xlwings_custom_addin.bas"
_CLASS_MODULE_DIR = "addin"
_SOURCE_CODEPAGE = "cp1252"


@dataclass(frozen=True)
class XlwingsRuntime:
    """The runtime's modules and the constants the add-in's install depends on."""

    version: str
    project_name: str  # PROJECT_NAME: names the runtime's config file and config sheet
    main_module: VbaModule
    class_modules: tuple[VbaModule, ...]

    @property
    def modules(self) -> tuple[VbaModule, ...]:
        return (self.main_module, *self.class_modules)


def xlwings_package_dir() -> Path:
    """The installed xlwings package's folder, found without importing xlwings."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise AddinError("xlwings is not installed in this Python; install it with: pip install xlwings")
    return Path(spec.origin).parent


def _string_constant(source: str, name: str, path: Path) -> str:
    match = re.search(rf'^Public Const {name} As String = "([^"]*)"', source, flags=re.MULTILINE)
    if match is None:
        raise AddinError(f"{path}: no {name} constant; is this xlwings version supported?")
    return match.group(1)


def _class_names_used(source: str, candidates: set[str]) -> set[str]:
    used = re.findall(r"\b(?:As|New)\s+(\w+)", source)
    return candidates.intersection(used)


def load_xlwings_runtime(package_dir: Path | None = None) -> XlwingsRuntime:
    """The custom-add-in runtime module and, transitively, the class modules it uses."""
    package_dir = package_dir or xlwings_package_dir()
    main_path = package_dir / RUNTIME_MODULE_FILE
    if not main_path.is_file():
        raise AddinError(f"{main_path} is missing: xlwings {RUNTIME_MODULE_FILE} is needed (xlwings >= 0.22)")
    main_source = to_crlf(main_path.read_bytes().decode(_SOURCE_CODEPAGE))
    class_sources = {
        path.stem: class_module_source(path.read_bytes().decode(_SOURCE_CODEPAGE))
        for path in sorted((package_dir / _CLASS_MODULE_DIR).glob("*.cls"))
    }
    needed: set[str] = set()
    pending = _class_names_used(main_source, set(class_sources))
    while pending:
        name = pending.pop()
        needed.add(name)
        pending |= _class_names_used(class_sources[name], set(class_sources)) - needed
    return XlwingsRuntime(
        version=_string_constant(main_source, "XLWINGS_VERSION", main_path),
        project_name=_string_constant(main_source, "PROJECT_NAME", main_path),
        main_module=VbaModule(main_source, ModuleKind.STANDARD),
        class_modules=tuple(VbaModule(class_sources[name], ModuleKind.CLASS) for name in sorted(needed)),
    )


@dataclass(frozen=True)
class InstalledXlwings:
    """The xlwings of this Python: its version and the files the add-in needs next to it."""

    version: str
    project_name: str  # the runtime's PROJECT_NAME, which names its settings file
    package_dir: Path

    @property
    def applescript(self) -> Path:
        """What RunPython on macOS calls through AppleScriptTask (``xlwings-<version>.applescript``)."""
        return self.package_dir / f"xlwings-{self.version}.applescript"



def xlwings_dll_names(version: str) -> tuple[str, str]:
    """The DLLs a runtime of that version declares for 64- and 32-bit Office."""
    return (f"xlwings64-{version}.dll", f"xlwings32-{version}.dll")


def installed_xlwings(package_dir: Path | None = None) -> InstalledXlwings:
    """This Python's xlwings, as its add-in runtime says (the version the VBA declares)."""
    package_dir = package_dir or xlwings_package_dir()
    runtime = load_xlwings_runtime(package_dir)
    return InstalledXlwings(runtime.version, runtime.project_name, package_dir)

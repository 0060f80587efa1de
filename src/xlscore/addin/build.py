"""Build ``xlscore.xlam`` from the hand-written sources in ``addin/``, on any OS.

The VBA project holds, in this order: the workbook and sheet document modules, xlwings'
runtime (from the installed xlwings), the hand-written modules of ``addin/`` (ribbon
callbacks), and the UDF wrappers generated from ``xlscore.udfs``. The package is written
deterministically: sorted entries with fixed timestamps, so two builds give the same
bytes for the same sources, xlwings and xlscore version.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import xml.etree.ElementTree as ElementTree
import zipfile
from dataclasses import dataclass
from pathlib import Path

from xlscore import __version__
from xlscore.addin.errors import AddinError
from xlscore.addin.macro_options import workbook_open_code
from xlscore.addin.parts import (
    ADDIN_FILE_NAME,
    CUSTOM_UI_PARTS,
    RUNTIME_VERSION_LABEL,
    SHEET_CODE_NAME,
    WORKBOOK_CODE_NAME,
    package_parts,
)
from xlscore.addin.runtime import XlwingsRuntime, load_xlwings_runtime
from xlscore.addin.wrappers import UdfModuleNotFoundError, UdfSpec, collect_udfs, wrapper_module_source
from xlscore.vba import (
    OFFICE_REFERENCE,
    STDOLE_REFERENCE,
    WORKBOOK_DOCUMENT_BASE,
    WORKSHEET_DOCUMENT_BASE,
    ModuleKind,
    VbaModule,
    VbaProject,
    VbaProjectError,
    build_vba_project_bin,
    document_module_source,
    to_crlf,
)

__all__ = [
    "ADDIN_FILE_NAME",
    "DEFAULT_UDF_MODULE",
    "AddinBuild",
    "addin_source_dir",
    "build_addin",
    "write_addin",
]

DEFAULT_UDF_MODULE = "xlscore.udfs"
VBA_PROJECT_NAME = "xlscore"
CUSTOM_UI_SOURCE = "customUI.xml"
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold


@dataclass(frozen=True)
class AddinBuild:
    """A built add-in and what went into it."""

    data: bytes
    xlwings_version: str
    config_name: str  # the xlwings runtime's PROJECT_NAME: its config file is <name>.conf
    modules: tuple[str, ...]
    udf_module: str
    udf_names: tuple[str, ...]
    ribbon_callbacks: tuple[str, ...]
    notes: tuple[str, ...]


def addin_source_dir() -> Path:
    """``addin/`` of the source tree, or its copy inside an installed wheel."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "_addin_src", package_dir.parent.parent / "addin"):
        if (candidate / CUSTOM_UI_SOURCE).is_file():
            return candidate
    raise AddinError(f"the add-in sources ({CUSTOM_UI_SOURCE} and its VBA modules) are not installed")


def _ribbon(custom_ui: bytes) -> tuple[str, tuple[str, ...]]:
    """The ribbon's customUI namespace and its onAction callbacks."""
    try:
        root = ElementTree.fromstring(custom_ui)
    except ElementTree.ParseError as error:
        raise AddinError(f"addin/{CUSTOM_UI_SOURCE} is not well-formed XML: {error}") from None
    namespace = next((ns for ns in CUSTOM_UI_PARTS if root.tag == f"{{{ns}}}customUI"), None)
    if namespace is None:
        raise AddinError(
            f"addin/{CUSTOM_UI_SOURCE}: the root must be customUI in one of the Office customui namespaces "
            f"{', '.join(CUSTOM_UI_PARTS)}"
        )
    return namespace, tuple(element.attrib["onAction"] for element in root.iter() if "onAction" in element.attrib)


def _check_callbacks_exist(callbacks: tuple[str, ...], modules: list[VbaModule]) -> None:
    for callback in callbacks:
        module_name, _, sub_name = callback.rpartition(".")
        candidates = [m for m in modules if not module_name or m.name == module_name]
        pattern = rf"^(?:Public\s+)?Sub\s+{re.escape(sub_name)}\s*\(\s*control\s+As\s+IRibbonControl\s*\)"
        if not any(re.search(pattern, m.source, flags=re.MULTILINE | re.IGNORECASE) for m in candidates):
            raise AddinError(
                f"ribbon button calls {callback}, but no module has Sub {sub_name}(control As IRibbonControl)"
            )


def _hand_written_modules(source_dir: Path) -> list[VbaModule]:
    modules = []
    for path in sorted(source_dir.glob("*.bas")):
        try:
            modules.append(VbaModule(to_crlf(path.read_text(encoding="utf-8")), ModuleKind.STANDARD))
        except VbaProjectError as error:
            raise AddinError(f"{path}: {error}") from None
    return modules


def _vba_project(
    runtime: XlwingsRuntime, hand_written: list[VbaModule], udfs: tuple[UdfSpec, ...], udf_wrappers: str | None
) -> VbaProject:
    workbook_code = workbook_open_code(udfs)
    modules = [
        VbaModule(
            document_module_source(WORKBOOK_CODE_NAME, WORKBOOK_DOCUMENT_BASE, workbook_code), ModuleKind.DOCUMENT
        ),
        VbaModule(document_module_source(SHEET_CODE_NAME, WORKSHEET_DOCUMENT_BASE), ModuleKind.DOCUMENT),
        *runtime.modules,
        *hand_written,
    ]
    if udf_wrappers is not None:
        modules.append(VbaModule(udf_wrappers, ModuleKind.STANDARD))
    try:
        return VbaProject(VBA_PROJECT_NAME, tuple(modules), references=(STDOLE_REFERENCE, OFFICE_REFERENCE))
    except VbaProjectError as error:
        raise AddinError(f"the add-in's VBA project is invalid: {error}") from None


def _zip_package(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in sorted(parts):
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0  # MS-DOS, as Excel writes; the default depends on the OS
            entry.external_attr = 0
            package.writestr(entry, parts[name], compresslevel=6)
    return buffer.getvalue()


def build_addin(
    udf_module: str = DEFAULT_UDF_MODULE, source_dir: Path | None = None, xlwings_dir: Path | None = None
) -> AddinBuild:
    """Build the add-in in memory. Without the UDF module the add-in has no UDFs (see notes)."""
    source_dir = source_dir or addin_source_dir()
    runtime = load_xlwings_runtime(xlwings_dir)
    custom_ui = (source_dir / CUSTOM_UI_SOURCE).read_bytes()
    custom_ui_namespace, callbacks = _ribbon(custom_ui)
    hand_written = _hand_written_modules(source_dir)
    notes: list[str] = []
    try:
        udfs = collect_udfs(udf_module)
        udf_wrappers: str | None = wrapper_module_source(udf_module, udfs)
    except UdfModuleNotFoundError:
        udfs, udf_wrappers = (), None
        notes.append(f"{udf_module} does not exist yet: the add-in has no UDFs")
    project = _vba_project(runtime, hand_written, udfs, udf_wrappers)
    _check_callbacks_exist(callbacks, list(project.modules))
    about = [
        f"xlscore add-in {__version__}",
        f"{RUNTIME_VERSION_LABEL}{runtime.version}",
        f"UDFs from {udf_module}: {', '.join(u.name for u in udfs) or 'none'}",
        f"Settings: {runtime.project_name}.conf, written by: xlscore addin install",
    ]
    parts = package_parts(
        custom_ui=custom_ui,
        custom_ui_namespace=custom_ui_namespace,
        vba_project=build_vba_project_bin(project),
        version=__version__,
        about=about,
    )
    return AddinBuild(
        data=_zip_package(parts),
        xlwings_version=runtime.version,
        config_name=runtime.project_name,
        modules=tuple(module.name for module in project.modules),
        udf_module=udf_module,
        udf_names=tuple(udf.name for udf in udfs),
        ribbon_callbacks=callbacks,
        notes=tuple(notes),
    )


def _file_mode(path: Path) -> int:
    """The mode a file written here should have: the replaced file's, else the umask's (0644 as a rule)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)  # reading the umask means setting it; it is set back at once
        os.umask(umask)
        return 0o666 & ~umask


def write_addin(path: Path, data: bytes) -> None:
    """Write the add-in file atomically: a half-written .xlam never replaces a good one.

    A temporary file is private (0600); the add-in gets the mode an ordinary new file would
    get, so that Excel under another account, a file share or a release upload can read it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _file_mode(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""What a VBA project holds: its name, references and modules, checked on creation."""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass, field

from xlscore.vba.source_text import module_name

__all__ = [
    "OFFICE_REFERENCE",
    "STDOLE_REFERENCE",
    "ModuleKind",
    "VbaModule",
    "VbaProject",
    "VbaProjectError",
    "VbaReference",
]

# Namespace for the project ID derived from the project name, so that builds repeat.
_PROJECT_ID_NAMESPACE = uuid.UUID("6f1d0a52-3c1e-4c61-9a8e-0d2f4b7c9e11")
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")
_BARE_LINE_FEED = re.compile(r"(?<!\r)\n")


class VbaProjectError(ValueError):
    """A project the VBA format or VBA itself would reject."""


class ModuleKind(enum.Enum):
    """How the dir stream and the PROJECT stream declare a module."""

    STANDARD = "Module"  # MODULETYPE 0x0021
    CLASS = "Class"  # MODULETYPE 0x0022
    DOCUMENT = "Document"  # MODULETYPE 0x0022, bound to a workbook or sheet

    @property
    def type_record_id(self) -> int:
        return 0x0021 if self is ModuleKind.STANDARD else 0x0022


@dataclass(frozen=True)
class VbaReference:
    """A registered type library reference: a name and its LibidReference string."""

    name: str
    libid: str


STDOLE_REFERENCE = VbaReference(
    "stdole",
    r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation",
)
# Needed by ribbon callbacks: IRibbonControl is declared in the Office type library.
OFFICE_REFERENCE = VbaReference(
    "Office",
    r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
    r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
)


@dataclass(frozen=True)
class VbaModule:
    """One module: its source must already be in stored form (see ``source_text``)."""

    source: str
    kind: ModuleKind
    name: str = field(init=False)

    def __post_init__(self) -> None:
        try:
            name = module_name(self.source)
        except ValueError as error:
            raise VbaProjectError(str(error)) from None
        object.__setattr__(self, "name", name)


@dataclass(frozen=True)
class VbaProject:
    """A VBA project; module sources are encoded in ``codepage`` when written."""

    name: str
    modules: tuple[VbaModule, ...]
    references: tuple[VbaReference, ...] = (STDOLE_REFERENCE,)
    codepage: int = 1252
    lcid: int = 0x0409

    def __post_init__(self) -> None:
        names = [self.name, *(module.name for module in self.modules)]
        for name in names:
            if not _IDENTIFIER.fullmatch(name):
                raise VbaProjectError(
                    f"{name!r}: a VBA name starts with a letter and has at most 31 letters, digits or _"
                )
        seen: set[str] = set()
        for module in self.modules:
            if module.name.lower() in seen:
                raise VbaProjectError(f"two modules are named {module.name!r} (VBA ignores case)")
            seen.add(module.name.lower())
            try:
                module.source.encode(self.python_codec)
            except UnicodeEncodeError as error:
                raise VbaProjectError(
                    f"module {module.name}: {error.object[error.start : error.end]!r} "
                    f"cannot be written in code page {self.codepage}"
                ) from None
            if _BARE_LINE_FEED.search(module.source):
                raise VbaProjectError(
                    f"module {module.name}: lines must end in CRLF (see source_text.to_crlf)"
                )

    @property
    def python_codec(self) -> str:
        return f"cp{self.codepage}"

    @property
    def project_id(self) -> str:
        """The PROJECT stream's ID: a GUID derived from the name, in upper case with braces."""
        return "{" + str(uuid.uuid5(_PROJECT_ID_NAMESPACE, self.name)).upper() + "}"

    def encode(self, text: str) -> bytes:
        return text.encode(self.python_codec)

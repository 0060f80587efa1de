"""The streams of a VBA project storage (MS-OVBA 2.3.4): dir, PROJECT, PROJECTwm, _VBA_PROJECT.

The dir stream is written here decompressed; ``project_file`` compresses it. Module
streams hold only compressed source: with the 7-byte ``_VBA_PROJECT`` stream (no
compiled performance cache) the host compiles every module from its source on load.
"""

from __future__ import annotations

import struct

from xlscore.vba.encryption import encrypt
from xlscore.vba.project import ModuleKind, VbaModule, VbaProject, VbaReference

__all__ = ["VBA_PROJECT_STREAM", "dir_stream", "project_stream", "project_wm_stream"]

# Reserved1 0x61CC, Version 0xFFFF (no cache: compile from source), Reserved2, Reserved3.
VBA_PROJECT_STREAM = bytes.fromhex("CC61FFFF000100")

_SYSKIND_WIN32 = 0x00000001
_VERSION_MAJOR, _VERSION_MINOR = 1, 0
_COOKIE_IGNORED = 0xFFFF
_VERSION_COMPATIBLE32 = "393222000"
_HOST_EXTENDER_EXCEL_VBE = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"

_NOT_PROTECTED = bytes(4)  # CMG: ProjectProtectionState, nothing locked
_NO_PASSWORD = b"\x00"  # DPB
_VISIBLE = b"\xff"  # GC: ProjectVisibilityState


def _record(record_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _u16(value: int) -> bytes:
    return struct.pack("<H", value)


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _information_records(project: VbaProject) -> bytes:
    """PROJECTINFORMATION (2.3.4.2.1)."""
    return b"".join(
        [
            _record(0x0001, _u32(_SYSKIND_WIN32)),
            _record(0x0002, _u32(project.lcid)),
            _record(0x0014, _u32(project.lcid)),  # LCID used to invoke
            _record(0x0003, _u16(project.codepage)),
            _record(0x0004, project.encode(project.name)),
            _record(0x0005, b"") + _record(0x0040, b""),  # doc string and its Unicode form
            _record(0x0006, b"") + _record(0x003D, b""),  # help file paths 1 and 2
            _record(0x0007, _u32(0)),  # help context
            _record(0x0008, _u32(0)),  # library flags
            struct.pack("<HIIH", 0x0009, 4, _VERSION_MAJOR, _VERSION_MINOR),
            _record(0x000C, b"") + _record(0x003C, b""),  # conditional compilation constants
        ]
    )


def _reference_records(project: VbaProject, reference: VbaReference) -> bytes:
    """REFERENCENAME followed by REFERENCEREGISTERED (2.3.4.2.2)."""
    libid = project.encode(reference.libid)
    registered = _u32(len(libid)) + libid + _u32(0) + _u16(0)
    return (
        _record(0x0016, project.encode(reference.name))
        + _record(0x003E, _utf16(reference.name))
        + _record(0x000D, registered)
    )


def _module_records(project: VbaProject, module: VbaModule) -> bytes:
    """MODULE (2.3.4.2.3.2): the stream name is the module name."""
    encoded_name, unicode_name = project.encode(module.name), _utf16(module.name)
    return b"".join(
        [
            _record(0x0019, encoded_name),
            _record(0x0047, unicode_name),
            _record(0x001A, encoded_name) + _record(0x0032, unicode_name),
            _record(0x001C, b"") + _record(0x0048, b""),  # doc string
            _record(0x0031, _u32(0)),  # source starts at offset 0 of the module stream
            _record(0x001E, _u32(0)),  # help context
            _record(0x002C, _u16(_COOKIE_IGNORED)),
            _record(module.kind.type_record_id, b""),
            _record(0x002B, b""),  # module terminator
        ]
    )


def dir_stream(project: VbaProject) -> bytes:
    """The decompressed dir stream (2.3.4.2)."""
    return b"".join(
        [
            _information_records(project),
            *(_reference_records(project, reference) for reference in project.references),
            _record(0x000F, _u16(len(project.modules))),
            _record(0x0013, _u16(_COOKIE_IGNORED)),
            *(_module_records(project, module) for module in project.modules),
            _record(0x0010, b""),  # dir stream terminator
        ]
    )


def project_stream(project: VbaProject) -> bytes:
    """The PROJECT stream (2.3.1): module list, name, protection state, workspace."""
    lines = [f'ID="{project.project_id}"']
    for module in project.modules:
        suffix = "/&H00000000" if module.kind is ModuleKind.DOCUMENT else ""
        lines.append(f"{module.kind.value}={module.name}{suffix}")
    lines += [
        f'Name="{project.name}"',
        'HelpContextID="0"',
        f'VersionCompatible32="{_VERSION_COMPATIBLE32}"',
        f'CMG="{encrypt(_NOT_PROTECTED, project.project_id)}"',
        f'DPB="{encrypt(_NO_PASSWORD, project.project_id)}"',
        f'GC="{encrypt(_VISIBLE, project.project_id)}"',
        "",
        "[Host Extender Info]",
        _HOST_EXTENDER_EXCEL_VBE,
        "",
        "[Workspace]",
        *(f"{module.name}=0, 0, 0, 0, C" for module in project.modules),
        "",
    ]
    return project.encode("\r\n".join(lines))


def project_wm_stream(project: VbaProject) -> bytes:
    """PROJECTwm (2.3.3): each module name in the code page and in UTF-16."""
    names = b"".join(
        project.encode(module.name) + b"\x00" + _utf16(module.name) + b"\x00\x00"
        for module in project.modules
    )
    return names + b"\x00\x00"

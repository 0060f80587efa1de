"""Assemble a ``vbaProject.bin``: the VBA project's streams in a compound file."""

from __future__ import annotations

from xlscore.vba.compound_file import build_compound_file
from xlscore.vba.compression import compress
from xlscore.vba.project import VbaProject
from xlscore.vba.streams import VBA_PROJECT_STREAM, dir_stream, project_stream, project_wm_stream

__all__ = ["build_vba_project_bin"]


def build_vba_project_bin(project: VbaProject) -> bytes:
    """The bytes of a ``vbaProject.bin`` holding the project's modules as source.

    The same project always gives the same bytes.
    """
    streams = {
        "PROJECT": project_stream(project),
        "PROJECTwm": project_wm_stream(project),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": compress(dir_stream(project)),
    }
    for module in project.modules:
        streams[f"VBA/{module.name}"] = compress(project.encode(module.source))
    return build_compound_file(streams)

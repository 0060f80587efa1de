"""Shared by the add-in tests: one build with the sample UDF module, and ways to look inside it."""

from __future__ import annotations

import functools
import io
import zipfile

from oletools.olevba import VBA_Parser

from xlscore.addin.build import AddinBuild, build_addin

SAMPLE_UDF_MODULE = "tests.unit.addin_sample_udfs"


@functools.cache
def sample_build() -> AddinBuild:
    return build_addin(udf_module=SAMPLE_UDF_MODULE)


def package_parts(xlam: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlam)) as package:
        return {name: package.read(name) for name in package.namelist()}


def vba_modules(xlam: bytes) -> dict[str, str]:
    """Module name -> source, as olevba reads them from the package's vbaProject.bin."""
    parser = VBA_Parser("xlscore.xlam", data=xlam)
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_all_macros()}
    finally:
        parser.close()

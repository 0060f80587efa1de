"""Recalculate workbooks with LibreOffice headless: many books per ``soffice`` call.

``recalculate(paths, outdir)`` converts every book to ``.xlsx`` in ``outdir`` with a forced
full recalculation on load (cached values in the input are ignored), so reading the output
with ``openpyxl.load_workbook(path, data_only=True)`` shows what LibreOffice computed.

Each call uses its own private LibreOffice profile: concurrent test processes (pytest -n)
never share one. Start-up costs about a second, so pass all books of a test in one call.
Benchmarks that time soffice themselves use :func:`private_profile` and :func:`soffice_command`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["RecalculationError", "private_profile", "recalculate", "soffice_available", "soffice_command"]

# OOXMLRecalcMode / ODFRecalcMode 0 makes LibreOffice recalculate every formula on load
# ("never trust cached values"); 1 keeps the cached values.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>{mode}</value></prop></item>
</oor:items>
"""


class RecalculationError(RuntimeError):
    """soffice failed, timed out, or did not write every output file."""


def soffice_available() -> bool:
    return shutil.which("soffice") is not None


@contextmanager
def private_profile(*, recalc: bool = True) -> Iterator[str]:
    """A throw-away LibreOffice profile; yields its ``-env:UserInstallation=...`` argument."""
    with tempfile.TemporaryDirectory(prefix="xlscore-lo-") as folder:
        user = Path(folder) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE.format(mode=0 if recalc else 1), encoding="utf-8")
        yield f"-env:UserInstallation={Path(folder).as_uri()}"


def soffice_command(paths: Sequence[Path], outdir: Path, profile: str, convert_to: str = "xlsx") -> list[str]:
    return ["soffice", "--headless", "--norestore", profile, "--convert-to", convert_to, "--outdir", str(outdir),
            *(str(p) for p in paths)]


def recalculate(paths: Sequence[Path], outdir: Path, *, convert_to: str = "xlsx",
                timeout: float = 1800.0, recalc: bool = True) -> list[Path]:
    """Open every book in one LibreOffice run, recalculate it fully, save it to ``outdir``.

    Returns the output paths in the order of ``paths`` (same file stem, extension
    ``convert_to``: ``xlsx`` for values, ``pdf`` to render). Input names must be unique by stem.
    ``recalc=False`` keeps the cached values instead.
    """
    if not paths:
        return []
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise ValueError("recalculate: input files must have distinct names (outputs share outdir)")
    outdir.mkdir(parents=True, exist_ok=True)
    extension = convert_to.split(":", 1)[0]
    targets = [outdir / f"{stem}.{extension}" for stem in stems]
    for target in targets:
        target.unlink(missing_ok=True)
    with private_profile(recalc=recalc) as profile:
        command = soffice_command(paths, outdir, profile, convert_to)
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RecalculationError(f"soffice timed out after {timeout:.0f} s on {len(paths)} book(s)") from exc
    missing = [t.name for t in targets if not t.exists()]
    if done.returncode != 0 or missing:
        raise RecalculationError(f"soffice exit {done.returncode}; not written: {missing[:5]}; "
                                 f"stderr: {done.stderr.strip()[:500]}")
    return targets

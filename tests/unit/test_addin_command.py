"""The ``xlscore addin`` argparse wiring and its handlers."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from xlscore.addin.command import register
from xlscore.addin.errors import AddinError

from .addin_helpers import sample_build


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="xlscore")
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_subcommands_parse_and_each_has_a_handler() -> None:
    build = parse("addin", "build", "-o", "out/xlscore.xlam")
    assert build.output == Path("out/xlscore.xlam") and callable(build.func)
    assert parse("addin", "install", "--dry-run").dry_run is True
    assert parse("addin", "uninstall").dry_run is False
    assert callable(parse("addin", "doctor").func)
    assert parse("addin", "install", "--check").check is True
    with pytest.raises(SystemExit):
        parse("addin")  # a subcommand is required


def test_build_writes_the_add_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse("addin", "build", "-o", str(tmp_path / "dist" / "xlscore.xlam"))
    assert args.func(args) == 0
    assert (tmp_path / "dist" / "xlscore.xlam").read_bytes()[:2] == b"PK"
    assert capsys.readouterr().out.startswith(f"Wrote {tmp_path / 'dist' / 'xlscore.xlam'} (")


def test_install_dry_run_with_a_prebuilt_add_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prebuilt = tmp_path / "xlscore.xlam"
    prebuilt.write_bytes(sample_build().data)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "roaming"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "profile"))
    args = parse("addin", "install", "--dry-run", "--addin", str(prebuilt))
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert f'"INTERPRETER_WIN" to "{Path(sys.executable).absolute()}"' in out
    assert not (tmp_path / "roaming").exists() and not (tmp_path / "profile").exists()


def test_install_on_a_system_without_excel_explains_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    args = parse("addin", "install", "--dry-run")
    with pytest.raises(AddinError, match="install on Windows and macOS"):
        args.func(args)


def test_importing_the_command_loads_nothing_heavy() -> None:
    # xlscore --help imports this module; the build (zip, VBA writer, xlwings) must wait for a handler.
    code = (
        "import sys, xlscore.addin.command; "
        "print(sorted(m for m in sys.modules if m.startswith(('xlwings', 'xlscore.vba', 'xlscore.addin.'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "['xlscore.addin.command']"


def test_doctor_reports_each_check_and_exits_1_on_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    for argv in (("addin", "doctor"), ("addin", "install", "--check")):
        args = parse(*argv)
        assert args.func(args) == 1
        out = capsys.readouterr().out
        assert out.startswith(f"PROBLEM  Add-in file: {tmp_path}/Library/Group Containers/")
        assert "Fix: run 'xlscore addin install'" in out and out.rstrip().endswith("problems found.")
    assert list(tmp_path.iterdir()) == []  # checking writes nothing

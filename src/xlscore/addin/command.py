"""``xlscore addin build|install|uninstall``: registered by the CLI through :func:`register`.

Only argparse is imported at module level; the handlers import the build and install
code when they run, so ``xlscore --help`` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``addin`` command and its ``build``, ``install`` and ``uninstall`` subcommands."""
    addin = subparsers.add_parser(
        "addin",
        help="build, install or uninstall the xlscore Excel add-in (ribbon + UDFs)",
        description="The xlscore add-in gives Excel an xlscore ribbon tab and the xlscore UDFs. "
        "It is built from the sources in addin/ and the installed xlwings.",
    )
    commands = addin.add_subparsers(dest="addin_command", metavar="{build,install,uninstall}", required=True)

    build = commands.add_parser(
        "build",
        help="build xlscore.xlam",
        description="Build the add-in file (the same sources give the same bytes).",
    )
    build.add_argument(
        "-o", "--output", type=Path, required=True, metavar="PATH", help="the .xlam file to write"
    )
    build.add_argument("--force", action="store_true", help="replace an existing PATH")
    build.set_defaults(func=_run_build)

    install = commands.add_parser(
        "install",
        help="install the add-in into Excel's start-up folder and write its settings",
        description="Copy the add-in into Excel's start-up folder (XLSTART) and set the full path of this "
        "Python and the UDF module in the add-in's xlwings config file. Builds the add-in first unless "
        "--addin names a prebuilt one.",
    )
    install.add_argument(
        "--addin", type=Path, metavar="XLAM", help="install this prebuilt .xlam instead of building"
    )
    install.add_argument("--dry-run", action="store_true", help="print what would be done, change nothing")
    install.set_defaults(func=_run_install)

    uninstall = commands.add_parser(
        "uninstall",
        help="undo what install did",
        description="Remove the add-in and restore the config keys that install set, and nothing else.",
    )
    uninstall.add_argument("--dry-run", action="store_true", help="print what would be done, change nothing")
    uninstall.set_defaults(func=_run_uninstall)


def _run_build(args: argparse.Namespace) -> int:
    from xlscore.addin.build import build_addin, write_addin
    from xlscore.workbook.atomic import check_output

    output: Path = args.output.expanduser()
    check_output(output, force=args.force, replaces=False, make_folder=True)
    built = build_addin()
    write_addin(output, built.data)
    print(f"Wrote {output} ({len(built.data):,} bytes)")
    print(f"  VBA modules: {', '.join(built.modules)} (xlwings runtime {built.xlwings_version})")
    print(f"  UDFs from {built.udf_module}: {', '.join(built.udf_names) or 'none'}")
    for note in built.notes:
        print(f"  Note: {note}")
    return 0


def _run_install(args: argparse.Namespace) -> int:
    from xlscore.addin.build import DEFAULT_UDF_MODULE, build_addin
    from xlscore.addin.errors import AddinError
    from xlscore.addin.install import install, install_target, interpreter_path
    from xlscore.addin.runtime import load_xlwings_runtime

    target = install_target(load_xlwings_runtime().project_name)
    if args.addin is not None:
        try:
            addin_data = args.addin.expanduser().read_bytes()
        except OSError as error:
            raise AddinError(f"cannot read the add-in {args.addin}: {error.strerror}") from None
    else:
        built = build_addin()
        addin_data = built.data
        print(f"Built the add-in ({len(addin_data):,} bytes, xlwings runtime {built.xlwings_version})")
    for message in install(
        addin_data,
        target,
        interpreter=interpreter_path(),
        udf_modules=DEFAULT_UDF_MODULE,
        dry_run=args.dry_run,
    ):
        print(message)
    if not args.dry_run:
        print("Restart Excel to load the add-in.")
    if target.system == "macos":
        print("On macOS, RunPython also needs xlwings' AppleScript once: xlwings runpython install")
        print("UDFs need Excel on Windows; on macOS the ribbon works, the UDFs do not.")
    return 0


def _run_uninstall(args: argparse.Namespace) -> int:
    from xlscore.addin.install import install_target, uninstall
    from xlscore.addin.runtime import load_xlwings_runtime

    for message in uninstall(install_target(load_xlwings_runtime().project_name), dry_run=args.dry_run):
        print(message)
    return 0

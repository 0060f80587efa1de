"""``xlscore addin build|install|uninstall|doctor``: registered by the CLI through :func:`register`.

Only argparse is imported at module level; the handlers import the build and install
code when they run, so ``xlscore --help`` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``addin`` command and its ``build``, ``install``, ``uninstall`` and ``doctor`` subcommands."""
    addin = subparsers.add_parser(
        "addin",
        help="build, install or uninstall the xlscore Excel add-in (ribbon + UDFs)",
        description="The xlscore add-in gives Excel an xlscore ribbon tab and the xlscore UDFs. "
        "It is built from the sources in addin/ and the installed xlwings.",
    )
    commands = addin.add_subparsers(
        dest="addin_command", metavar="{build,install,uninstall,doctor}", required=True
    )

    build = commands.add_parser(
        "build",
        help="build xlscore.xlam",
        description="Build the add-in file (the same sources give the same bytes).",
    )
    build.add_argument(
        "-o", "--output", type=Path, required=True, metavar="PATH", help="the .xlam file to write"
    )
    build.set_defaults(func=_run_build)

    install = commands.add_parser(
        "install",
        help="install the add-in into Excel's start-up folder and write its settings",
        description="Copy the add-in into Excel's start-up folder (XLSTART) and set the full path of this "
        "Python and the UDF module in the add-in's xlwings config file, in the code page Excel's VBA reads "
        "it with; on macOS also copy xlwings' AppleScript, which RunPython needs. Builds the add-in first "
        "unless --addin names a prebuilt one, which must hold the runtime of this Python's xlwings.",
    )
    install.add_argument(
        "--addin", type=Path, metavar="XLAM", help="install this prebuilt .xlam instead of building"
    )
    install.add_argument("--dry-run", action="store_true", help="print what would be done, change nothing")
    install.add_argument("--check", action="store_true", help="install nothing; check the install (as doctor)")
    install.set_defaults(func=_run_install)

    uninstall = commands.add_parser(
        "uninstall",
        help="undo what install did",
        description="Remove the add-in and restore the config keys that install set, and nothing else.",
    )
    uninstall.add_argument("--dry-run", action="store_true", help="print what would be done, change nothing")
    uninstall.set_defaults(func=_run_uninstall)

    doctor = commands.add_parser(
        "doctor",
        help="check the installed add-in and say how to fix each problem",
        description="Check, each as ok or PROBLEM with its fix: the add-in file and its trusted location, the "
        "Mark of the Web (Windows), the add-in's xlwings version against this Python's, the interpreter in "
        "the settings file, the xlwings DLL (Windows) or AppleScript (macOS), and the settings file's "
        "content. Exit code 1 when there is a problem.",
    )
    doctor.set_defaults(func=_run_doctor)


def _run_build(args: argparse.Namespace) -> int:
    from xlscore.addin.build import build_addin, write_addin

    built = build_addin()
    output: Path = args.output.expanduser()
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
    from xlscore.addin.runtime import installed_xlwings

    if args.check:
        return _run_doctor(args)
    xlwings = installed_xlwings()
    target = install_target(xlwings.project_name)
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
        xlwings=xlwings,
        dry_run=args.dry_run,
    ):
        print(message)
    if not args.dry_run:
        print("Restart Excel to load the add-in. 'xlscore addin doctor' checks the install.")
    if target.system == "macos":
        print("UDFs need Excel on Windows; on macOS the ribbon works, the UDFs do not.")
    return 0


def _run_doctor(args: argparse.Namespace) -> int:
    from xlscore.addin.doctor import doctor, format_checks
    from xlscore.addin.install import install_target, interpreter_path
    from xlscore.addin.runtime import installed_xlwings
    from xlscore.addin.targets import trusted_locations_disabled

    xlwings = installed_xlwings()
    target = install_target(xlwings.project_name)
    checks = doctor(
        target, xlwings, this_python=interpreter_path(), trusted_locations_disabled=trusted_locations_disabled()
    )
    for line in format_checks(checks):
        print(line)
    problems = sum(not check.ok for check in checks)
    print(f"{problems} problem{'s' if problems != 1 else ''} found." if problems else "Everything is in place.")
    return 1 if problems else 0


def _run_uninstall(args: argparse.Namespace) -> int:
    from xlscore.addin.install import install_target, uninstall
    from xlscore.addin.runtime import installed_xlwings

    for message in uninstall(install_target(installed_xlwings().project_name), dry_run=args.dry_run):
        print(message)
    return 0

"""The VBA module of UDF wrappers, generated from a Python module's ``@xw.func`` functions.

xlwings finds UDFs through the ``__xlfunc__`` metadata its decorators attach, and writes
one VBA Function per UDF that hands the call to Python (``xlwings.udfs`` ->
``generate_vba_wrapper``). That code needs Excel on Windows, and on other systems
xlwings' decorators attach nothing. So the module is executed afresh here with
recording stand-ins for ``xw.func``/``xw.sub``/``xw.arg``/``xw.ret`` that attach the same
metadata, and the wrappers are written in the exact shape xlwings 0.37 generates for an
add-in (``ActiveWorkbook``, ``#If App`` blocks, ``failed:`` label).
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from xlscore.addin.errors import AddinError
from xlscore.vba import to_crlf

__all__ = ["UdfArgument", "UdfModuleNotFoundError", "UdfSpec", "collect_udfs", "wrapper_module_source"]

WRAPPER_MODULE_NAME = "xlscore_udfs"
DEFAULT_CATEGORY = "xlscore"  # the Insert Function category of a UDF that names none
_MAX_LINE_LENGTH = 1024  # VBA's limit; longer lines are continued with " _"
_LINE_CONTINUATION = " _\n"
_VBA_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,254}")
_A1_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
_R1C1_REFERENCE = re.compile(r"[Rr][0-9]*[Cc][0-9]*|[RrCc][0-9]*")


class UdfModuleNotFoundError(AddinError):
    """The Python module named as UDF module does not exist."""


@dataclass(frozen=True)
class UdfArgument:
    name: str
    vba: str | None  # a VBA expression passed instead of a parameter (xlwings' vba= option)
    optional: bool
    vararg: bool
    doc: str = ""  # xlwings' @xw.arg(..., doc=...): shown in Excel's Function Arguments dialog

    @property
    def in_formula(self) -> bool:
        """Typed in the formula; the others are filled in by VBA (vba= expressions, the caller)."""
        return not (self.vba or self.name == "caller")


@dataclass(frozen=True)
class UdfSpec:
    name: str
    arguments: tuple[UdfArgument, ...]
    is_sub: bool = False
    volatile: bool = False
    call_in_wizard: bool = True
    description: str = ""  # the function's docstring, for Excel's Insert Function dialog
    category: str = DEFAULT_CATEGORY  # xlwings' @xw.func(category=...)


# -- collecting the metadata ---------------------------------------------------------------


def _metadata(function: Callable[..., Any]) -> dict[str, Any]:
    """The ``__xlfunc__`` dict of a function, created as xlwings' ``xlfunc`` does."""
    existing: dict[str, Any] | None = getattr(function, "__xlfunc__", None)
    if existing is not None:
        return existing
    arguments = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.VAR_POSITIONAL):
            raise AddinError(f"UDF {function.__name__}: xlwings UDFs take no keyword-only arguments")
        argument = {
            "name": parameter.name,
            "vba": None,
            "doc": "",
            "vararg": parameter.kind is parameter.VAR_POSITIONAL,
        }
        if parameter.default is not parameter.empty:
            argument["optional"] = parameter.default  # as xlwings: the key's presence marks it optional
        arguments.append(argument)
    metadata = {"name": function.__name__, "sub": False, "args": arguments}
    metadata.update(call_in_wizard=True, volatile=False, category=DEFAULT_CATEGORY)
    function.__xlfunc__ = metadata  # type: ignore[attr-defined]
    return metadata


def _recording_func(function: Any = None, **options: Any) -> Any:
    def record(function: Callable[..., Any]) -> Callable[..., Any]:
        metadata = _metadata(function)
        metadata["call_in_wizard"] = bool(options.get("call_in_wizard", True))
        metadata["volatile"] = bool(options.get("volatile", False))
        metadata["category"] = str(options.get("category", DEFAULT_CATEGORY))
        return function

    return record if function is None else record(function)


def _recording_sub(function: Any = None, **options: Any) -> Any:
    def record(function: Callable[..., Any]) -> Callable[..., Any]:
        _recording_func(**options)(function)
        _metadata(function)["sub"] = True
        return function

    return record if function is None else record(function)


def _recording_arg(name: str, convert: Any = None, **options: Any) -> Callable[[Any], Any]:
    def record(function: Callable[..., Any]) -> Callable[..., Any]:
        for argument in _metadata(function)["args"]:
            if argument["name"] == name.lstrip("*"):
                argument["vba"] = options.get("vba", argument["vba"])
                argument["doc"] = str(options.get("doc", argument["doc"]))
                return function
        raise AddinError(f"UDF {function.__name__}: @xw.arg names {name!r}, which is not an argument")

    return record


def _recording_ret(convert: Any = None, **options: Any) -> Callable[[Any], Any]:
    def record(function: Callable[..., Any]) -> Callable[..., Any]:
        _metadata(function)
        return function

    return record


@contextmanager
def _recording_decorators() -> Iterator[None]:
    import xlwings  # the UDF module imports it anyway; imported here only when building

    stand_ins = {
        "func": _recording_func,
        "sub": _recording_sub,
        "script": _recording_sub,
        "arg": _recording_arg,
        "ret": _recording_ret,
    }
    originals = {name: getattr(xlwings, name, None) for name in stand_ins}
    try:
        for name, stand_in in stand_ins.items():
            setattr(xlwings, name, stand_in)
        yield
    finally:
        for name, original in originals.items():
            setattr(xlwings, name, original)


def _check_name(name: str, module_name: str) -> None:
    if not _VBA_IDENTIFIER.fullmatch(name):
        raise AddinError(f"{module_name}.{name}: not a valid VBA function name")
    a1 = _A1_REFERENCE.fullmatch(name)
    looks_like_a1 = a1 is not None and _column_number(a1.group(1)) <= 16384 and int(a1.group(2)) <= 1048576
    if looks_like_a1 or _R1C1_REFERENCE.fullmatch(name):
        raise AddinError(
            f"{module_name}.{name}: Excel reads this name as a cell reference, so a formula cannot "
            "call it; rename the function"
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def collect_udfs(module_name: str) -> tuple[UdfSpec, ...]:
    """Every function the module marks for Excel, in ``dir()`` order as xlwings walks it."""
    try:
        spec = importlib.util.find_spec(module_name)
    except ModuleNotFoundError:
        spec = None
    if spec is None or spec.loader is None:
        raise UdfModuleNotFoundError(f"the UDF module {module_name} cannot be found")
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(module_name)
    try:
        with _recording_decorators():
            sys.modules[module_name] = module  # as during a normal import (dataclasses need it)
            spec.loader.exec_module(module)
    finally:
        if previous is None:
            sys.modules.pop(module_name, None)
        else:
            sys.modules[module_name] = previous
    udfs: dict[str, UdfSpec] = {}
    for attribute in dir(module):
        metadata = getattr(getattr(module, attribute), "__xlfunc__", None)
        if not isinstance(metadata, dict) or metadata["name"] in udfs:
            continue
        _check_name(metadata["name"], module_name)
        udfs[metadata["name"]] = UdfSpec(
            name=metadata["name"],
            arguments=tuple(
                UdfArgument(a["name"], a["vba"], "optional" in a, a["vararg"], a["doc"]) for a in metadata["args"]
            ),
            is_sub=metadata["sub"],
            volatile=metadata["volatile"],
            call_in_wizard=metadata["call_in_wizard"],
            description=inspect.getdoc(getattr(module, attribute)) or "",
            category=metadata["category"],
        )
    return tuple(udfs.values())


# -- writing the wrappers ------------------------------------------------------------------


class _VbaWriter:
    """Indenting line writer, as xlwings' ``utils.VBAWriter``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.indent = 0

    def line(self, text: str) -> None:
        self.lines.append(_split_long_line(("    " * self.indent + text) if text else ""))

    @contextmanager
    def block(self, opening: str) -> Iterator[None]:
        self.line(opening)
        self.indent += 1
        yield
        self.indent -= 1

    def label(self, name: str) -> None:
        self.indent -= 1
        self.line(f"{name}:")
        self.indent += 1

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _split_long_line(line: str) -> str:
    # xlwings counts the line's "\n" and splits at the last space before the limit.
    if len(line) + 1 <= _MAX_LINE_LENGTH:
        return line
    limit = _MAX_LINE_LENGTH - len(_LINE_CONTINUATION)
    split_at = line.rfind(" ", 1, limit + 1)
    split_at = split_at if split_at > 0 else limit
    return line[:split_at] + _LINE_CONTINUATION + _split_long_line(line[split_at:])


def _signature(udf: UdfSpec) -> str:
    parameters = []
    for argument in udf.arguments:
        if not argument.in_formula:
            continue
        prefix = "Optional " if argument.optional else "ParamArray " if argument.vararg else ""
        parameters.append(prefix + argument.name + ("()" if argument.vararg else ""))
    kind = "Sub" if udf.is_sub else "Function"
    return f"{kind} {udf.name}({', '.join(parameters)})"


def _passed(argument: UdfArgument) -> str:
    return "Nothing" if argument.name == "caller" else argument.vba or argument.name


def _write_wrapper(writer: _VbaWriter, module_name: str, udf: UdfSpec) -> None:
    kind = "Sub" if udf.is_sub else "Function"
    vararg = next((a.name for a in udf.arguments if a.vararg), None)
    with writer.block(_signature(udf)):
        if not udf.is_sub:
            if not udf.call_in_wizard:
                writer.line(
                    'If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function'
                )
            if udf.volatile:
                writer.line("Application.Volatile")
        if vararg is not None:
            fixed = [_passed(a) for a in udf.arguments if not a.vararg]
            writer.line("Dim argsArray() As Variant")
            writer.line(f"argsArray = Array({', '.join(fixed)})")
            writer.line(f"ReDim Preserve argsArray(0 to UBound({vararg}) - LBound({vararg}) + {len(fixed)})")
            writer.line(f"For k = LBound({vararg}) To UBound({vararg})")
            writer.line(f"argsArray({len(fixed)} + k - LBound({vararg})) = {vararg}(k)")
            writer.line("Next k")
            arguments = "argsArray"
        else:
            arguments = f"Array({', '.join(_passed(a) for a in udf.arguments)})"
        target = f'"{module_name}", "{udf.name}", {arguments}'
        with writer.block('#If App = "Microsoft Excel" Then'):
            if udf.is_sub:
                writer.line(f"XLPy.CallUDF {target}, ActiveWorkbook, Application.Caller")
            else:
                writer.line("If TypeOf Application.Caller Is Range Then On Error GoTo failed")
                writer.line(f"{udf.name} = XLPy.CallUDF({target}, ActiveWorkbook, Application.Caller)")
                writer.line(f"Exit {kind}")
        with writer.block("#Else"):
            if udf.is_sub:
                writer.line(f"XLPy.CallUDF {target}")
            else:
                writer.line(f"{udf.name} = XLPy.CallUDF({target})")
                writer.line(f"Exit {kind}")
        writer.line("#End If")
        if not udf.is_sub:
            writer.label("failed")
            writer.line(f"{udf.name} = Err.Description")
    writer.line(f"End {kind}")
    writer.line("")


def wrapper_module_source(module_name: str, udfs: Sequence[UdfSpec]) -> str:
    """Source (stored form, CRLF) of the VBA module that exposes the UDFs to formulas."""
    writer = _VbaWriter()
    writer.line(f'Attribute VB_Name = "{WRAPPER_MODULE_NAME}"')
    writer.line(
        f"'Generated from the Python module {module_name} by xlscore addin build - changes will be lost."
    )
    writer.line('#Const App = "Microsoft Excel" \'Adjust when using outside of Excel')
    for udf in udfs:
        _write_wrapper(writer, module_name, udf)
    return to_crlf(writer.text)

"""The benchmark of `xlscore demo`: a child process on a pseudo-terminal, its stages read back."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_the_demo_benchmark_reports_figures_and_the_stages_it_showed(monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # as when run as a script: its siblings import by name
    bench = importlib.import_module("bench_demo")
    assert bench.main(["--customers", "2000"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["customers"] == 2000 and figures["seconds"] > 0 and figures["peak_mb"] > 0
    assert figures["file_mb"] > 0 and figures["redraws"] > 0
    stages = [stage for stage, _ in figures["stages"]]
    assert stages[0] == "making 2,000 demo customers"
    assert stages[1].startswith("saving the demo book (2,000 customers, ")
    assert stages[-1] == "writing demo.xlsx"


def test_stages_are_read_from_the_redrawn_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    bench = importlib.import_module("bench_demo")
    shown = ("\r\x1b[Kmaking 5 demo customers [....]   0% 0/5  0.0 s\r\x1b[Kmaking 5 demo customers [####] 100% 5/5"
             "  0.5 s\r\x1b[Kreading x.xlsx...  2.0 s\r\x1b[K")
    assert bench.stages_shown(shown) == [("making 5 demo customers", 0.5), ("reading x.xlsx", 1.5)]

from __future__ import annotations

import shutil

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which("soffice"):
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)

"""Regenerate the shipped templates: ``python -m xlscore.templates [DIR]`` (default workbook_templates)."""

from __future__ import annotations

import sys
from pathlib import Path

from xlscore.templates.build import save_template
from xlscore.workbook.layout import LANGS

SHIPPED = {lang: f"xlscore-template-{lang}.xlsx" for lang in LANGS}


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("workbook_templates")
    folder.mkdir(parents=True, exist_ok=True)
    for lang, name in SHIPPED.items():
        save_template(folder / name, lang)
        print(f"wrote {folder / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

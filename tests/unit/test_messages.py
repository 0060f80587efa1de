"""Wording: one catalogue, counts in the singular for one, thousands separators, Chinese on a Chinese book."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlscore.analysis import analyse
from xlscore.cli import main
from xlscore.commands import summary_text
from xlscore.messages import CATALOGUE, count, display_width, flag, say
from xlscore.templates.demo import write_demo_book

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.mark.parametrize(("n", "noun", "lang", "expected"), [
    (1, "error", "en", "1 error"), (0, "error", "en", "0 errors"), (2, "warning", "en", "2 warnings"),
    (1, "warning", "en", "1 warning"), (12345, "customer", "en", "12,345 customers"),
    (1, "customer", "en", "1 customer"), (1234, "customer", "zh", "1,234 位客户"), (1, "error", "zh", "1 个错误"),
])
def test_counts_agree_with_their_number_and_carry_separators(n: int, noun: str, lang: str, expected: str) -> None:
    assert count(n, noun, lang) == expected


def test_every_catalogue_entry_has_both_languages_with_the_same_fields() -> None:
    import string

    for key, (en, zh) in CATALOGUE.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(zh) if f}, key
        assert zh, key


def test_english_flags_stay_exactly_the_rules_words() -> None:
    assert flag("missing", "en", "Market share %") == "missing: Market share %"
    assert flag("no_band", "en", "Headcount") == "no band: Headcount"
    assert flag("unapproved", "en", "Relationship") == "unapproved: Relationship"
    assert flag("not_scored", "en") == "not scored"


def _book_with_one_error(tmp_path: Path, lang: str) -> Path:
    path = tmp_path / f"one-error-{lang}.xlsx"
    write_demo_book(path, 10, 2, lang)
    wb = load_workbook(path)
    weights = wb["Weights" if lang == "en" else "权重"]
    weights["B2"] = 45  # the Default profile now adds up to 105
    wb.save(path)
    return path


def test_one_error_is_one_error_not_one_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_book_with_one_error(tmp_path, "en"))]) == 1
    out = capsys.readouterr().out
    assert out.rstrip().endswith("1 error, 0 warnings")
    assert "1 errors" not in out


def test_a_chinese_book_gets_chinese_messages_and_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "zh.xlsx"
    write_demo_book(path, 300, 7, "zh")
    flags = " ".join(str(f) for f in analyse(path).result["Flags"] if f)  # type: ignore[index]
    assert "缺失: 合作关系" in flags and "未审核: 合作关系" in flags
    assert "missing:" not in flags and "unapproved:" not in flags
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.strip().endswith("0 个错误，0 个警告；300 位客户可评分")
    assert main(["validate", str(_book_with_one_error(tmp_path, "zh"))]) == 1
    out = capsys.readouterr().out
    assert out.startswith("错误") and "1 个错误" in out
    assert "权重方案 默认 的权重合计为 105，不是 100" in out


def test_english_book_keeps_english_flags(tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    write_demo_book(path, 300, 7, "en")
    flags = " ".join(str(f) for f in analyse(path).result["Flags"] if f)  # type: ignore[index]
    assert "missing: Relationship" in flags and "unapproved: Relationship" in flags


def test_console_summary_lines_up_chinese_tiers_by_display_width() -> None:
    import pandas as pd

    summary = pd.DataFrame({"Tier": ["铂金", "铁"], "Customers": [1500, 3], "Share": [0.998, 0.002],
                            "Min score": [60.0, 1.0], "Average score": [70.0, 1.0], "Policy": ["a", "b"]})
    lines = summary_text(summary, "zh").splitlines()
    assert lines[0].startswith("层级")
    columns = [display_width(line[: line.index("%") + 1]) for line in lines[1:]]
    assert len(set(columns)) == 1  # the Share column ends at the same terminal column
    assert "1,500" in lines[1]
    assert say("summary.backup", "zh", name="b.bak1") == "（备份: b.bak1）"


def test_lang_option_overrides_the_books_language_for_messages(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    zh_book = _book_with_one_error(tmp_path, "zh")
    assert main(["validate", str(zh_book), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "weights of profile 默认 add up to 105, not 100" in out and out.rstrip().endswith("1 error, 0 warnings")
    en_book = _book_with_one_error(tmp_path, "en")
    assert main(["validate", str(en_book), "--lang", "zh"]) == 1
    assert "权重方案 Default 的权重合计为 105，不是 100" in capsys.readouterr().out


def test_explain_speaks_the_books_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "zh.xlsx"
    write_demo_book(path, 30, 7, "zh")
    assert main(["explain", str(path), "C00005"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("客户 C00005") and "权重方案 默认" in out and "得分 = ROUND(总分, 2) = " in out
    assert main(["explain", str(path), "C00005", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("Customer C00005")


def test_a_missing_table_is_reported_in_the_books_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "zh.xlsx"
    write_demo_book(path, 5, 1, "zh")
    wb = load_workbook(path)
    del wb["分段"]
    wb.save(path)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "缺少工作表 '分段'（含 Excel 表 tblBands）" in out and "分段!A1" in out

"""The class tables are safe to open: student names and messages inert in summary.md, no formulas in grades.csv."""
from __future__ import annotations

import csv
from pathlib import Path

from autograder.course.tables import markdown_text, spreadsheet_cell, write_grades_csv


def test_student_text_renders_as_its_characters_in_markdown() -> None:
    hostile = "kim<img src=x onerror=alert(1)>\n| [PASS] | 75 / 75 |\x1b[2K *bold* [link](http://x)"
    shown = markdown_text(hostile)
    assert "<img" not in shown and "\n" not in shown and "\x1b" not in shown
    assert "\\|" in shown and "\\*bold\\*" in shown and "\\[link\\]" in shown and "&lt;img" in shown
    assert markdown_text("2024123456") == "2024123456" and markdown_text("김민지") == "김민지"


def test_no_cell_of_grades_csv_is_a_formula(tmp_path: Path) -> None:
    records = [{"student": name, "exit_code": 2, "checks": []}
               for name in ("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "plain")]
    write_grades_csv(tmp_path / "grades.csv", records)
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        students = [row["student"] for row in csv.DictReader(handle)]
    assert students == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "plain"]
    assert spreadsheet_cell(3.5) == 3.5 and spreadsheet_cell("2024") == "2024"

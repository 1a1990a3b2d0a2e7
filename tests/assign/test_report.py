"""report: counts add up and read well."""
from __future__ import annotations

from pathlib import Path

from autograder.assign.report import AssignmentReport, BuildReport, FileReport


def sample() -> BuildReport:
    files = (
        FileReport("a.ipynb", "notebook", regions_replaced=2, solution_cells=1, hidden_tests_removed=3),
        FileReport("b.py", "python", regions_replaced=4, stubs=("f: TODO 1",) * 4),
        FileReport("c.py", "python"),
        FileReport("d.csv", "copied"),
    )
    assignment = AssignmentReport("hw", Path("release/hw"), Path("solutions/hw"), files)
    return BuildReport(Path("release"), Path("solutions"), (assignment,))


def test_totals() -> None:
    report = sample()
    assert report.regions_replaced == 6
    assert report.hidden_tests_removed == 3
    assert report.assignments[0].solution_cells == 1


def test_str() -> None:
    text = str(sample())
    assert "hw: 4 files -> release/hw and solutions/hw" in text
    assert "a.ipynb  2 solution regions stubbed, 1 solution cell stubbed, 3 hidden test regions removed" in text
    assert "b.py     4 solution regions stubbed" in text
    assert "c.py     no solution regions (copied unchanged)" in text
    assert "d.csv    copied unchanged" in text
    assert text.splitlines()[-1].startswith("Built 1 assignment into release (students) and solutions (answer key)")

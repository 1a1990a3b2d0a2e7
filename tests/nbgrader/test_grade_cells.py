"""The grade cells of the source notebooks map onto the autograder's checks, so nbgrader scores a submission
as `autograder grade` does: each cell's points are the sum of its checks' points (the assignment's record, autograder.assignments),
every check is called by exactly one cell, and a grade cell's hidden tests are nothing but that call.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.assignments import assignment_names, get_assignment
from autograder.grade.registry import checks_for
from autograder.notebook import grade_cells

REPO = Path(__file__).resolve().parents[2]
# Grade cells that call no check are worth 0 points: the visible test cells (test_*, so that nbgrader's
# Validate reports them) and the notebook's own loss-curve task (a deliberate difference, docs/instructors.md).
NOTEBOOK_ONLY = {"pytorch_tensor": {"test_loss_curve"}, "image_classification": set()}


def _unscored(cell) -> bool:
    return cell.grade_id.startswith("test_")


def _source(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4)


@pytest.mark.parametrize("assignment", list(assignment_names()))
def test_cell_points_are_the_sum_of_their_checks_points(assignment: str) -> None:
    cells = grade_cells(_source(assignment))
    for cell in cells:
        if cell.assignment is None:
            assert _unscored(cell) and cell.points == 0, cell
            continue
        assert not _unscored(cell) and cell.grade_id.startswith("grade_"), cell
        assert cell.assignment == assignment, cell
        assert cell.points == sum(get_assignment(assignment).points[name] for name in cell.checks), cell
    called = [name for cell in cells for name in cell.checks]
    assert sorted(called) == sorted(c.name for c in checks_for(assignment)), "every check in exactly one cell"
    assert sum(cell.points for cell in cells) == sum(get_assignment(assignment).points.values())
    assert NOTEBOOK_ONLY[assignment] <= {c.grade_id for c in cells if c.assignment is None}


@pytest.mark.parametrize("assignment", list(assignment_names()))
def test_training_checks_have_cells_of_their_own(assignment: str) -> None:
    """Each full-data training check runs in its own cell, under its own cell time limit."""
    training = {c.name for c in checks_for(assignment) if c.timeout == "train"}
    for cell in grade_cells(_source(assignment)):
        if training & set(cell.checks):
            assert len(cell.checks) == 1, cell


@pytest.mark.parametrize("assignment", list(assignment_names()))
def test_hidden_tests_only_call_the_check(assignment: str) -> None:
    """The test logic exists once, in the autograder: a grade cell's hidden part is the import and the call."""
    nb = _source(assignment)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade") or not meta["points"]:
            continue
        lines = cell.source.splitlines()
        begin, end = lines.index("### BEGIN HIDDEN TESTS"), lines.index("### END HIDDEN TESTS")
        assert lines[begin + 1 : end - 1] == ["from autograder.notebook import check"], meta["grade_id"]
        assert lines[end - 1].startswith(f'check("{assignment}", ') and end == len(lines) - 1, meta["grade_id"]
        # What students see of a grade cell: comments only (no assert that could cost points on its own).
        assert lines[:begin] and all(line.startswith("#") for line in lines[:begin]), meta["grade_id"]


@pytest.mark.parametrize("assignment", list(assignment_names()))
def test_the_release_notebook_holds_no_hidden_tests(assignment: str) -> None:
    text = (REPO / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
    assert "autograder.notebook" not in text and "HIDDEN TESTS" not in text and f'check(\\"{assignment}' not in text
    release = nbformat.reads(text, as_version=4)
    graded = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(graded) == len(grade_cells(_source(assignment)))

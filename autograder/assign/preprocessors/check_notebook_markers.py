"""CheckNotebookMarkers: check a notebook's marker lines before nbgrader's preprocessors see them.

nbgrader's ClearSolutions/ClearHiddenTests match any line that *contains* the marker text and fail with
generic RuntimeErrors. This check names the notebook, cell and line, rejects misspelled markers,
and counts the regions for the build report (``resources["assign"]["counts"]``).
"""
from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader import utils as nbgrader_utils
from traitlets import Bool, Unicode

from ..errors import MarkerError
from ..markers import HIDDEN_TESTS, MARK_SCHEME, SOLUTION, find_regions

_NEEDS = {
    SOLUTION: (nbgrader_utils.is_solution, "an 'Autograded answer' or 'Manually graded answer' cell "
               "(metadata nbgrader.solution = true)"),
    HIDDEN_TESTS: (nbgrader_utils.is_grade, "an 'Autograder tests' cell (metadata nbgrader.grade = true)"),
    MARK_SCHEME: (nbgrader_utils.is_task, "a 'Manually graded task' cell (metadata nbgrader.task = true)"),
}


def describe_cell(name: str, cell: NotebookNode, index: int) -> str:
    """``"nb.ipynb, cell 4 (grade_id 'zeros')"``; cells are counted from 1 as Jupyter shows them."""
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    if grade_id:
        return f"{name}, cell {index + 1} (grade_id '{grade_id}')"
    if cell.get("id"):
        return f"{name}, cell {index + 1} (id '{cell['id']}')"
    return f"{name}, cell {index + 1}"


def new_counts() -> dict[str, int]:
    """The counters this check fills in."""
    return {"solution_regions": 0, "solution_cells": 0, "hidden_tests": 0, "mark_schemes": 0}


class CheckNotebookMarkers(Preprocessor):
    """Raises MarkerError for misspelled, unbalanced, nested or misplaced markers, or AUTOTEST cells."""

    enabled = Bool(True)
    notebook_name = Unicode("notebook.ipynb", help="How error messages name the notebook").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        counts = new_counts()
        for index, cell in enumerate(nb.cells):
            where = describe_cell(self.notebook_name, cell, index)
            lines = cell.source.split("\n")
            regions = find_regions(lines, locate=lambda i, where=where: f"{where}, line {i + 1}")
            for region in regions:
                is_right_cell, needed = _NEEDS[region.kind]
                if not is_right_cell(cell):
                    raise MarkerError(
                        f"{where}, line {region.begin + 1}",
                        f"a `### BEGIN {region.kind}` region in a cell that is not {needed}",
                        "set the cell's nbgrader type in Jupyter (View > Cell Toolbar > Create Assignment) "
                        "or move the region into such a cell",
                    )
            if cell.cell_type == "code" and "AUTOTEST" in cell.source:
                raise MarkerError(
                    where,
                    "AUTOTEST cells need nbgrader's InstantiateTests, which this build does not run",
                    "write the tests out in the cell instead of AUTOTEST",
                )
            kinds = [region.kind for region in regions]
            counts["solution_regions"] += kinds.count(SOLUTION)
            counts["hidden_tests"] += kinds.count(HIDDEN_TESTS)
            counts["mark_schemes"] += kinds.count(MARK_SCHEME)
            if nbgrader_utils.is_solution(cell) and SOLUTION not in kinds:
                counts["solution_cells"] += 1
        resources.setdefault("assign", {})["counts"] = counts
        return nb, resources

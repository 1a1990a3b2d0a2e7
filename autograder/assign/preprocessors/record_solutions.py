"""RecordSolutions: remember each solution cell's answer before ClearSolutions replaces it."""
from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader import utils as nbgrader_utils
from traitlets import Bool

from ..markers import HIDDEN_TESTS, SOLUTION, find_regions, remove_regions, strip_marker_lines


def answer_of(source: str) -> str:
    """The filled-in cell: solution marker lines deleted, hidden-test regions removed."""
    lines = source.split("\n")
    regions = find_regions(lines, locate=lambda i: f"line {i + 1}")
    lines = remove_regions(lines, [r for r in regions if r.kind == HIDDEN_TESTS])
    regions = find_regions(lines, locate=lambda i: f"line {i + 1}")
    return "\n".join(strip_marker_lines(lines, [r for r in regions if r.kind == SOLUTION]))


class RecordSolutions(Preprocessor):
    """Stores ``resources["assign"]["answers"][grade_id]`` for every solution cell (used by FillSolutions)."""

    enabled = Bool(True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        answers = {
            cell.metadata.nbgrader["grade_id"]: answer_of(cell.source)
            for cell in nb.cells
            if nbgrader_utils.is_solution(cell)
        }
        resources.setdefault("assign", {})["answers"] = answers
        return nb, resources

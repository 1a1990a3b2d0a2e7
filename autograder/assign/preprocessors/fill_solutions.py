"""FillSolutions: put the recorded answers back into the solution cells of a release notebook.

The result is what a perfect student submission looks like: the release notebook (same metadata, same
checksums, same locked cells) with every solution cell answered.
"""
from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader import utils as nbgrader_utils
from traitlets import Bool

from ..errors import BuildError


class FillSolutions(Preprocessor):
    """Replaces each solution cell's source by ``resources["assign"]["answers"][grade_id]`` (RecordSolutions)."""

    enabled = Bool(True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        answers: dict[str, str] = resources.get("assign", {}).get("answers", {})
        for cell in nb.cells:
            if nbgrader_utils.is_solution(cell):
                grade_id = cell.metadata.nbgrader["grade_id"]
                if grade_id not in answers:
                    raise BuildError(f"no recorded answer for solution cell '{grade_id}': run RecordSolutions first")
                cell.source = answers[grade_id]
        return nb, resources

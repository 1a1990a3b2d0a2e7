"""`NormaliseGradeCells`: a student's notebook whose nbgrader metadata was copied, invented or broken still autogrades.

nbgrader's sanitize steps assume the student's nbgrader cells are the instructor's: a grade cell copy-pasted
in Jupyter (same `grade_id`, new cell id) or a cell marked with an id the gradebook does not know makes
`nbgrader autograde` fail for that student (0 points, no feedback). This preprocessor runs first: every cell
whose nbgrader metadata is malformed, whose `grade_id` is not one of the instructor's source notebook, or
repeats an earlier cell's, becomes an ordinary cell (its nbgrader metadata removed). nbgrader's own
`OverwriteCells` then restores the instructor's cells (edited ones overwritten, deleted ones added back),
and the grades come from the trusted grader (`TrustedGrades`), so the student gets exactly what
`autograder grade` gives the handed-in module.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Collection

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.nbgrader_trust.coursedir import assignment_folder


def instructor_grade_ids(source_notebook: Path) -> set[str]:
    """The `grade_id` of every nbgrader cell of the instructor's source notebook."""
    nb = nbformat.read(source_notebook, as_version=4)
    found = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
            found.add(meta["grade_id"])
    return found


def normalise_grade_cells(nb: NotebookNode, *, known: Collection[str]) -> list[str]:
    """Make every nbgrader cell of `nb` that is not one of `known` (once) an ordinary cell; return what was
    changed, as short descriptions for the log."""
    seen: set[str] = set()
    changed = []
    for index, cell in enumerate(nb.cells):
        metadata = cell.get("metadata", {})
        if "nbgrader" not in metadata:
            continue
        meta = metadata["nbgrader"]
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if not isinstance(grade_id, str):
            why = "nbgrader metadata without a grade id"
        elif grade_id not in known:
            why = f"unknown grade id {grade_id[:80]!r}"
        elif grade_id in seen:
            why = f"a copy of {grade_id!r}"
        else:
            seen.add(grade_id)
            continue
        del metadata["nbgrader"]
        changed.append(f"cell {index}: {why}")
    return changed


class NormaliseGradeCells(NbGraderPreprocessor):
    """Autograde (first sanitize step): only the instructor's nbgrader cells stay nbgrader cells, each once."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources["nbgrader"]
        source = assignment_folder(self, resources, which="source",
                                   outside="NormaliseGradeCells runs inside `nbgrader autograde` only")
        known = instructor_grade_ids(source / f"{info['notebook']}.ipynb")
        for change in normalise_grade_cells(nb, known=known):
            self.log.warning("%s/%s: %s made an ordinary cell", info["student"], info["notebook"], change)
        return nb, resources

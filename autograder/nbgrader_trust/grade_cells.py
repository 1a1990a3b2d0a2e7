"""`NormaliseGradeCells`: a student's notebook whose nbgrader cells were copied, edited, deleted or broken still
autogrades.

nbgrader's own steps assume the student's nbgrader cells are the instructor's, as released: a grade cell
copy-pasted in Jupyter (same `grade_id`, new cell id), a cell marked with an id the gradebook does not know, a
deleted cell next to a deleted grade cell, points or flags edited in the metadata, an old `schema_version`, a cell
turned into Markdown, or two cells with one cell id each make `nbgrader autograde` fail for that student (0 points,
no feedback) or, for an old schema, stop the whole class's run. This preprocessor, the first sanitize step, puts the
notebook into the form nbgrader expects, against the instructor's release notebook:

* the first cell that carries each of the instructor's grade ids gets the released cell's nbgrader metadata and
  cell type back (a locked or grade cell: the released cell itself; nbgrader's `OverwriteCells` then restores its
  source and hidden tests from the gradebook); a solution cell keeps the student's source;
* every other cell with nbgrader metadata (a copy, an invented or malformed id) becomes an ordinary cell;
* every released nbgrader cell that is missing is put back after the released cell that precedes it;
* duplicate or missing cell ids are replaced by fresh ones.

The grades never depend on the notebook (`GradeBeforeRun` grades the handed-in module), so this changes no score:
the student gets exactly `autograder grade`'s points, and the feedback shows the notebook as it ran.
"""
from __future__ import annotations

import copy
import secrets
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.nbgrader_trust.coursedir import assignment_folder


def _grade_id(cell: Any) -> str | None:
    """The cell's nbgrader grade id when its nbgrader metadata is a dict holding a string id, else None."""
    meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell, dict) else None
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def instructor_cells(release_notebook: Path) -> list[NotebookNode]:
    """The nbgrader cells of the instructor's release notebook, in order."""
    nb = nbformat.read(release_notebook, as_version=4)
    return [cell for cell in nb.cells if _grade_id(cell) is not None]


def _restored(student: NotebookNode, released: NotebookNode) -> NotebookNode:
    """The student's cell carrying a released grade id, put back into the released form (see the module docstring)."""
    meta = released.metadata["nbgrader"]
    if not meta.get("solution"):
        cell = copy.deepcopy(released)
    else:  # the student's own answer stays; its type and nbgrader metadata are the released ones
        source = student.get("source", "")
        source = source if isinstance(source, str) else "".join(map(str, source)) if isinstance(source, list) else ""
        make = nbformat.v4.new_code_cell if released.cell_type == "code" else nbformat.v4.new_markdown_cell
        cell = make(source)
        cell.metadata = copy.deepcopy(released.metadata)
    cell["id"] = student.get("id") or released.get("id")
    return cell


def normalise_grade_cells(nb: NotebookNode, *, released: list[NotebookNode]) -> list[str]:
    """Put `nb`'s nbgrader cells into the released form (`released`: the release notebook's nbgrader cells, in
    order); return what was changed, as short descriptions for the log."""
    by_id = {_grade_id(cell): cell for cell in released}
    seen: set[str] = set()
    changed: list[str] = []
    cells: list[NotebookNode] = []
    for index, cell in enumerate(nb.cells):
        metadata = cell.get("metadata", {})
        if "nbgrader" not in metadata:
            cells.append(cell)
            continue
        grade_id = _grade_id(cell)
        if grade_id in by_id and grade_id not in seen:
            seen.add(grade_id)
            restored = _restored(cell, by_id[grade_id])
            if restored.metadata != cell.get("metadata") or restored.cell_type != cell.get("cell_type"):
                changed.append(f"cell {index}: {grade_id!r} restored to its released form")
            cells.append(restored)
            continue
        why = ("nbgrader metadata without a grade id" if grade_id is None else
               f"a copy of {grade_id!r}" if grade_id in by_id else f"unknown grade id {grade_id[:80]!r}")
        del metadata["nbgrader"]
        changed.append(f"cell {index}: {why}: made an ordinary cell")
        cells.append(cell)
    for position, cell in enumerate(released):  # put back what was deleted, after the released cell before it
        grade_id = _grade_id(cell)
        if grade_id in seen:
            continue
        before = {_grade_id(c) for c in released[:position]}
        at = max((i + 1 for i, c in enumerate(cells) if _grade_id(c) in before), default=0)
        cells.insert(at, copy.deepcopy(cell))
        seen.add(grade_id)  # type: ignore[arg-type]
        changed.append(f"{grade_id!r} was missing: put back")
    ids: set[str] = set()
    for cell in cells:  # cell ids unique (nbformat 4.5), as Jupyter makes them
        if not isinstance(cell.get("id"), str) or cell.get("id") in ids or not cell.get("id"):
            cell["id"] = secrets.token_hex(4)
        ids.add(cell["id"])
    nb.cells = cells
    return changed


class NormaliseGradeCells(NbGraderPreprocessor):
    """Autograde (first sanitize step): the student's nbgrader cells in the form the instructor released."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources["nbgrader"]
        outside = "NormaliseGradeCells runs inside `nbgrader autograde` only"
        release = assignment_folder(self, resources, which="release", outside=outside) / f"{info['notebook']}.ipynb"
        if not release.is_file():  # release/ not generated here: the source notebook's cells (no checksums)
            release = assignment_folder(self, resources, which="source", outside=outside) / f"{info['notebook']}.ipynb"
        for change in normalise_grade_cells(nb, released=instructor_cells(release)):
            self.log.warning("%s/%s: %s", info["student"], info["notebook"], change)
        return nb, resources

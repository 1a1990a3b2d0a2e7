"""NormaliseGradeCells: only the instructor's nbgrader cells stay nbgrader cells, each once."""
from __future__ import annotations

import nbformat

from autograder.nbgrader_trust.grade_cells import normalise_grade_cells


def _cell(grade_id: object = None, *, nbgrader: object = "default") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("check()")
    if nbgrader == "default":
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": 2, "solution": False, "locked": True}
    elif nbgrader is not None:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def test_copies_unknown_and_broken_cells_become_ordinary_and_the_first_of_each_id_stays() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("a"), _cell("a"), _cell("mine"), _cell(None), _cell(nbgrader=["junk"]), _cell(nbgrader=None),
                _cell("b"), _cell(7)]
    changed = normalise_grade_cells(nb, known={"a", "b"})
    kept = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert kept == ["a", None, None, None, None, None, "b", None]
    assert len(changed) == 5 and "a copy of 'a'" in changed[0] and "unknown grade id 'mine'" in changed[1]
    assert all("nbgrader" not in c.metadata for i, c in enumerate(nb.cells) if i not in (0, 6))


def test_a_notebook_of_the_instructors_cells_is_left_as_it_is() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("a"), _cell(nbgrader=None), _cell("b")]
    before = nbformat.writes(nb)
    assert normalise_grade_cells(nb, known={"a", "b", "c"}) == []
    assert nbformat.writes(nb) == before

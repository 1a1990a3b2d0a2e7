"""NormaliseGradeCells: the student's nbgrader cells put back into the form the instructor released."""
from __future__ import annotations

import copy

import nbformat

from autograder.nbgrader_trust.grade_cells import normalise_grade_cells


def _cell(grade_id: object = None, *, nbgrader: object = "default", kind: str = "code", source: str = "check()",
          solution: bool = False, cell_id: str | None = None) -> nbformat.NotebookNode:
    cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(source)
    if nbgrader == "default":
        cell.metadata["nbgrader"] = {"grade": not solution, "grade_id": grade_id, "points": 2, "solution": solution,
                                     "locked": not solution, "schema_version": 3, "task": False,
                                     "cell_type": kind, "checksum": f"sum-{grade_id}"}
    elif nbgrader is not None:
        cell.metadata["nbgrader"] = nbgrader
    if cell_id:
        cell.id = cell_id
    return cell


RELEASED = [_cell("a", source="check('a')", cell_id="a"), _cell("b", source="check('b')", cell_id="b"),
            _cell("answer", source="# your answer", solution=True, cell_id="answer"),
            _cell("c", source="check('c')", cell_id="c")]


def _ids(nb: nbformat.NotebookNode) -> list:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_copies_unknown_and_broken_cells_become_ordinary_and_missing_ones_come_back() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [copy.deepcopy(RELEASED[0]), _cell("a"), _cell("mine"), _cell(None), _cell(nbgrader=["junk"]),
                _cell(nbgrader=None, source="print('mine')"), copy.deepcopy(RELEASED[2]), _cell(7)]
    changed = normalise_grade_cells(nb, released=RELEASED)
    assert _ids(nb) == ["a", "b", None, None, None, None, None, "answer", "c", None]
    assert any("a copy of 'a'" in c for c in changed) and any("unknown grade id 'mine'" in c for c in changed)
    assert any("'b' was missing" in c for c in changed) and any("'c' was missing" in c for c in changed)
    assert len({c.id for c in nb.cells}) == len(nb.cells)


def test_edited_metadata_type_and_schema_are_restored_and_a_solution_keeps_its_answer() -> None:
    nb = nbformat.v4.new_notebook()
    edited = copy.deepcopy(RELEASED[0])
    edited.metadata.nbgrader.update(points="lots", grade=False, schema_version=1)
    as_markdown = _cell("b", kind="markdown", source="check('b')", cell_id="b")
    answer = _cell("answer", kind="markdown", source="plt.plot(losses)", solution=True, cell_id="answer")
    answer.metadata.nbgrader["schema_version"] = "3"
    nb.cells = [edited, as_markdown, answer, copy.deepcopy(RELEASED[3])]
    normalise_grade_cells(nb, released=RELEASED)
    for cell, released in zip(nb.cells, RELEASED):
        assert cell.metadata.nbgrader == released.metadata.nbgrader and cell.cell_type == released.cell_type
    assert nb.cells[2].source == "plt.plot(losses)"  # the student's answer stays
    assert nb.cells[0].source == "check('a')"  # a locked cell is the released one (nbgrader restores it anyway)


def test_a_notebook_as_released_is_left_as_it_is() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [*copy.deepcopy(RELEASED[:2]), _cell(nbgrader=None, source="x = 1", cell_id="extra"),
                *copy.deepcopy(RELEASED[2:])]
    before = nbformat.writes(nb)
    assert normalise_grade_cells(nb, released=RELEASED) == []
    assert nbformat.writes(nb) == before


def test_duplicate_cell_ids_get_fresh_ones() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [*copy.deepcopy(RELEASED), _cell(nbgrader=None, cell_id="a"), _cell(nbgrader=None, cell_id="a")]
    normalise_grade_cells(nb, released=RELEASED)
    assert len({c.id for c in nb.cells}) == len(nb.cells) == 6

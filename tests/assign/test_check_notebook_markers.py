"""CheckNotebookMarkers: notebook/cell/line errors for bad markers, and the counts for the report."""
from __future__ import annotations

import copy

import nbformat
import pytest

from autograder.assign.errors import MarkerError
from autograder.assign.preprocessors import CheckNotebookMarkers


def check(nb: nbformat.NotebookNode) -> dict:
    _, resources = CheckNotebookMarkers(notebook_name="nb.ipynb").preprocess(copy.deepcopy(nb), {})
    return resources["assign"]["counts"]


def test_counts(source_notebook: nbformat.NotebookNode) -> None:
    assert check(source_notebook) == {
        "solution_regions": 1,
        "solution_cells": 2,  # 'answer' (code) and 'explain' (markdown) have no markers
        "hidden_tests": 1,
        "mark_schemes": 0,
    }


def test_misspelled_marker_names_cell_and_line(source_notebook: nbformat.NotebookNode) -> None:
    source_notebook.cells[2].source = source_notebook.cells[2].source.replace("END SOLUTION", "END SOLUTIONS")
    with pytest.raises(MarkerError) as info:
        check(source_notebook)
    assert info.value.where == "nb.ipynb, cell 3 (grade_id 'add'), line 5"


def test_unbalanced_hidden_tests(source_notebook: nbformat.NotebookNode) -> None:
    source_notebook.cells[4].source = "assert True\n### BEGIN HIDDEN TESTS\nassert 1"
    with pytest.raises(MarkerError, match=r"cell 5 \(grade_id 'test_add'\), line 2: .*no matching"):
        check(source_notebook)


def test_solution_region_outside_a_solution_cell(source_notebook: nbformat.NotebookNode) -> None:
    source_notebook.cells[6].source = "### BEGIN SOLUTION\nx = 1\n### END SOLUTION"
    with pytest.raises(MarkerError, match=r"cell 7 \(id 'cell-6'\), line 1: a `### BEGIN SOLUTION` region in a cell"):
        check(source_notebook)


def test_hidden_tests_outside_a_grade_cell(source_notebook: nbformat.NotebookNode) -> None:
    source_notebook.cells[3].source = "### BEGIN HIDDEN TESTS\nassert 1\n### END HIDDEN TESTS"
    with pytest.raises(MarkerError, match="Autograder tests"):
        check(source_notebook)


def test_autotest_is_rejected(source_notebook: nbformat.NotebookNode) -> None:
    source_notebook.cells[4].source = "AUTOTEST add(1, 2)"
    with pytest.raises(MarkerError, match="AUTOTEST"):
        check(source_notebook)

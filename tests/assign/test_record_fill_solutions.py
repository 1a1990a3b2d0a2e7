"""RecordSolutions and FillSolutions: keep each answer before ClearSolutions, put it back at the end."""
from __future__ import annotations

import copy

import nbformat
import pytest

from autograder.assign.errors import BuildError
from autograder.assign.preprocessors import FillSolutions, RecordSolutions
from autograder.assign.preprocessors.record_solutions import answer_of


def test_answer_of_strips_markers_and_hidden_tests() -> None:
    source = (
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
        "### BEGIN HIDDEN TESTS\nassert f()\n### END HIDDEN TESTS"
    )
    assert answer_of(source) == "def f():\n    return 1"
    assert answer_of("answer = 42") == "answer = 42"


def test_record_then_fill(source_notebook: nbformat.NotebookNode) -> None:
    nb, resources = RecordSolutions().preprocess(copy.deepcopy(source_notebook), {})
    answers = resources["assign"]["answers"]
    assert answers == {
        "add": 'def add(a, b):\n    """Sum."""\n    return a + b',
        "answer": "answer = 42",
        "explain": "Because addition is commutative.",
    }
    for cell in nb.cells:  # what ClearSolutions would do
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "raise NotImplementedError()"
    filled, _ = FillSolutions().preprocess(nb, resources)
    assert filled.cells[2].source == answers["add"]
    assert filled.cells[5].source == answers["explain"]
    assert filled.cells[4].source == source_notebook.cells[4].source  # not a solution cell: untouched


def test_fill_without_record_fails(source_notebook: nbformat.NotebookNode) -> None:
    with pytest.raises(BuildError, match="RecordSolutions"):
        FillSolutions().preprocess(source_notebook, {})

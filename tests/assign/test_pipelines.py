"""pipelines: the order of the preprocessors, and nbgrader's order for notebooks."""
from __future__ import annotations

from nbgrader.converters import GenerateAssignment

from autograder.assign import CODE_STUB, TEXT_STUB
from autograder.assign.pipelines import (
    notebook_release_pipeline,
    notebook_solution_pipeline,
    python_release_pipeline,
    python_solution_pipeline,
)


def names(pipeline: list) -> list[str]:
    return [type(p).__name__ for p in pipeline]


def test_python_pipelines_order() -> None:
    assert names(python_release_pipeline()) == [
        "FindMarkers", "CheckPythonSyntax", "LocateRegions", "StubSolutions", "CheckPythonSyntax",
    ]
    assert names(python_solution_pipeline()) == [
        "FindMarkers", "CheckPythonSyntax", "LocateRegions", "StripSolutionMarkers", "CheckPythonSyntax",
    ]


def test_notebook_release_follows_nbgrader_generate_assignment() -> None:
    ours = names(notebook_release_pipeline(notebook_name="nb.ipynb"))
    assert ours[0] == "CheckNotebookMarkers"
    left_out = {"IncludeHeaderFooter", "InstantiateTests", "SaveCells"}
    nbgrader_order = [cls.__name__ for cls in GenerateAssignment.class_traits()["preprocessors"].default()]
    assert ours[1:] == [name for name in nbgrader_order if name not in left_out]


def test_notebook_solution_is_release_with_record_and_fill() -> None:
    release = names(notebook_release_pipeline(notebook_name="nb.ipynb"))
    solution = names(notebook_solution_pipeline(notebook_name="nb.ipynb"))
    assert solution == [release[0], "RecordSolutions", *release[1:], "FillSolutions"]


def test_fresh_instances_and_configured_stubs() -> None:
    first, second = notebook_release_pipeline(notebook_name="a"), notebook_release_pipeline(notebook_name="b")
    assert all(a is not b for a, b in zip(first, second))
    clear = next(p for p in first if type(p).__name__ == "ClearSolutions")
    assert clear.code_stub == CODE_STUB and clear.code_stub is not CODE_STUB
    assert clear.text_stub == TEXT_STUB
    assert all(p.enabled for p in first)

"""notebooks: reading (reproducible cell ids) and converting like nbgrader's converters."""
from __future__ import annotations

import json

import nbformat
import pytest

from autograder.assign.errors import BuildError
from autograder.assign.notebooks import convert_notebook, read_notebook
from autograder.assign.pipelines import notebook_release_pipeline


def test_read_notebook_roundtrip(source_notebook: nbformat.NotebookNode) -> None:
    nb = read_notebook(nbformat.writes(source_notebook), name="nb.ipynb")
    assert [c.id for c in nb.cells] == [c.id for c in source_notebook.cells]


def test_missing_cell_ids_are_refused(source_notebook: nbformat.NotebookNode) -> None:
    data = json.loads(nbformat.writes(source_notebook))
    del data["cells"][1]["id"]
    with pytest.raises(BuildError, match=r"nb.ipynb: cells 2 have no `id`"):
        read_notebook(json.dumps(data), name="nb.ipynb")


def test_duplicate_cell_ids_are_refused(source_notebook: nbformat.NotebookNode) -> None:
    data = json.loads(nbformat.writes(source_notebook))
    data["cells"][1]["id"] = data["cells"][0]["id"]
    with pytest.raises(BuildError, match="cell-0 are used more than once"):
        read_notebook(json.dumps(data), name="nb.ipynb")


def test_not_json() -> None:
    with pytest.raises(BuildError, match=r"nb.ipynb:1: not valid notebook JSON"):
        read_notebook("{nope", name="nb.ipynb")


def test_convert_writes_nbformat_text(source_notebook: nbformat.NotebookNode) -> None:
    text, resources = convert_notebook(source_notebook, notebook_release_pipeline(notebook_name="nb"), name="nb")
    assert text.endswith("}\n")
    assert text == nbformat.writes(nbformat.reads(text, as_version=4)) + "\n"
    assert resources["assign"]["counts"]["hidden_tests"] == 1
    assert source_notebook.cells[2].outputs  # the input notebook is not changed


def test_nbgrader_errors_name_the_notebook(source_notebook: nbformat.NotebookNode) -> None:
    del source_notebook.cells[3].metadata["nbgrader"]["grade_id"]  # CheckCellMetadata fails
    with pytest.raises(BuildError, match=r"^nb.ipynb: "):
        convert_notebook(source_notebook, notebook_release_pipeline(notebook_name="nb.ipynb"), name="nb.ipynb")

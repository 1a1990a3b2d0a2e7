"""One TODO order everywhere: the module, the notebook and the report go TODO 1, 2, ... in the course notes' order.

A student told to "fill the TODOs in order" meets them in that order in the `.py` module, in the notebook's
sections and test cells, and in the report's checks (the two accuracy checks come last: they need the models
and `train()`).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from autograder.grade.registry import checks_for

ROOT = Path(__file__).resolve().parents[2]
MODULES = {"pytorch_tensor": "tensor_basics.py", "image_classification": "classifier.py"}
TODO = re.compile(r"TODO (\d+)\b")


def _is_sorted(numbers: list[int]) -> bool:
    return numbers == sorted(numbers)


@pytest.mark.parametrize("assignment", sorted(MODULES))
@pytest.mark.parametrize("folder", ["source", "release", "solutions"])
def test_module_todos_come_in_order(folder: str, assignment: str):
    lines = (ROOT / folder / assignment / MODULES[assignment]).read_text(encoding="utf-8").splitlines()
    marks = [int(m.group(1)) for line in lines if (m := re.match(r"\s*# TODO (\d+)\b", line))]
    assert marks and _is_sorted(marks), marks
    # a header that lists the TODOs (in Korean, then in English) lists each of them in the same order
    header = [int(m.group(1)) for line in lines[:40] if (m := re.match(r"- TODO (\d+) `", line))]
    todos = sorted(set(marks))
    assert header in ([], todos * 2), header


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_notebook_sections_and_test_cells_come_in_order(assignment: str):
    nb = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    seen = []
    for cell in nb.cells[1:]:  # the first cell's overview names them all
        first = cell.source.splitlines()[0] if cell.source else ""
        # section headings and the first line of visible-test and graded cells name the TODO they belong to
        if first.startswith("#") and (m := TODO.search(first)):
            seen.append(int(m.group(1)))
    assert len(seen) > 10 and _is_sorted(seen), seen


@pytest.mark.parametrize("assignment", sorted(MODULES))
def test_report_lists_the_checks_in_todo_order_and_accuracy_last(assignment: str):
    titles = [c.title for c in checks_for(assignment)]
    numbered = [int(m.group(1)) for t in titles if (m := re.match(r"TODO (\d+)\b", t))]
    assert _is_sorted(numbered), titles
    last_numbered = max(i for i, t in enumerate(titles) if t.startswith("TODO "))
    assert all(not t.startswith("TODO ") for t in titles[last_numbered + 1:])
    assert titles[:last_numbered + 1] == [t for t in titles if t.startswith("TODO ")]


def test_image_classification_follows_the_notes_run_before_the_cnn():
    """The notes build the 7-step run with TwoLayerFC, then the CNN: run() is TODO 8, ThreeLayerConvNet TODO 9."""
    source = (ROOT / "source/image_classification/classifier.py").read_text(encoding="utf-8")
    assert source.index("# TODO 8: 설정, 데이터, 모델") < source.index("class ThreeLayerConvNet")
    titles = {c.name: c.title for c in checks_for("image_classification")}
    assert titles["run_pipeline"].startswith("TODO 8 run") and titles["conv_layers"].startswith("TODO 9 ThreeLayerConvNet")

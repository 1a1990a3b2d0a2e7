"""FindMarkers: records solution regions of a `.py` module, rejects bad markers."""
from __future__ import annotations

import pytest

from autograder.assign.errors import MarkerError
from autograder.assign.markers import SOLUTION
from autograder.assign.preprocessors import FindMarkers, PythonModule


def test_records_regions(skeleton_text: str) -> None:
    module = FindMarkers()(PythonModule.from_text(skeleton_text, name="skel.py"))
    assert len(module.regions) == 6
    assert all(r.kind == SOLUTION for r in module.regions)
    assert module.lines[module.regions[0].begin].strip() == "### BEGIN SOLUTION"
    assert module.lines[module.regions[0].end].strip() == "### END SOLUTION"


def test_no_markers_no_regions() -> None:
    assert FindMarkers()(PythonModule.from_text("x = 1\n", name="m.py")).regions == ()


def test_misspelled_marker_names_file_and_line() -> None:
    text = "def f():\n    ### BEGIN SOLUTIONS\n    return 1\n    ### END SOLUTION\n"
    with pytest.raises(MarkerError) as info:
        FindMarkers()(PythonModule.from_text(text, name="pkg/m.py"))
    assert str(info.value).startswith("pkg/m.py:2: `### BEGIN SOLUTIONS` looks like a marker")


def test_begin_without_end() -> None:
    text = "def f():\n    ### BEGIN SOLUTION\n    return 1\n"
    with pytest.raises(MarkerError, match=r"m.py:2: `### BEGIN SOLUTION` has no matching `### END SOLUTION`"):
        FindMarkers()(PythonModule.from_text(text, name="m.py"))


def test_hidden_tests_are_not_allowed_in_modules() -> None:
    text = "### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS\n"
    with pytest.raises(MarkerError, match="grade cell of the notebook"):
        FindMarkers()(PythonModule.from_text(text, name="m.py"))

"""StripSolutionMarkers: the solution module is the source minus its marker lines."""
from __future__ import annotations

from autograder.assign.preprocessors import FindMarkers, PythonModule, StripSolutionMarkers


def test_solution_is_source_minus_marker_lines(skeleton_text: str) -> None:
    module = FindMarkers()(PythonModule.from_text(skeleton_text, name="m.py"))
    solution = StripSolutionMarkers()(module)
    expected = "".join(line for line in skeleton_text.splitlines(keepends=True) if "### " not in line)
    assert solution.text == expected
    namespace: dict = {}
    exec(compile(solution.text, "solution.py", "exec"), namespace)
    assert namespace["make_pair"](1) == (1, 2)
    counter = namespace["Counter"](5)
    assert counter.step() == 6
    assert namespace["train"]([1, 2]) == 6


def test_without_regions_nothing_changes() -> None:
    module = FindMarkers()(PythonModule.from_text("x = 1\n", name="m.py"))
    assert StripSolutionMarkers()(module).text == "x = 1\n"

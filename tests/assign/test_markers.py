"""markers: exact marker lines, misspellings, balance and nesting."""
from __future__ import annotations

import pytest

from autograder.assign.errors import MarkerError
from autograder.assign.markers import (
    HIDDEN_TESTS,
    MARKER_TEXTS,
    SOLUTION,
    Region,
    find_regions,
    looks_like_marker,
    parse_marker,
    remove_regions,
    strip_marker_lines,
)


def where(i: int) -> str:
    return f"mod.py:{i + 1}"


@pytest.mark.parametrize(
    ("line", "edge", "kind", "indent"),
    [
        ("### BEGIN SOLUTION\n", "BEGIN", SOLUTION, ""),
        ("        ### END SOLUTION\r\n", "END", SOLUTION, "        "),
        ("\t### BEGIN HIDDEN TESTS", "BEGIN", HIDDEN_TESTS, "\t"),
        ("### END HIDDEN TESTS   \n", "END", HIDDEN_TESTS, ""),
    ],
)
def test_parse_marker_exact(line: str, edge: str, kind: str, indent: str) -> None:
    marker = parse_marker(line)
    assert marker is not None
    assert (marker.edge, marker.kind, marker.indent) == (edge, kind, indent)


@pytest.mark.parametrize(
    "line",
    [
        "### BEGIN SOLUTIONS",
        "## BEGIN SOLUTION",
        "# END SOLUTION",
        "### begin solution",
        "### BEGIN SOLUTON",
        "###BEGIN SOLUTION",
        "### BEGIN SOLUTION  # the answer",
        "x = 1  ### END SOLUTION",
        "### BEGIN HIDDEN TEST",
        "print('END HIDDEN TESTS')",
    ],
)
def test_misspelled_markers_are_not_markers_but_look_like_them(line: str) -> None:
    assert parse_marker(line) is None
    assert looks_like_marker(line)


@pytest.mark.parametrize("line", ["# end of the loop", "# 1) begin here", "x = begin + end", "# TODO 3: solution"])
def test_ordinary_lines_do_not_look_like_markers(line: str) -> None:
    assert not looks_like_marker(line)


def test_marker_texts_cover_all_kinds() -> None:
    assert {"BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"} <= set(MARKER_TEXTS)


def test_find_regions_returns_regions_in_order() -> None:
    lines = ["a", "  ### BEGIN SOLUTION", "  x", "  ### END SOLUTION"]
    lines += ["### BEGIN HIDDEN TESTS", "t", "### END HIDDEN TESTS"]
    assert find_regions(lines, locate=where) == [
        Region(SOLUTION, 1, 3, "  "),
        Region(HIDDEN_TESTS, 4, 6, ""),
    ]


@pytest.mark.parametrize(
    ("lines", "at", "words"),
    [
        (["x", "### BEGIN SOLUTIONS", "y", "### END SOLUTION"], "mod.py:2", "looks like a marker"),
        (["### BEGIN SOLUTION", "y"], "mod.py:1", "no matching `### END SOLUTION`"),
        (["y", "### END SOLUTION"], "mod.py:2", "without a `### BEGIN SOLUTION`"),
        (["### BEGIN SOLUTION", "### BEGIN SOLUTION", "### END SOLUTION"], "mod.py:2", "cannot nest"),
        (["### BEGIN SOLUTION", "y", "### END HIDDEN TESTS"], "mod.py:3", "closes the region"),
        (["    ### BEGIN SOLUTION", "    y", "### END SOLUTION"], "mod.py:3", "indented differently"),
    ],
)
def test_find_regions_errors_name_the_line_and_the_fix(lines: list[str], at: str, words: str) -> None:
    with pytest.raises(MarkerError) as info:
        find_regions(lines, locate=where)
    assert info.value.where == at
    assert words in str(info.value)
    assert "fix:" in str(info.value)


def test_find_regions_rejects_kinds_not_allowed() -> None:
    with pytest.raises(MarkerError, match="not allowed here"):
        find_regions(["### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"], locate=where, allowed=(SOLUTION,))


def test_strip_and_remove_regions() -> None:
    lines = ["a", "### BEGIN SOLUTION", "b", "### END SOLUTION", "c"]
    regions = find_regions(lines, locate=where)
    assert strip_marker_lines(lines, regions) == ["a", "b", "c"]
    assert remove_regions(lines, regions) == ["a", "c"]

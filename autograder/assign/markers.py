"""Marker lines (``### BEGIN SOLUTION`` …) and the regions they delimit.

A marker line is exactly ``### BEGIN <KIND>`` or ``### END <KIND>``: leading whitespace allowed (it sets
the region's indentation), trailing whitespace ignored, nothing else on the line. Any other line that
mentions a marker (``### BEGIN SOLUTIONS``, ``# END SOLUTION``, ``### begin solution``,
``## BEGIN SOLUTON``) is an error, so that a typo never leaks a solution to students.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from .errors import MarkerError

SOLUTION = "SOLUTION"
HIDDEN_TESTS = "HIDDEN TESTS"
MARK_SCHEME = "MARK SCHEME"
KINDS: tuple[str, ...] = (SOLUTION, HIDDEN_TESTS, MARK_SCHEME)

#: Text that must never appear in release/ or solutions/.
MARKER_TEXTS: tuple[str, ...] = tuple(f"{edge} {kind}" for kind in KINDS for edge in ("BEGIN", "END"))

_EXACT = re.compile(r"^(?P<indent>[ \t]*)### (?P<edge>BEGIN|END) (?P<kind>SOLUTION|HIDDEN TESTS|MARK SCHEME)[ \t]*$")
# Lines that look like an attempt at a marker: any spelling of BEGIN/END next to SOLUTION/HIDDEN/MARK
# SCHEME, or a comment of two or more '#' that starts with BEGIN/END.
_FUZZY = re.compile(
    r"(BEGIN|END)[\s_-]*(SOLUTION|HIDDEN|MARK[\s_-]*SCHEME)|^\s*#{2,}\s*(BEGIN|END)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MarkerLine:
    """One exact marker line."""

    edge: str  # "BEGIN" or "END"
    kind: str  # one of KINDS
    indent: str

    @property
    def text(self) -> str:
        """The marker as written, without indentation."""
        return f"### {self.edge} {self.kind}"


@dataclass(frozen=True)
class Region:
    """Lines ``begin``..``end`` (0-based indices of the marker lines, inclusive) of one kind."""

    kind: str
    begin: int
    end: int
    indent: str

    @property
    def inner(self) -> range:
        """Indices of the lines between the two marker lines."""
        return range(self.begin + 1, self.end)


def parse_marker(line: str) -> MarkerLine | None:
    """The marker on this line (line ending allowed), or None when it is not exactly a marker line."""
    match = _EXACT.match(line.rstrip("\r\n"))
    if match is None:
        return None
    return MarkerLine(edge=match["edge"], kind=match["kind"], indent=match["indent"])


def looks_like_marker(line: str) -> bool:
    """Whether the line mentions a marker (exact or misspelled)."""
    return _FUZZY.search(line) is not None


def find_regions(
    lines: Sequence[str],
    *,
    locate: Callable[[int], str],
    allowed: Collection[str] = KINDS,
    not_allowed_fix: str = "remove these markers",
) -> list[Region]:
    """Check the markers of ``lines`` and return their regions in order.

    ``locate(i)`` names line ``i`` (0-based) for error messages, e.g. ``"pkg/mod.py:12"``.
    Raises MarkerError for misspelled, unbalanced, nested, mismatched or not allowed markers.
    """
    regions: list[Region] = []
    open_marker: MarkerLine | None = None
    open_at = -1
    for i, line in enumerate(lines):
        marker = parse_marker(line)
        if marker is None:
            if looks_like_marker(line):
                raise MarkerError(
                    locate(i),
                    f"`{line.strip()}` looks like a marker but is not one",
                    "marker lines are exactly `### BEGIN SOLUTION`, `### END SOLUTION`, "
                    "`### BEGIN HIDDEN TESTS` or `### END HIDDEN TESTS` (indentation allowed, "
                    "upper case, nothing else on the line); reword the line if it is not meant as a marker",
                )
            continue
        if marker.kind not in allowed:
            raise MarkerError(locate(i), f"`{marker.text}` is not allowed here", not_allowed_fix)
        if marker.edge == "BEGIN":
            if open_marker is not None:
                raise MarkerError(
                    locate(i),
                    f"`{marker.text}` inside the region opened by `{open_marker.text}` at "
                    f"{locate(open_at)} (regions cannot nest)",
                    f"add `### END {open_marker.kind}` before this line",
                )
            open_marker, open_at = marker, i
            continue
        # an END marker
        if open_marker is None:
            raise MarkerError(
                locate(i),
                f"`{marker.text}` without a `### BEGIN {marker.kind}` above it",
                f"add `### BEGIN {marker.kind}` where the region starts, or delete this line",
            )
        if marker.kind != open_marker.kind:
            raise MarkerError(
                locate(i),
                f"`{marker.text}` closes the region opened by `{open_marker.text}` at {locate(open_at)}",
                f"write `### END {open_marker.kind}` here",
            )
        if marker.indent != open_marker.indent:
            raise MarkerError(
                locate(i),
                f"`{marker.text}` is indented differently from its `{open_marker.text}` at {locate(open_at)}",
                "indent both marker lines of a region like the code between them",
            )
        regions.append(Region(kind=marker.kind, begin=open_at, end=i, indent=marker.indent))
        open_marker = None
    if open_marker is not None:
        raise MarkerError(
            locate(open_at),
            f"`{open_marker.text}` has no matching `### END {open_marker.kind}`",
            f"add `### END {open_marker.kind}` after the end of the region",
        )
    return regions


def strip_marker_lines(lines: Sequence[str], regions: Sequence[Region]) -> list[str]:
    """``lines`` without the marker lines of ``regions`` (the region contents stay)."""
    drop = {index for region in regions for index in (region.begin, region.end)}
    return [line for i, line in enumerate(lines) if i not in drop]


def remove_regions(lines: Sequence[str], regions: Sequence[Region]) -> list[str]:
    """``lines`` without ``regions`` (marker lines and contents)."""
    drop = {index for region in regions for index in range(region.begin, region.end + 1)}
    return [line for i, line in enumerate(lines) if i not in drop]

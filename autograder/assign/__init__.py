"""`autograder assign`: build source/ into release/ (students) and solutions/ (answer key).

Like nbgrader, the build is an ordered list of small preprocessors per file type (see ``pipelines``):
`.py` modules get each ``### BEGIN/END SOLUTION`` region replaced by a ``raise NotImplementedError(...)``
line naming the function and its TODO; notebooks go through nbgrader's own preprocessors, as in
``nbgrader generate_assignment``. Other files are copied unchanged.
"""
from __future__ import annotations

from .build import build_all, build_assignment, build_file, diff_against_build, find_marker_text
from .errors import BuildError, MarkerError
from .report import AssignmentReport, BuildReport, FileReport
from .stubs import CODE_STUB, NOT_IMPLEMENTED, TEXT_STUB, stub_message

__all__ = [
    "CODE_STUB",
    "NOT_IMPLEMENTED",
    "TEXT_STUB",
    "AssignmentReport",
    "BuildError",
    "BuildReport",
    "FileReport",
    "MarkerError",
    "build_all",
    "build_assignment",
    "build_file",
    "diff_against_build",
    "find_marker_text",
    "stub_message",
]

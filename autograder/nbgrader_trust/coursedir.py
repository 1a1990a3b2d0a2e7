"""The CourseDirectory of the nbgrader command a preprocessor runs in."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor


def course_directory(preprocessor: NbGraderPreprocessor, outside: str) -> Any:
    """The CourseDirectory of the nbgrader command running `preprocessor` (its exporter's converter);
    `outside` is the error when it runs outside one."""
    owner = preprocessor.parent
    while owner is not None and getattr(owner, "coursedir", None) is None:
        owner = getattr(owner, "parent", None)
    if owner is None:
        raise RuntimeError(outside)
    return owner.coursedir


def assignment_folder(preprocessor: NbGraderPreprocessor, resources: dict[str, Any], *, which: str,
                      outside: str) -> Path:
    """`which` ('source', 'release' or 'submitted') folder of the notebook's assignment (the student's, for
    submitted)."""
    info = resources["nbgrader"]
    coursedir = course_directory(preprocessor, outside)
    if which in ("source", "release"):
        folder = coursedir.source_directory if which == "source" else coursedir.release_directory
        return Path(coursedir.format_path(folder, ".", info["assignment"]))
    return Path(coursedir.format_path(coursedir.submitted_directory, info["student"], info["assignment"]))

"""Errors raised by the build. Every message names the file (and line or cell) and says what to fix."""
from __future__ import annotations


class BuildError(Exception):
    """The build cannot produce release/ and solutions/; nothing was written."""


class MarkerError(BuildError):
    """A solution / hidden-test marker is misspelled, unbalanced, nested or misplaced."""

    def __init__(self, where: str, problem: str, fix: str) -> None:
        self.where = where
        self.problem = problem
        self.fix = fix
        super().__init__(f"{where}: {problem}\n  fix: {fix}")

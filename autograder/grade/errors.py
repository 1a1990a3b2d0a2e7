"""The one error the engine raises: the submission could not be graded at all."""
from __future__ import annotations


class GradingError(Exception):
    """The submission could not be graded at all (bad folder, no data); `exit_code` says which case."""

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

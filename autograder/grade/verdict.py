"""A check's verdict: the fraction of its points earned and what the student is told."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Verdict:
    """How a check went: the fraction of its points earned (0..1) and a message for the student.

    status: '' (from the fraction: passed/partial/failed) or 'review' (held for the instructor's review).
    data: figures behind the message (e.g. the accuracy reached), kept in the report and results.json.
    pictures: what the HTML report draws (loss curves, a confusion matrix, misclassified images); see
    `autograder.feedback.pictures`."""

    fraction: float
    message: str = ""
    status: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    pictures: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def passed(cls, message: str = "") -> "Verdict":
        return cls(1.0, message)

    @classmethod
    def failed(cls, message: str) -> "Verdict":
        return cls(0.0, message)

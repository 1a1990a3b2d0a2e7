"""Checks: small functions that compare a student's probe result with the reference's.

    @check("zeros_and_ones", probe="zeros_and_ones", todo="TODO 1 make_zeros_and_ones")
    def zeros_and_ones(student: dict, reference: dict) -> Verdict: ...

Points come from `autograder.grade.points.POINTS` (the one place they are set). Each assignment's checks
live in `autograder/grade/checks/<assignment>.py`, in the order they are reported.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from autograder.grade.points import POINTS


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


Grader = Callable[[dict[str, Any], dict[str, Any]], Verdict]


@dataclass(frozen=True)
class Check:
    """One graded check of an assignment."""

    assignment: str
    name: str
    title: str
    probe: str
    points: float
    grade: Grader
    timeout: str = "check"  # 'check' or 'train': which time limit of `Limits` applies
    needs_data: bool = False  # the probe reads CIFAR-10 prepared by the parent


def check(name: str, *, assignment: str, title: str, probe: str | None = None, timeout: str = "check",
          needs_data: bool = False) -> Callable[[Grader], Check]:
    """Turn a grading function into a Check, with its points looked up in POINTS."""

    def wrap(function: Grader) -> Check:
        points = POINTS[assignment][name]
        return Check(assignment=assignment, name=name, title=title, probe=probe or name, points=points,
                     grade=function, timeout=timeout, needs_data=needs_data)

    return wrap


def checks_for(assignment: str) -> list[Check]:
    """The checks of `assignment`, in report order."""
    module = importlib.import_module(f"autograder.grade.checks.{assignment}")
    return [value for value in vars(module).values() if isinstance(value, Check)]

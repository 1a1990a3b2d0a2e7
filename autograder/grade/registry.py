"""Checks: small functions that compare a student's probe result with the reference's.

    check = partial(autograder.grade.registry.check, assignment="pytorch_tensor")

    @check("zeros_and_ones", title="TODO 1 make_zeros_and_ones")
    def zeros_and_ones(student: dict, reference: dict) -> Verdict: ...

Points come from the assignment's record (`autograder.assignments`, the one place they are set). Each
assignment's checks live in its package's `checks.py`, in the order they are reported.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import Any, Callable, Mapping

from autograder.assignments import get_assignment
from autograder.grade.checks.common import compare_all
from autograder.grade.verdict import Verdict


Grader = Callable[[dict[str, Any], dict[str, Any]], Verdict]


@dataclass(frozen=True)
class Check:
    """One graded check of an assignment.

    hints: probe result key -> what to tell a student whose value there differs (one text, or texts by failure
    kind: see `autograder.grade.checks.common.hint_for`); options: the tolerances of the comparison (rtol, atol).
    Both are declared with the check; a check declared without a body compares every value with them."""

    assignment: str
    name: str
    title: str
    probe: str
    points: float
    grade: Grader
    timeout: str = "check"  # 'check' or 'train': which time limit of `Limits` applies
    needs_data: bool = False  # the probe reads the data set prepared by the parent; the reference holds TEST_LABELS
    hints: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


def check(name: str, *, assignment: str, title: str, probe: str | None = None, timeout: str = "check",
          needs_data: bool = False, hints: Mapping[str, Any] | None = None,
          **options: Any) -> Callable[..., Check]:
    """Turn a grading function into a Check, with its points looked up in the assignment's record:

        @check("squeeze", assignment=..., title="TODO 12 ...")          # a body of its own
        def squeeze(student, reference) -> Verdict: ...

        mean = check("mean", assignment=..., title="TODO 6 ...", hints={KEY: "..."}, rtol=1e-5)()  # compare_all

    Called with no function, the check's body is `compare_all` with its declared hints and tolerances."""

    def wrap(function: Grader | None = None) -> Check:
        table = get_assignment(assignment).points
        if name not in table:
            raise KeyError(f"check {name!r} of {assignment} has no points in its record (autograder.assignments)")
        grade = function if function is not None else partial(compare_all, hints=dict(hints or {}), **options)
        return Check(assignment=assignment, name=name, title=title, probe=probe or name, points=table[name],
                     grade=grade, timeout=timeout, needs_data=needs_data,
                     hints=MappingProxyType(dict(hints or {})), options=MappingProxyType(dict(options)))

    return wrap


def checks_for(assignment: str) -> list[Check]:
    """The checks of `assignment`, in report order."""
    module = importlib.import_module(get_assignment(assignment).checks_module)
    return [value for value in vars(module).values() if isinstance(value, Check)]

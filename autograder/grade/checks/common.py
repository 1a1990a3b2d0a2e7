"""Grading helpers shared by the assignments' checks."""
from __future__ import annotations

from typing import Any

from autograder.grade.compare import compare
from autograder.grade.registry import Verdict
from autograder.run.values import ErrorValue


def compare_all(student: dict[str, Any], reference: dict[str, Any], *, hints: dict[str, str] | None = None,
                **options: Any) -> Verdict:
    """Full points when every value of the reference's result is matched; else the first difference,
    followed by the hint for that value when there is one."""
    key = first_differing_key(student, reference, **options)
    if key is None:
        return Verdict.passed()
    got, hint = student.get(key), (hints or {}).get(key)
    if key not in reference and isinstance(got, str):  # what the probe reported instead of a value
        return Verdict.failed(f"'{key}': {got}")
    if key not in reference:  # the call raised
        message = error_verdict(key, got).message
    else:
        message = compare(key, got, reference[key], **options)
    if hint and not (isinstance(got, ErrorValue) and got.not_implemented):
        message = f"{message}. {hint}"
    return Verdict.failed(message)


def first_differing_key(student: dict[str, Any], reference: dict[str, Any], **options: Any) -> str | None:
    """The key whose difference compare_all reports: a value the probe reported instead of a result (an error
    or a sentence) first, then the first of the reference's values that differs; None when all match."""
    for key, got in student.items():
        if key not in reference and isinstance(got, (ErrorValue, str)):
            return key
    for key, expected in reference.items():
        if compare(key, student.get(key), expected, **options):
            return key
    return None


def first_error(student: dict[str, Any]) -> ErrorValue | None:
    """The first error among the student's values (a TODO stub first), or None."""
    errors = [v for v in student.values() if isinstance(v, ErrorValue)]
    for error in errors:
        if error.not_implemented:
            return error
    return errors[0] if errors else None


def error_verdict(name: str, error: ErrorValue) -> Verdict:
    """The verdict for a call that raised."""
    if error.not_implemented:
        return Verdict.failed(f"TODO not done: {error.message}")
    return Verdict.failed(f"'{name}' raised {error}")

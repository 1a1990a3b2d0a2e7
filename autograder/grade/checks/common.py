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
    for key, got in student.items():  # what the probe reported instead of a value (the call raised, ...)
        if key not in reference:
            if isinstance(got, ErrorValue):
                verdict = error_verdict(key, got)
                hint = (hints or {}).get(key)
                return Verdict.failed(f"{verdict.message}. {hint}") if hint and not got.not_implemented else verdict
            if isinstance(got, str):
                return Verdict.failed(f"'{key}': {got}")
    for key, expected in reference.items():
        message = compare(key, student.get(key), expected, **options)
        if message:
            hint = (hints or {}).get(key)
            got = student.get(key)
            if hint and not (isinstance(got, ErrorValue) and got.not_implemented):
                message = f"{message}. {hint}"
            return Verdict.failed(message)
    return Verdict.passed()


def first_differing_key(student: dict[str, Any], reference: dict[str, Any], **options: Any) -> str | None:
    """The key whose difference compare_all would report (a reported error first), or None when all match."""
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

"""Probes: trusted functions that run *inside the child process* on the student's (or the reference)
module and return plain data (dicts of numbers, strings, tensors, arrays).

A probe named NAME is the function `probe_NAME` in `autograder.probes.<assignment>`. The parent runs the
same probe on the student's module and on the reference solution, under the same seed, and the checks in
`autograder.grade.checks` compare the two results.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

ASSIGNMENTS = ("pytorch_tensor", "image_classification")

Probe = Callable[[Any, dict[str, Any]], dict[str, Any]]


def get_probe(assignment: str, name: str) -> Probe:
    """The probe function `name` of `assignment`."""
    if assignment not in ASSIGNMENTS:
        raise KeyError(f"unknown assignment {assignment!r}")
    module = importlib.import_module(f"autograder.probes.{assignment}")
    probe = getattr(module, f"probe_{name}", None)
    if probe is None:
        raise KeyError(f"{assignment} has no probe {name!r}")
    return probe

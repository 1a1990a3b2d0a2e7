"""Probes: trusted functions that run *inside the child process* on the student's (or the reference)
module and return plain data (dicts of numbers, strings, tensors, arrays).

A probe named NAME is the function `probe_NAME` in the assignment's probes module (`<package>.probes`, see
`autograder.assignments`). The parent runs the same probe on the student's module and on the reference
solution, under the same seed, and the assignment's checks compare the two results. This package holds what
every assignment's probes share.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

Probe = Callable[[Any, dict[str, Any]], dict[str, Any]]


def get_probe(probes_module: str, name: str) -> Probe:
    """The probe function `name` of the probes module `probes_module` (an assignment's `probes_module`)."""
    module = importlib.import_module(probes_module)
    probe = getattr(module, f"probe_{name}", None)
    if probe is None:
        raise KeyError(f"{probes_module} has no probe {name!r}")
    return probe

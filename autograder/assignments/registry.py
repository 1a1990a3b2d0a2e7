"""Where the assignments are found: the built-in ones, then the packages named in `$AUTOGRADER_ASSIGNMENTS`.

    AUTOGRADER_ASSIGNMENTS=/course/week3_assignment:/course/week4_assignment autograder grade ...

Each named folder is a Python package (its `__init__.py` defines `ASSIGNMENT`, an `Assignment` record; its
`probes.py` and `checks.py` sit beside it). It is imported from its folder (nothing is added to `sys.path`),
and the child that runs student code reads it read-only. Its answer key lives in the solutions folder under
the assignment's name, like the built-in ones.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from autograder.assignments.record import Assignment

ASSIGNMENTS_ENV = "AUTOGRADER_ASSIGNMENTS"
BUILT_IN = ("autograder.assignments.pytorch_tensor", "autograder.assignments.image_classification")


class AssignmentError(LookupError):
    """No such assignment, or an assignment package that cannot be used."""


def import_package(folder: str | os.PathLike[str]) -> ModuleType:
    """Import the package in `folder` under the folder's name (once), without touching `sys.path`; its own
    submodules (`.probes`, `.checks`) are then found through the package."""
    path = Path(folder).resolve()
    name = path.name
    existing = sys.modules.get(name)
    if existing is not None:
        if Path(getattr(existing, "__file__", "") or "").parent == path:
            return existing
        raise AssignmentError(f"{path}: a module named {name!r} is already imported from elsewhere; "
                              "rename the assignment's folder")
    init = path / "__init__.py"
    if not init.is_file():
        raise AssignmentError(f"{path}: not an assignment package (no __init__.py); see docs/design.md "
                              "'How to add an assignment'")
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(path)])
    if spec is None or spec.loader is None:
        raise AssignmentError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _record(module: ModuleType, *, where: str) -> Assignment:
    record = getattr(module, "ASSIGNMENT", None)
    if not isinstance(record, Assignment):
        raise AssignmentError(f"{where}: defines no ASSIGNMENT (an autograder.assignments.Assignment)")
    if record.package != module.__name__:
        raise AssignmentError(f"{where}: ASSIGNMENT.package is {record.package!r}, expected {module.__name__!r}")
    return record


@lru_cache(maxsize=8)
def _found(extra: str) -> tuple[Assignment, ...]:
    records = [_record(importlib.import_module(name), where=name) for name in BUILT_IN]
    for folder in (f for f in extra.split(os.pathsep) if f):
        module = import_package(folder)
        records.append(replace(_record(module, where=folder), package_dir=str(Path(folder).resolve())))
    names = [r.name for r in records]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise AssignmentError(f"two assignments are named {', '.join(repeated)} (${ASSIGNMENTS_ENV})")
    return tuple(records)


def all_assignments() -> tuple[Assignment, ...]:
    """Every assignment, built-in ones first, in order."""
    return _found(os.environ.get(ASSIGNMENTS_ENV, ""))


def assignment_names() -> tuple[str, ...]:
    """The names of every assignment, in order."""
    return tuple(a.name for a in all_assignments())


def get_assignment(name: str) -> Assignment:
    """The assignment called `name`; AssignmentError (saying which exist) when there is none."""
    for record in all_assignments():
        if record.name == name:
            return record
    raise AssignmentError(f"unknown assignment {name!r}; choose one of {', '.join(assignment_names())}")

"""The assignments: one package each (its record in `__init__.py`, its `probes.py` and `checks.py`), listed by
the registry. Torch-free: the grader, the CLI and the batch read the records without importing torch.
"""
from autograder.assignments.record import Assignment, DataSource
from autograder.assignments.registry import (ASSIGNMENTS_ENV, AssignmentError, all_assignments, assignment_names,
                                             get_assignment, import_package)

__all__ = ["ASSIGNMENTS_ENV", "Assignment", "AssignmentError", "DataSource", "all_assignments", "assignment_names",
           "get_assignment", "import_package"]

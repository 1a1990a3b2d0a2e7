"""How the suite's gradings share this machine: two pytest-xdist workers on two cores.

Each grading's student code gets one torch thread (`suite_limits`), and so does every process the tests start
(tests/conftest.py sets OMP_NUM_THREADS=1): two trainings at two threads each would put four spinning OpenMP
threads on two cores. Measured on this machine, two one-epoch TwoLayerFC gradings at once took 90 s each with two
threads and 55 s each with one (alone: 29 s and 51 s). Grades do not depend on it beyond the last digits of the
accuracies, which the golden results compare within a tolerance."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autograder.run import Limits

#: torch/BLAS threads of student code in the suite's gradings (autograder grade's default is 2).
SUITE_THREADS = 1


def suite_limits(overrides: Mapping[str, Any] = {}, *, where: str = "the test's limits") -> Limits:
    """The default limits with one thread, and `overrides` (e.g. an example's `limits` table) over them."""
    return Limits.from_mapping({"threads": SUITE_THREADS, **overrides}, where=where)

"""Resource limits for student code, with documented defaults (see README, "Isolation")."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Limits applied to every child process that runs student code.

    check_seconds: wall time of one ordinary check (probe); training checks get `train_seconds`.
    total_seconds: wall time of the whole grading of one submission.
    memory_mib: resident memory of the child (and its children), enforced by polling and RLIMIT_AS.
    processes: processes the child may have alive at once (its own included).
    output_bytes: bytes of stdout+stderr kept and of any file the child writes.
    threads: torch/BLAS threads in the child; fixed so that the same submission gets the same numbers.
    """

    check_seconds: float = 60.0
    train_seconds: float = 600.0
    total_seconds: float = 1800.0
    memory_mib: int = 4096
    processes: int = 64
    output_bytes: int = 1_000_000
    threads: int = 2

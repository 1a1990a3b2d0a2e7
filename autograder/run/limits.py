"""Resource limits for student code, with documented defaults (see docs/isolation.md)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Limits applied to every child process that runs student code.

    check_seconds: CPU time of one ordinary check (probe), summed over its processes and threads;
        training checks get `train_seconds`. Each also has a wall-time cap, `wall_cap(seconds)`, for
        code that sleeps or waits; a cap hit while the machine kept the code from running is reported
        as 'overloaded' (regrade), never as the student's fault.
    total_seconds: wall time of the student's code in one submission (counted from when the grader's
        own reference work and data preparation are done).
    memory_mib: memory of the child and its children (the sum of their proportional set sizes),
        enforced by polling, with RLIMIT_AS (this plus a slack for torch's reservations) as a backstop.
    processes: processes the child may have alive at once (its own included).
    output_bytes: bytes of stdout+stderr the child may write (more stops the check).
    threads: torch/BLAS threads in the child; fixed so that the same submission gets the same numbers.
    import_seconds: CPU time to start the child and import the student's module.
    disk_mib: size of the private /tmp of a confined child (its copy of the submission's folder, its
        home and its temporary files all live there).
    """

    check_seconds: float = 60.0
    train_seconds: float = 600.0
    total_seconds: float = 1800.0
    memory_mib: int = 4096
    processes: int = 64
    output_bytes: int = 1_000_000
    threads: int = 2
    import_seconds: float = 120.0
    disk_mib: int = 1024
    wall_factor: float = 3.0
    wall_slack_seconds: float = 10.0

    def wall_cap(self, cpu_seconds: float) -> float:
        """The wall-time cap of a phase whose CPU-time limit is `cpu_seconds`."""
        return cpu_seconds * self.wall_factor + self.wall_slack_seconds

"""Resource limits for student code, with documented defaults (see docs/isolation.md)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


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
    gpu_memory_mib: GPU memory of one child on a cuda grading (its CUDA context included), as a cap torch applies
        in the child and as the grader counts it from outside (nvidia-smi); unused on cpu.
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
    gpu_memory_mib: int = 4096
    wall_factor: float = 3.0
    wall_slack_seconds: float = 10.0

    def wall_cap(self, cpu_seconds: float) -> float:
        """The wall-time cap of a phase whose CPU-time limit is `cpu_seconds`."""
        return cpu_seconds * self.wall_factor + self.wall_slack_seconds

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, where: str) -> Limits:
        """The defaults with `values` (field name -> number) over them, e.g. from a configuration file.

        An unknown name, or a value that is not a positive number of the field's kind, raises ValueError
        naming `where` and saying what is allowed (nothing is graded with a limit nobody asked for)."""
        defaults = cls()
        known = {f.name: type(getattr(defaults, f.name)) for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"{where}: unknown limit(s) {unknown}; the limits are {sorted(known)}")
        chosen: dict[str, Any] = {}
        for name, value in values.items():
            kind = known[name]
            fits = isinstance(value, (int, float)) and not isinstance(value, bool) and (
                kind is float or float(value).is_integer())
            if not fits or value < 0 or (value == 0 and name != "wall_slack_seconds"):
                raise ValueError(f"{where}: {name} must be a positive {'integer' if kind is int else 'number'}, "
                                 f"not {value!r}")
            chosen[name] = kind(value)
        return cls(**chosen)

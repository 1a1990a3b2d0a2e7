"""What grading is doing right now, for a listener that shows it (the CLI's terminal progress)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class GradingEvent:
    """One step of grading a submission.

    kind: 'start' (a probe began), 'progress' (its training reached batch `done` of `total`) or 'done'
    (it ended: `status` is the probe's outcome, 'ok' when its values came back, not whether they are right;
    the checks decide that afterwards). `who`: 'answer key' (its results, computed once and cached) or
    'student'. `titles`: the checks the probe's values decide.
    """

    kind: str
    who: str
    assignment: str
    probe: str
    titles: tuple[str, ...]
    done: int = 0
    total: int = 0
    status: str = ""
    seconds: float = 0.0


ProgressListener = Callable[[GradingEvent], None]

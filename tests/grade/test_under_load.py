"""A busy machine never costs a student points: limits count CPU time, and a wall-time cap hit while
the student's code was kept from running is the grader's "overloaded, regrade" (exit 4).

The load is made deterministic by pinning the grader (and so its children) and a few busy loops to one
CPU: student code then gets a fraction of that CPU, whatever else the machine is doing."""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from autograder.grade import grade_submission
from autograder.run import Limits, ProbeRequest, run_probes
from tests.run.modules import answer_key_with

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def one_busy_cpu(loops: int) -> Iterator[None]:
    """This process (and what it starts) on one CPU, shared with `loops` busy loops."""
    saved = os.sched_getaffinity(0)
    cpu = min(saved)
    # Each loop in a session of its own: the scheduler shares a CPU between sessions (autogroups) first.
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True) for _ in range(loops)]
    try:
        for process in busy:
            os.sched_setaffinity(process.pid, {cpu})
        os.sched_setaffinity(0, {cpu})
        yield
    finally:
        os.sched_setaffinity(0, saved)
        for process in busy:
            process.kill()
            process.wait()


def test_the_answer_key_gets_full_marks_on_a_busy_cpu(tmp_path: Path) -> None:
    with one_busy_cpu(loops=3):
        report = grade_submission(submission=REPO / "solutions" / "pytorch_tensor", assignment="pytorch_tensor",
                                  cache_dir=tmp_path / "cache")
    not_passed = [r for r in report.results if r.status != "passed"]
    # Full marks, or (never the student's fault) a regrade request.
    assert all(r.status == "grader-error" and "too busy" in r.message for r in not_passed), report.to_text()
    assert report.score == report.max_score or not_passed


SLOW_TRANSPOSE = """
def matrix_transpose(a):
    import os
    print("affinity", sorted(os.sched_getaffinity(0)), flush=True)
    total = 0
    for i in range(60_000_000):  # several seconds of CPU
        total += i
    return a.T
"""


def test_a_wall_time_cap_hit_while_starved_is_overloaded_not_the_students_fault(tmp_path: Path) -> None:
    limits = Limits(check_seconds=60, wall_factor=0.05, wall_slack_seconds=1.0)  # wall cap 4 s, CPU budget 60 s
    with one_busy_cpu(loops=3):
        outcomes = run_probes(assignment="pytorch_tensor", module_dir=answer_key_with(tmp_path, SLOW_TRANSPOSE), module="tensor_basics",
                              probes=[ProbeRequest("transpose", 60)], limits=limits, work_dir=tmp_path / "work")
    assert outcomes["transpose"].status == "overloaded", outcomes["transpose"]
    assert "too busy" in outcomes["transpose"].detail


def test_the_same_cap_on_a_quiet_cpu_is_the_students_time_limit(tmp_path: Path) -> None:
    limits = Limits(check_seconds=1, import_seconds=120)
    outcomes = run_probes(assignment="pytorch_tensor", module_dir=answer_key_with(tmp_path, SLOW_TRANSPOSE), module="tensor_basics",
                          probes=[ProbeRequest("transpose", 1)], limits=limits, work_dir=tmp_path / "work")
    assert outcomes["transpose"].status == "timeout"
    assert "CPU time" in outcomes["transpose"].detail

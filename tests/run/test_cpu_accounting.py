"""CPU time counted by the kernel: processes that already ended count, and a child's own waiting (an idle-priority
process, its own threads) is never "overloaded, regrade" without evidence that the rest of the machine was busy."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.run import Limits, ProbeRequest, run_probes
from autograder.run.accounting import CpuUsage, ProcessTimes, machine_busy_seconds
from tests.run.modules import answer_key_with

# matrix_transpose runs 120 short-lived Python processes of ~0.05 s of CPU each, one after the other: ~8 s of CPU
# in processes that each live shorter than the parent's polling interval allows it to see often.
SHORT_LIVED = """
def matrix_transpose(a):
    import subprocess, sys
    for _ in range(120):
        subprocess.run([sys.executable, "-S", "-c", "import time\\nend = time.process_time() + 0.05\\nwhile time.process_time() < end: pass"])
    return a.T
"""

# matrix_transpose forks a process at idle priority; both spin forever on one CPU, so the idle one waits for its
# sibling all the time. On an otherwise quiet machine that is the student's own doing: a time limit, no regrade.
IDLE_SIBLING = """
def matrix_transpose(a):
    import os
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if os.fork() == 0:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        while True:
            pass
    while True:
        pass
"""


def _quiet_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rest of the machine seen as idle (the test suite's other worker may be busy): any waiting is the child's."""
    monkeypatch.setattr("autograder.run.sandbox.machine_busy_seconds", lambda: 0.0)


# make_zeros_and_ones forks 40 processes that sleep to the same 50 ms boundaries and spin together, so they queue for
# the CPUs behind each other (the red team's way to look "starved"), while the parent sleeps.
SYNCHRONISED = """
def make_zeros_and_ones(shape):
    import os, time
    for _ in range(40):
        if os.fork() == 0:
            while True:
                time.sleep(0.05 - time.time() % 0.05)
                end = time.process_time() + 0.0002
                while time.process_time() < end:
                    pass
    time.sleep(3600)
"""


@pytest.mark.parametrize("cgroups", ["kernel", "no cgroup"])
def test_cpu_time_of_processes_that_already_ended_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         cgroups: str) -> None:
    _quiet_machine(monkeypatch)
    if cgroups == "no cgroup":
        monkeypatch.setenv("AUTOGRADER_NO_CGROUP", "1")  # the fallback: reaped children's time from /proc
    limits = Limits(check_seconds=3, import_seconds=120)
    outcomes = run_probes(assignment="pytorch_tensor", module_dir=answer_key_with(tmp_path, SHORT_LIVED),
                          module="tensor_basics", probes=[ProbeRequest("transpose", 3)], limits=limits,
                          work_dir=tmp_path / "work")
    assert outcomes["transpose"].status == "timeout", outcomes["transpose"]
    assert "CPU time" in outcomes["transpose"].detail


def test_a_process_waiting_for_its_own_idle_sibling_is_the_students_time_limit(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    busy_before = machine_busy_seconds()
    _quiet_machine(monkeypatch)
    limits = Limits(check_seconds=60, import_seconds=120, wall_factor=0.05, wall_slack_seconds=3.0)  # wall cap 6 s
    outcomes = run_probes(assignment="pytorch_tensor", module_dir=answer_key_with(tmp_path, IDLE_SIBLING),
                          module="tensor_basics", probes=[ProbeRequest("transpose", 60)], limits=limits,
                          work_dir=tmp_path / "work")
    assert busy_before is not None
    assert outcomes["transpose"].status == "timeout", outcomes["transpose"]


def test_without_a_cgroup_a_reaped_process_is_counted_once_in_its_parent() -> None:
    usage = CpuUsage()
    usage.seen = {(10, 1): ProcessTimes(ppid=1, cpu=1.0, children_cpu=0.0, wait=0.5),
                  (11, 2): ProcessTimes(ppid=10, cpu=3.0, children_cpu=0.0, wait=0.25),
                  (12, 3): ProcessTimes(ppid=999, cpu=2.0, children_cpu=0.0, wait=0.0)}
    assert usage.cpu == 6.0
    # 11 was reaped by 10 (now in 10's children figure); 12 was reaped outside the run: its figures are kept.
    from autograder.run import accounting

    figures = {10: (1, ProcessTimes(ppid=1, cpu=1.5, children_cpu=3.0, wait=0.5))}
    original = accounting.process_times
    accounting.process_times = lambda pid: figures.get(pid)
    try:
        usage.update([10, 11, 12])
    finally:
        accounting.process_times = original
    assert usage.cpu == pytest.approx(1.5 + 3.0 + 2.0) and usage.wait == pytest.approx(0.75)


def test_the_kernels_count_is_used_when_there_is_one() -> None:
    usage = CpuUsage(kernel=lambda: 7.5)
    usage.seen = {(10, 1): ProcessTimes(ppid=1, cpu=1.0, children_cpu=0.0, wait=0.0)}
    assert usage.cpu == 7.5
    assert os.path.exists("/proc/stat") and (machine_busy_seconds() or 0) > 0


def test_processes_queueing_behind_each_other_are_not_an_overloaded_machine(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _quiet_machine(monkeypatch)
    limits = Limits(check_seconds=5, import_seconds=120, wall_factor=0.5, wall_slack_seconds=2.0)  # wall cap 4.5 s
    outcomes = run_probes(assignment="pytorch_tensor", module_dir=answer_key_with(tmp_path, SYNCHRONISED),
                          module="tensor_basics", probes=[ProbeRequest("zeros_and_ones", 5)], limits=limits,
                          work_dir=tmp_path / "work")
    assert outcomes["zeros_and_ones"].status == "timeout", outcomes["zeros_and_ones"]


def test_waiting_counts_as_starvation_only_up_to_what_the_rest_of_the_machine_ran() -> None:
    from autograder.run.sandbox import starved_by_others

    # An honest child on a CPU shared with three busy loops: it got a quarter and waited the rest.
    assert starved_by_others(wall=4, cpu=1, wait=3, others=3)
    # The red team's 40 synchronised processes: 4 s of CPU, 68 s of waiting summed over its tasks, in 25 s of wall
    # time on a machine whose other processes ran 3 s: mostly waiting for each other.
    assert not starved_by_others(wall=25, cpu=4, wait=68, others=3)
    assert not starved_by_others(wall=10, cpu=1, wait=9, others=0.2)  # waited, but the machine was idle

"""What the kernel says about a child's processes: which they are, their memory, their CPU time and waiting.

Read from `/proc` (and, for CPU time, from the run's control group when there is one). The parent's side of
the sandbox only; standard library only.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

from autograder.run.confine import uid_of

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
SCHED_IDLE = 5  # a thread at idle priority runs only when nothing else wants the CPU: its waiting is its own choice


def proc_entries() -> list[int]:
    """Every process id in /proc."""
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def _stat_fields(path: str) -> list[bytes] | None:
    """The fields of a /proc stat file after the command name (field 3, the state, is index 0)."""
    try:
        with open(path, "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None


def group_pids(pgid: int) -> list[int]:
    """The processes of process group `pgid`."""
    pids = []
    for pid in proc_entries():
        fields = _stat_fields(f"/proc/{pid}/stat")
        try:
            if fields is not None and int(fields[2]) == pgid:  # field 5 (pgrp)
                pids.append(pid)
        except (IndexError, ValueError):
            continue
    return pids


def namespace_pids(wrapper: int) -> list[int]:
    """The processes in the PID namespaces of `wrapper`'s children (a confinement wrapper's namespace, whatever
    process group or session its processes moved to)."""
    namespaces = set()
    for pid in proc_entries():
        fields = _stat_fields(f"/proc/{pid}/stat")
        try:
            if fields is not None and int(fields[1]) == wrapper:  # field 4: the parent
                namespaces.add(os.readlink(f"/proc/{pid}/ns/pid"))
        except (OSError, IndexError, ValueError):
            continue
    try:
        namespaces.discard(os.readlink("/proc/self/ns/pid"))  # never the grader's own (no PID namespace was made)
    except OSError:
        return []
    if not namespaces:
        return []
    found = []
    for pid in proc_entries():
        try:
            if os.readlink(f"/proc/{pid}/ns/pid") in namespaces:
                found.append(pid)
        except OSError:
            continue
    return found


def uid_pids(uid: int) -> list[int]:
    """The processes whose real uid is `uid`."""
    return [pid for pid in proc_entries() if uid_of(pid) == uid]


def read_kib(path: str, key: str) -> int | None:
    """The number after `key` in a /proc status-like file (kB), or None."""
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def memfd_mib(pids: list[int]) -> float:
    """The size of the memfd files the processes hold open (memory that is in no process's RSS until mapped
    and touched), each file counted once."""
    seen: dict[tuple[int, int], int] = {}
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            path = f"/proc/{pid}/fd/{fd}"
            try:
                if not os.readlink(path).startswith("/memfd:"):
                    continue
                info = os.stat(path)
            except OSError:
                continue
            seen[(info.st_dev, info.st_ino)] = info.st_blocks * 512
    return sum(seen.values()) / 2**20


def peak_rss_mib(pids: list[int]) -> float:
    """The largest peak resident memory (VmHWM, measured by the kernel) among the processes, in MiB: a figure
    for benchmarks and reports, never a limit (the limits use `memory_mib`)."""
    return round(max((read_kib(f"/proc/{pid}/status", "VmHWM:") or 0 for pid in pids), default=0) / 1024, 1)


def memory_mib(pids: list[int], *, limit_mib: float | None = None) -> float:
    """The sum of the processes' resident memory, shared pages split between them (PSS), plus the memfd
    files they hold. The cheap sum of their RSS (never less than PSS) is used when it is already within
    `limit_mib`."""
    memfd = memfd_mib(pids)
    rss = sum(read_kib(f"/proc/{pid}/status", "VmRSS:") or 0 for pid in pids) / 1024 + memfd
    if limit_mib is not None and rss <= limit_mib:
        return rss
    total_kib = 0
    for pid in pids:
        value = read_kib(f"/proc/{pid}/smaps_rollup", "Pss:")
        if value is None:
            value = read_kib(f"/proc/{pid}/status", "VmRSS:")
        total_kib += value or 0
    return total_kib / 1024 + memfd


@dataclass(frozen=True)
class ProcessTimes:
    """One process as last read: its parent, CPU seconds of its threads and of its reaped children, and the
    seconds its threads waited to run (threads at idle priority or with a positive nice value left out)."""

    ppid: int
    cpu: float
    children_cpu: float
    wait: float


def process_times(pid: int) -> tuple[int, ProcessTimes] | None:
    """(start time, figures) of one process; None when it is gone."""
    fields = _stat_fields(f"/proc/{pid}/stat")
    try:
        assert fields is not None
        ppid = int(fields[1])  # field 4
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime (fields 14, 15)
        children = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS  # cutime + cstime: reaped children
        start = int(fields[19])  # field 22: start time, so that a reused pid is another process
    except (AssertionError, IndexError, ValueError):
        return None
    wait = 0.0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        tasks = []
    for task in tasks:
        stat = _stat_fields(f"/proc/{pid}/task/{task}/stat")
        try:
            if stat is not None and (int(stat[38]) == SCHED_IDLE or int(stat[16]) > 0):  # policy, nice
                continue  # it chose to wait for everyone else: not evidence of a busy machine
            with open(f"/proc/{pid}/task/{task}/schedstat", "rb") as handle:
                wait += int(handle.read().split()[1]) / 1e9  # time spent runnable but not running
        except (OSError, IndexError, ValueError):
            continue
    return start, ProcessTimes(ppid, cpu, children, wait)


@dataclass
class CpuUsage:
    """CPU time and run-queue wait of a child's processes since it started.

    CPU time comes from the kernel's accounting of the run's control group when there is one (`kernel`:
    it counts every process that ever ran in it, those that already ended included). Without one it is the
    sum, over the processes seen, of their own and their reaped children's CPU time: a process that ended
    and was reaped is counted in its parent's figure, one reaped by a process outside the run keeps its
    last figures. Waiting is summed over threads (idle-priority and niced threads left out).
    """

    kernel: Callable[[], float | None] | None = None
    seen: dict[tuple[int, int], ProcessTimes] = field(default_factory=dict)
    retired_cpu: float = 0.0
    retired_wait: float = 0.0

    def update(self, pids: list[int]) -> None:
        current: dict[tuple[int, int], ProcessTimes] = {}
        for pid in pids:
            read = process_times(pid)
            if read is not None:
                start, figures = read
                old = self.seen.get((pid, start))
                if old is not None:  # counters only grow; a torn read never lowers them
                    figures = ProcessTimes(figures.ppid, max(old.cpu, figures.cpu),
                                           max(old.children_cpu, figures.children_cpu), max(old.wait, figures.wait))
                current[(pid, start)] = figures
        live = {pid for pid, _start in current}
        for key, figures in self.seen.items():
            if key in current or key[0] in live:
                continue  # still there (or its pid was reused while it was seen: counted under its new start)
            self.retired_wait += figures.wait
            if figures.ppid not in live:  # reaped outside the run: its parent's figure will not hold it
                self.retired_cpu += figures.cpu + figures.children_cpu
        self.seen = current

    @property
    def cpu(self) -> float:
        counted = self.kernel() if self.kernel is not None else None
        sampled = self.retired_cpu + sum(f.cpu + f.children_cpu for f in self.seen.values())
        return max(counted, sampled) if counted is not None else sampled

    @property
    def wait(self) -> float:
        return self.retired_wait + sum(f.wait for f in self.seen.values())


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (all CPUs: user, nice, system, interrupts,
    steal), from /proc/stat; None where it cannot be read."""
    try:
        with open("/proc/stat", "rb") as handle:
            fields = handle.readline().split()
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    except (OSError, ValueError):
        return None
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def own_cpu_seconds() -> float:
    """CPU seconds this process (all its threads) has used: the grader's own polling, told apart from the machine's."""
    times = os.times()
    return times.user + times.system

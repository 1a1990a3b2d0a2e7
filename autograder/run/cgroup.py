"""Kernel-counted limits for one child: a memory and pids control group per run (see docs/isolation.md).

CPU time is read from the group too (cgroup v2 `cpu.stat`, cgroup v1 `cpuacct.usage`): it counts every process
that ran in the group, those that already ended included.

Memory that is in no process's RSS (POSIX and System V shared memory, memfd files, tmpfs files) is still
charged to the control group of the process that touched it, so a cgroup limit is the way the kernel
itself counts. Two layouts are supported: cgroup v2 (one unified hierarchy with the memory and pids
controllers enabled for children) and cgroup v1 (separate `memory` and `pids` hierarchies). Where
neither can be written (not root, a read-only /sys/fs/cgroup), `create_group` returns None and the
sandbox falls back to polling PSS plus memfd sizes; the report says which mode ran.

Only the standard library is used: the confinement wrapper imports this file before student code runs.
"""
from __future__ import annotations

import os
import secrets
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PREFIX = "autograder-"


@dataclass
class ControlGroup:
    """The control group folders of one child run (one per hierarchy), with its limits applied."""

    mode: str  # 'cgroup v2' or 'cgroup v1'
    folders: list[Path] = field(default_factory=list)
    memory_folder: Path | None = None
    cpu_folder: Path | None = None  # where the kernel counts the group's CPU time (v2: the group; v1: cpuacct)

    @property
    def procs_files(self) -> list[str]:
        """Where a process writes its pid to join every hierarchy of the group."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def pids(self) -> list[int]:
        """Every process in the group (in any of its hierarchies)."""
        found: set[int] = set()
        for folder in self.folders:
            try:
                found.update(int(line) for line in (folder / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                continue
        return sorted(found)

    def oom_killed(self) -> bool:
        """True when the kernel stopped a process of the group for going past the memory limit."""
        if self.memory_folder is None:
            return False
        name = "memory.events" if self.mode == "cgroup v2" else "memory.oom_control"
        try:
            for line in (self.memory_folder / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
        except (OSError, ValueError):
            return False
        return False

    def peak_mib(self) -> float | None:
        """The group's peak memory (MiB), when the kernel keeps it."""
        if self.memory_folder is None:
            return None
        name = "memory.peak" if self.mode == "cgroup v2" else "memory.max_usage_in_bytes"
        try:
            return int((self.memory_folder / name).read_text().strip()) / 2**20
        except (OSError, ValueError):
            return None

    def cpu_seconds(self) -> float | None:
        """CPU time of every process that ever ran in the group (ended ones included), as the kernel counts it."""
        if self.cpu_folder is None:
            return None
        try:
            if self.mode == "cgroup v2":
                for line in (self.cpu_folder / "cpu.stat").read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "usage_usec":
                        return int(value) / 1e6
                return None
            return int((self.cpu_folder / "cpuacct.usage").read_text().strip()) / 1e9
        except (OSError, ValueError):
            return None

    def kill_all(self, *, rounds: int = 50) -> None:
        """SIGKILL every process of the group, until it is empty (processes that escaped their session too)."""
        for _ in range(rounds):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.02)

    def remove(self) -> None:
        """Kill what is left and delete the group's folders."""
        self.kill_all()
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _write(path: Path, value: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(value)


def _v2_root() -> Path | None:
    for candidate in (ROOT, ROOT / "unified"):
        controllers = candidate / "cgroup.controllers"
        try:
            available = controllers.read_text().split()
        except OSError:
            continue
        if {"memory", "pids"} <= set(available):
            return candidate
    return None


def create_group(*, memory_mib: int, pids: int) -> ControlGroup | None:
    """A new control group limited to `memory_mib` of memory (no swap) and `pids` tasks, or None when
    this machine does not let the grader make one."""
    if os.geteuid() != 0 or os.environ.get("AUTOGRADER_NO_CGROUP") == "1":
        return None
    name = PREFIX + secrets.token_hex(6)
    limit = str(int(memory_mib) * 2**20)
    v2 = _v2_root()
    if v2 is not None:
        folder = v2 / name
        try:
            try:
                _write(v2 / "cgroup.subtree_control", "+memory +pids")
            except OSError:
                pass  # already enabled, or not allowed here (then the files below are missing)
            folder.mkdir()
            group = ControlGroup("cgroup v2", [folder], folder, cpu_folder=folder)  # cpu.stat is always there
            _write(folder / "memory.max", limit)
            if (folder / "memory.swap.max").exists():
                _write(folder / "memory.swap.max", "0")
            _write(folder / "pids.max", str(int(pids)))
            return group
        except OSError:
            _remove_quietly([folder])
    memory, pid_root, cpuacct = ROOT / "memory", ROOT / "pids", ROOT / "cpuacct"
    if (memory / "cgroup.procs").exists() and (pid_root / "cgroup.procs").exists():
        folders = [memory / name, pid_root / name]
        try:
            for folder in folders:
                folder.mkdir()
            _write(memory / name / "memory.limit_in_bytes", limit)
            swap = memory / name / "memory.memsw.limit_in_bytes"
            if swap.exists():
                try:
                    _write(swap, limit)
                except OSError:
                    pass  # swap accounting off: memory.limit_in_bytes alone
            _write(pid_root / name / "pids.max", str(int(pids)))
            group = ControlGroup("cgroup v1", folders, memory / name)
            if (cpuacct / "cpuacct.usage").exists():  # CPU accounting: optional (the limits hold without it)
                try:
                    (cpuacct / name).mkdir()
                    group.folders.append(cpuacct / name)
                    group.cpu_folder = cpuacct / name
                except OSError:
                    pass
            return group
        except OSError:
            _remove_quietly(folders)
    return None


def _remove_quietly(folders: list[Path]) -> None:
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            pass


def join(procs_files: list[str] | tuple[str, ...]) -> None:
    """Move the calling process into the group (before student code runs; its children follow)."""
    pid = str(os.getpid())
    for path in procs_files:
        with open(path, "w", encoding="ascii") as handle:
            handle.write(pid)

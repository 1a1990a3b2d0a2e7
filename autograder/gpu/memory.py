"""The GPU memory of a child's processes, read from outside the child: `nvidia-smi`'s list of compute processes
(host pids, which the grader sees whatever namespaces the child is in). The child itself starts with a
per-process cap (in_child.py) that its code could lift; this count is the one the grader enforces."""
from __future__ import annotations

import shutil
import subprocess
from typing import Callable, Iterable

QUERY = ["--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"]
CUDA_CONTEXT_MIB = 768  # a CUDA context's own memory (nvidia-smi counts it; torch's allocator cap does not)


def parse_compute_apps(text: str) -> dict[int, int]:
    """pid -> MiB from `nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits` (lines
    that are not two numbers, such as '[N/A]' or a message, are left out)."""
    usage: dict[int, int] = {}
    for line in text.splitlines():
        parts = [part.strip() for part in line.split(",")]
        if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
            usage[int(parts[0])] = usage.get(int(parts[0]), 0) + int(parts[1])
    return usage


def query_compute_apps(*, timeout: float = 5.0) -> str:
    """nvidia-smi's answer, or '' where there is no nvidia-smi or it failed (then only the in-child cap holds)."""
    program = shutil.which("nvidia-smi")
    if program is None:
        return ""
    try:
        return subprocess.run([program, *QUERY], capture_output=True, text=True, timeout=timeout).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def gpu_memory_mib(pids: Iterable[int], *, query: Callable[[], str] = query_compute_apps) -> int:
    """The GPU memory (MiB) the processes `pids` hold now."""
    usage = parse_compute_apps(query())
    return sum(usage.get(pid, 0) for pid in set(pids))


def memory_fraction(*, cap_mib: int, total_mib: int) -> float:
    """The fraction of a GPU of `total_mib` that a child's torch allocator may hold: the cap less the CUDA
    context's own memory, which the grader's count (nvidia-smi) includes, so that code within the allocator's
    cap is never stopped by the count (at least 1 %, at most the whole GPU)."""
    if total_mib <= 0:
        return 1.0
    return max(0.01, min(1.0, (cap_mib - CUDA_CONTEXT_MIB) / total_mib))

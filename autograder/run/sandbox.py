"""Parent side of the sandbox: start children, enforce limits, read results back as plain data."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.run.limits import Limits
from autograder.run.values import ErrorValue, read_result

ADDRESS_SPACE_SLACK_MIB = 6144  # torch reserves ~3.2 GiB of address space at import; RSS is what we limit
RESULT_MAX_BYTES = 256 * 1024 * 1024
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class ProbeRequest:
    """One probe to run, with its own wall-time limit in seconds."""

    name: str
    timeout: float


@dataclass
class ProbeOutcome:
    """What happened when a probe ran.

    status: 'ok' (value holds the probe's dict), 'raised' (student code raised; value is an ErrorValue),
    'import' (the module failed to import), 'timeout', 'memory', 'output', 'exited' (the process ended
    during the probe), 'processes' (too many processes), 'total-time' (the submission's time ran out),
    'ungradable' (the result could not be read).
    """

    name: str
    status: str
    value: Any = None
    detail: str = ""
    seconds: float = 0.0
    output_tail: str = ""

    @property
    def ok(self) -> bool:
        """True when the probe ran to the end and returned data."""
        return self.status == "ok"


@dataclass
class _Child:
    process: subprocess.Popen
    status_read: int
    out_dir: Path
    log_path: Path
    buffer: bytes = b""
    lines: list[str] = field(default_factory=list)


def _group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) == pgid:  # field 5 (pgrp) is the third after the command name
                pids.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def _rss_mib(pids: list[int]) -> float:
    total_kib = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total_kib += int(line.split()[1])
                        break
        except (OSError, ValueError):
            continue
    return total_kib / 1024


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.kill()
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _tail(path: Path, limit: int) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 2000))
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return ("…" if size > 2000 else "") + text[-min(limit, 2000):]


def child_environment(*, home: Path, threads: int) -> dict[str, str]:
    """A minimal environment for the child: no secrets from ours, the package importable."""
    package_parent = str(Path(__file__).resolve().parents[2])
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": package_parent,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(home / ".matplotlib"),
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "CUBLAS_WORKSPACE_CONFIG": ":4096:8",
        "TQDM_DISABLE": "1",
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "CUDA_VISIBLE_DEVICES"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _start_child(*, spec: dict[str, Any], work_dir: Path, attempt: int, limits: Limits,
                 preexec: Any = None) -> _Child:
    out_dir = work_dir / f"out-{attempt}"
    out_dir.mkdir(parents=True, exist_ok=True)
    status_read, status_write = os.pipe()
    spec = dict(spec, status_fd=status_write, out_dir=str(out_dir))
    spec_path = work_dir / f"spec-{attempt}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    log_path = work_dir / f"output-{attempt}.log"
    home = work_dir / "home"
    home.mkdir(exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "autograder.run.child", str(spec_path)],
            cwd=spec["module_dir"],
            env=child_environment(home=home, threads=limits.threads),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(status_write,),
            start_new_session=True,
            preexec_fn=preexec,
        )
    os.close(status_write)
    os.set_blocking(status_read, False)
    return _Child(process=process, status_read=status_read, out_dir=out_dir, log_path=log_path)


def _read_status(child: _Child) -> None:
    while True:
        try:
            chunk = os.read(child.status_read, 65536)
        except BlockingIOError:
            return
        if not chunk:
            return
        child.buffer += chunk
        *complete, child.buffer = child.buffer.split(b"\n")
        child.lines.extend(line.decode("utf-8", errors="replace") for line in complete)


def _exit_detail(returncode: int | None) -> tuple[str, str]:
    if returncode is not None and returncode < 0:
        sig = -returncode
        if sig == signal.SIGXFSZ:
            return "output", "it wrote more output than the limit allows"
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        return "exited", f"the process was killed by signal {name}"
    return "exited", f"the process ended (exit code {returncode}) before the check finished; " \
                     "do not call sys.exit() or os._exit() in your code"


def run_probes(
    *,
    assignment: str,
    module_dir: Path,
    module: str,
    probes: list[ProbeRequest],
    limits: Limits,
    work_dir: Path,
    seed: int = 0,
    context: dict[str, Any] | None = None,
    deadline: float | None = None,
    preexec: Any = None,
) -> dict[str, ProbeOutcome]:
    """Run `probes` on the module `module` found in `module_dir`, each in turn, in child processes.

    A probe that times out, exhausts memory or ends the process costs only itself: a new child is
    started for the probes after it. `deadline` (a time.monotonic() value) bounds the whole call.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    base_spec = {
        "assignment": assignment,
        "module_dir": str(module_dir),
        "module": module,
        "seed": seed,
        "threads": limits.threads,
        "memory_mib": limits.memory_mib,
        "address_space_slack_mib": ADDRESS_SPACE_SLACK_MIB,
        "file_bytes": max(limits.output_bytes, RESULT_MAX_BYTES),
        "context": context or {},
    }
    outcomes: dict[str, ProbeOutcome] = {}
    pending = list(probes)
    attempt = 0
    while pending:
        if deadline is not None and time.monotonic() >= deadline:
            for request in pending:
                outcomes[request.name] = ProbeOutcome(request.name, "total-time",
                                                      detail="the submission's total time limit ran out before this check")
            break
        attempt += 1
        spec = dict(base_spec, probes=[p.name for p in pending])
        child = _start_child(spec=spec, work_dir=work_dir, attempt=attempt, limits=limits, preexec=preexec)
        pending = _supervise(child, pending, outcomes, limits=limits, deadline=deadline)
    return outcomes


def _supervise(child: _Child, pending: list[ProbeRequest], outcomes: dict[str, ProbeOutcome], *,
               limits: Limits, deadline: float | None) -> list[ProbeRequest]:
    """Watch one child until it finishes or fails; return the probes still to run."""
    current: ProbeRequest | None = None
    started = time.monotonic()
    probe_deadline = started + 120.0  # time to import torch and the student's module
    next_resource_check = 0.0
    failure: tuple[str, str] | None = None
    try:
        while True:
            ready, _, _ = select.select([child.status_read], [], [], POLL_SECONDS)
            if ready:
                _read_status(child)
            while child.lines:
                word, _, name = child.lines.pop(0).partition(" ")
                expected = pending[0].name if pending else None
                if word == "start" and name == expected and current is None:
                    current = pending[0]
                    started = time.monotonic()
                    probe_deadline = started + current.timeout
                elif word == "done" and current is not None and name == current.name:
                    outcomes[name] = _read_outcome(child, current, time.monotonic() - started)
                    pending.pop(0)
                    current = None
                    probe_deadline = time.monotonic() + 60.0
                    if not pending:
                        break
                # Anything else on the status pipe was not written by our child code; it is ignored.
            if not pending:
                break
            now = time.monotonic()
            if child.process.poll() is not None:
                _read_status(child)
                if child.lines:
                    continue
                failure = _exit_detail(child.process.returncode)
                break
            if now >= probe_deadline:
                failure = ("timeout", f"it did not finish within the time limit of {current.timeout:g} s"
                           if current else "the module took too long to import")
                break
            if deadline is not None and now >= deadline:
                failure = ("total-time", "the submission's total time limit ran out during this check")
                break
            if now >= next_resource_check:
                next_resource_check = now + 0.2
                pids = _group_pids(child.process.pid)
                if _rss_mib(pids) > limits.memory_mib:
                    failure = ("memory", f"it used more than the memory limit of {limits.memory_mib} MiB")
                    break
                if len(pids) > limits.processes:
                    failure = ("processes", f"it started more than {limits.processes} processes")
                    break
    finally:
        _kill_group(child.process)
        os.close(child.status_read)
    if not pending:
        return []
    victim = current or pending[0]
    status, detail = failure or ("exited", "the process ended unexpectedly")
    if status == "exited" and _memory_error_in_log(child.log_path):
        status, detail = "memory", f"it ran out of memory (limit {limits.memory_mib} MiB)"
    outcomes[victim.name] = ProbeOutcome(victim.name, status, detail=detail,
                                         seconds=time.monotonic() - started,
                                         output_tail=_tail(child.log_path, limits.output_bytes))
    remaining = [p for p in pending if p.name != victim.name]
    if status == "total-time":
        for request in remaining:
            outcomes[request.name] = ProbeOutcome(request.name, "total-time",
                                                  detail="the submission's total time limit ran out before this check")
        return []
    return remaining


def _memory_error_in_log(path: Path) -> bool:
    tail = _tail(path, 2000)
    return "MemoryError" in tail or "can't allocate memory" in tail or "std::bad_alloc" in tail


def _read_outcome(child: _Child, request: ProbeRequest, seconds: float) -> ProbeOutcome:
    path = child.out_dir / request.name
    try:
        value = read_result(path, max_bytes=RESULT_MAX_BYTES)
    except (OSError, ValueError, KeyError) as exc:
        return ProbeOutcome(request.name, "ungradable", detail=f"its result could not be read ({exc})", seconds=seconds)
    if not isinstance(value, dict):
        return ProbeOutcome(request.name, "ungradable", detail="its result has the wrong form", seconds=seconds)
    if isinstance(value.get("__import__"), ErrorValue):
        return ProbeOutcome(request.name, "import", value=value["__import__"], seconds=seconds)
    if isinstance(value.get("__raised__"), ErrorValue):
        error = value["__raised__"]
        status = "memory" if error.type in ("MemoryError", "OutOfMemoryError") else "raised"
        return ProbeOutcome(request.name, status, value=error, seconds=seconds,
                            output_tail=_tail(child.log_path, 2000))
    return ProbeOutcome(request.name, "ok", value=value, seconds=seconds)

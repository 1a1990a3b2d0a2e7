"""Parent side of the sandbox: start children, enforce limits, read results back as plain data.

A child gets its spec on stdin and reports on one pipe (the status pipe): `start NAME`, then
`done NAME JSONLEN NPZLEN OUTPUT` followed by the result's bytes (OUTPUT: the size of its output so far). The parent accepts a result only for the probe
it is waiting for, decodes it without unpickling anything, and saves it in a folder the child cannot see
(`out-N/` of the run's work folder). When a `Confinement` is given, the child is started through the
root wrapper of `autograder.run.confine` (namespaces, hidden paths, an unprivileged uid), which first
reports `confined UID` on the same pipe (see docs/isolation.md).
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from autograder.assignments import get_assignment
from autograder.feedback.language import pair
from autograder.gpu.device import CPU, GraderDevice, device_environment
from autograder.gpu.memory import gpu_memory_mib, memory_fraction
from autograder.gpu.nodes import device_nodes
from autograder.gpu.slots import GpuSlots, lease
from autograder.run import cgroup, confine
from autograder.run.accounting import (CpuUsage, group_pids, machine_busy_seconds, memory_mib, namespace_pids,
                                       own_cpu_seconds, peak_rss_mib, uid_pids)
from autograder.run.limits import Limits
from autograder.run.status_pipe import RESULT_MAX_BYTES, Message, StatusChannel, decimal, read_available
from autograder.run.values import ErrorValue, decode_result

ADDRESS_SPACE_SLACK_MIB = 6144  # torch reserves ~3.2 GiB of address space at import; RSS is what we limit
FILE_MAX_BYTES = 64 * 1024 * 1024  # largest file the child may write (RLIMIT_FSIZE), at least output_bytes
POLL_SECONDS = 0.05
RESOURCE_POLL_SECONDS = 0.2
GPU_POLL_SECONDS = 1.0  # nvidia-smi takes tens of milliseconds: the GPU memory is counted once a second
BETWEEN_PROBES_SECONDS = 60.0
# A wall-time limit hit while the child's processes were runnable (running or waiting for a CPU) for at
# least this fraction of the time, and waited for at least OVERLOAD_WAIT_FRACTION of it, is the machine's
# fault ('overloaded'), not the student's.
OVERLOAD_BUSY_FRACTION = 0.5
OVERLOAD_WAIT_FRACTION = 0.25
# ...and only with evidence from outside the child: the rest of the machine kept at least this many CPUs busy
# (a child that waits for its own threads, or put a thread at idle priority, is not overloaded).
OVERLOAD_OTHERS_CPUS = 0.5


@dataclass(frozen=True)
class ProbeRequest:
    """One probe to run, with its own wall-time limit in seconds. `alone`: in a child process of its own (a
    training probe: its peak memory is then its own, not added to what the probes before it left)."""

    name: str
    timeout: float
    alone: bool = False


@dataclass
class ProbeOutcome:
    """What happened when a probe ran.

    status: 'ok' (value holds the probe's dict), 'raised' (student code raised; value is an ErrorValue),
    'import' (the module failed to import), 'timeout', 'memory', 'output', 'exited' (the process ended
    during the probe), 'processes' (too many processes), 'total-time' (the submission's time ran out),
    'ungradable' (the result could not be read), 'sandbox' (the grader's sandbox failed: not the
    student's fault), 'overloaded' (a wall-time limit was hit while the machine kept the child from
    running: not the student's fault, regrade).
    """

    name: str
    status: str
    value: Any = None
    detail: str = ""
    seconds: float = 0.0
    output_tail: str = ""
    peak_rss_mib: float = 0.0  # the largest peak RSS (VmHWM) among the child's processes when the check ended

    @property
    def ok(self) -> bool:
        """True when the probe ran to the end and returned data."""
        return self.status == "ok"


# --- processes, memory, killing ------------------------------------------------------------------------

def _kill_uid(uid: int, *, rounds: int = 50) -> None:
    """SIGKILL every process of the sandbox uid (race-free: through pidfds, re-checking the uid)."""
    for _ in range(rounds):
        pids = uid_pids(uid)
        if not pids:
            return
        for pid in pids:
            try:
                fd = os.pidfd_open(pid)
            except OSError:
                continue
            try:
                if confine.uid_of(pid) == uid:
                    signal.pidfd_send_signal(fd, signal.SIGKILL)
            except OSError:
                pass
            finally:
                os.close(fd)
        time.sleep(0.01)


@dataclass
class _Output:
    """The child's stdout+stderr, read by the parent from a pipe: counted, its tail kept in memory.
    (A file the child could truncate, or fill beyond the limit before it is checked, is never used.)"""

    fd: int
    total: int = 0
    tail: bytearray = field(default_factory=bytearray)
    closed: bool = False
    keep: int = 8192

    def read(self) -> None:
        """Read whatever is available (non-blocking)."""
        if not self.closed:
            data, self.closed = read_available(self.fd)
            self.total += len(data)
            self.tail += data[-self.keep:]
            if len(self.tail) > self.keep:
                del self.tail[:len(self.tail) - self.keep]

    def text(self, limit: int) -> str:
        """The last `limit` characters (at most 2000) written, decoded."""
        text = bytes(self.tail).decode("utf-8", errors="replace")
        limit = min(limit, 2000)
        return ("…" if self.total > len(text) or len(text) > limit else "") + text[-limit:]


@dataclass
class _Child:
    process: subprocess.Popen
    channel: StatusChannel
    output: _Output
    out_dir: Path
    ack_fd: int  # the child waits for a byte here after each result, until the parent has read its output
    uid: int | None = None  # the sandbox uid when confined (None in a user namespace: that uid is the grader's)
    confined: bool = False  # the wrapper reported `confined`
    wrapped: bool = False  # started through the confinement wrapper (which reports `confined` first)
    group: cgroup.ControlGroup | None = None  # kernel-counted memory and pids, when the machine allows
    usage: CpuUsage = field(default_factory=CpuUsage)
    private: Path | None = None  # the child's own folder (unconfined as another uid), removed afterwards
    device: GraderDevice = CPU  # where its code may run (on cuda, its GPU memory is counted too)
    next_gpu_check: float = 0.0
    gpu_checked: bool = False  # on cuda: the child's first message said whether it can use its GPU

    def pids(self) -> list[int]:
        """The processes of the student's run (by control group, sandbox uid or process group)."""
        found: set[int] = set()
        if self.group is not None:
            found.update(self.group.pids())
        if self.uid is not None:
            found.update(uid_pids(self.uid))
        else:
            found.update(group_pids(self.process.pid))
            if self.wrapped:  # a user namespace: also what left the process group, found by its PID namespace
                found.update(namespace_pids(self.process.pid))
        return sorted(found)


def _kill(child: _Child) -> None:
    process = child.process
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.kill()
    except ProcessLookupError:
        pass
    if child.uid is not None:
        _kill_uid(child.uid)
    if child.group is not None:
        child.group.kill_all()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


# glibc's allocator serves every block above its mmap threshold (at most 32 MiB when it adapts by itself) with
# a fresh mmap and returns it on free, so a 49 MB fc1 gradient made anew for every batch costs page faults
# that took more time than the batch's matrix products (one TwoLayerFC epoch: 62 s -> 34 s here with these).
# Freed blocks stay in the heap for the next batch instead; the peak is the same within a few percent.
ALLOCATOR_ENVIRONMENT = {"MALLOC_MMAP_THRESHOLD_": str(256 * 2**20), "MALLOC_TRIM_THRESHOLD_": str(512 * 2**20)}


def child_environment(*, home: Path, threads: int, tmp: Path | None = None,
                      device: GraderDevice = CPU) -> dict[str, str]:
    """A minimal environment for the child: no secrets from ours, the package importable, the allocator
    set for training (`ALLOCATOR_ENVIRONMENT`), and the one GPU of `device` (none on cpu)."""
    package_parent = str(Path(__file__).resolve().parents[2])
    env = {
        **ALLOCATOR_ENVIRONMENT,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(tmp or home),
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
    # LD_LIBRARY_PATH: where an image keeps the NVIDIA driver's libraries (/usr/local/nvidia/lib64), on cuda only
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", *(("LD_LIBRARY_PATH",) if device.is_cuda else ())):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(device_environment(device))
    return env


def private_copy(module_dir: Path, run_as: tuple[int, int]) -> tuple[Path, Path]:
    """A folder of the child's own, owned by `run_as`: a copy of the module's folder and a home."""
    private = Path(tempfile.mkdtemp(prefix="autograder-student-"))
    copy = private / module_dir.name
    shutil.copytree(module_dir, copy, symlinks=True)
    (private / "home").mkdir()
    for path in [private, *private.rglob("*")]:
        os.lchown(path, *run_as)
    return private, copy


def _drop_to(run_as: tuple[int, int], nproc: int) -> None:
    """In the child, before exec: become the unprivileged user (no namespaces: --no-confine as root)."""
    import resource

    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    os.setgroups([])
    os.setgid(run_as[1])
    os.setuid(run_as[0])


def _start_child(*, spec: dict[str, Any], work_dir: Path, attempt: int, limits: Limits,
                 preexec: Any = None, confinement: confine.Confinement | None = None,
                 run_as: tuple[int, int] | None = None, device: GraderDevice = CPU) -> _Child:
    out_dir = work_dir / f"out-{attempt}"
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    private = None
    if confinement is None and run_as is not None:
        private, copy = private_copy(Path(spec["module_dir"]), run_as)
        spec = dict(spec, module_dir=str(copy))
    status_read, status_write = os.pipe()
    output_read, output_write = os.pipe()
    ack_read, ack_write = os.pipe()
    spec = dict(spec, status_fd=status_write, ack_fd=ack_read, device=device.as_dict(),
                gpu_fraction=memory_fraction(cap_mib=limits.gpu_memory_mib, total_mib=device.total_mib))
    spec_path = work_dir / f"spec-{attempt}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    group = cgroup.create_group(memory_mib=limits.memory_mib, pids=max(8 * limits.processes, 256))
    procs = group.procs_files if group is not None else []
    command = [sys.executable, "-P", "-m", "autograder.run.child"]
    if confinement is not None:
        # Its /dev holds the harmless nodes and, on cuda, its own GPU's: nothing else.
        plan_path = work_dir / f"confinement-{attempt}.json"
        plan_path.write_text(replace(confinement, devices=device_nodes(device)).to_json(), encoding="utf-8")
        command = confine.wrap(plan_path, command, status_fd=status_write, cgroup_procs=procs)
        env = child_environment(home=Path(confine.SANDBOX_HOME), tmp=Path(confine.SANDBOX_TMP),
                                threads=limits.threads, device=device)
        cwd = "/"
        start = preexec
    else:
        home = private / "home" if private is not None else work_dir / "home"
        home.mkdir(exist_ok=True)
        env = child_environment(home=home, threads=limits.threads, device=device)
        cwd = spec["module_dir"]

        def start() -> None:
            if procs:
                cgroup.join(procs)
            if run_as is not None:
                _drop_to(run_as, max(8 * limits.processes, 256))
            if preexec is not None:
                preexec()
    try:
        with open(spec_path, "rb") as spec_file:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=spec_file,
                stdout=output_write,
                stderr=subprocess.STDOUT,
                pass_fds=(status_write, ack_read),
                start_new_session=True,
                preexec_fn=start,
            )
    except BaseException:
        os.close(status_read)
        os.close(output_read)
        os.close(ack_write)
        if group is not None:
            group.remove()
        raise
    finally:
        os.close(status_write)
        os.close(output_write)
        os.close(ack_read)
    os.set_blocking(status_read, False)
    os.set_blocking(output_read, False)
    if confinement is not None:
        uid = None if confinement.user_namespace else confinement.uid  # never kill by the grader's own uid
    else:
        uid = run_as[0] if run_as is not None else None
    # Without the wrapper (another uid, no namespaces) no `confined` message comes: the child is itself.
    return _Child(process=process, channel=StatusChannel(status_read), output=_Output(output_read), out_dir=out_dir,
                  usage=CpuUsage(kernel=group.cpu_seconds if group is not None else None),
                  ack_fd=ack_write, uid=uid, group=group, private=private, confined=confinement is None,
                  wrapped=confinement is not None, device=device)


def _exit_detail(returncode: int | None) -> tuple[str, str]:
    if returncode is not None and returncode < 0:
        sig = -returncode
        if sig == signal.SIGXFSZ:
            return "output", "it wrote more output than the limit allows"
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        return "exited", f"the process was killed by signal {name}"
    return "exited", f"the process ended (exit code {returncode}) before the check finished; " \
                     "do not call sys.exit() or os._exit() in your code"


@dataclass(frozen=True)
class ProbeEvent:
    """Progress of `run_probes`, for a listener that shows it: a probe started ('start'), reported how far
    its training is ('progress': `done` of `total` batches; from the child, so for display only) or ended
    ('done', with its `outcome`)."""

    kind: str
    probe: str
    done: int = 0
    total: int = 0
    outcome: ProbeOutcome | None = None


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
    confinement: confine.Confinement | None = None,
    memory_modes: set[str] | None = None,
    run_as: tuple[int, int] | None = None,
    on_event: Callable[[ProbeEvent], None] | None = None,
    device: GraderDevice = CPU,
    gpu_slots: GpuSlots | None = None,
    slot_waits: list[float] | None = None,
) -> dict[str, ProbeOutcome]:
    """Run `probes` on the module `module` found in `module_dir`, each in turn, in child processes.

    A probe that times out, exhausts memory or ends the process costs only itself: a new child is
    started for the probes after it. A failure before the first probe started (while the module was
    being imported) costs every probe still to run. `deadline` (a time.monotonic() value) bounds the
    whole call (wall time). With `confinement`, children run confined (see `autograder.run.confine`).
    Each probe's own limit is CPU time (`ProbeRequest.timeout`, summed over its processes and threads),
    with a wall-time cap of `limits.wall_cap(timeout)` for code that sleeps or waits. A probe stopped at a
    wall-time limit while it was kept from running (it wanted the CPU and did not get it) is reported as
    'overloaded': the machine was too busy, not the student's fault. `memory_modes` collects how memory
    was counted ('cgroup v2', 'cgroup v1' or 'polling'). `run_as` (uid, gid), without `confinement`: the
    child still runs as that unprivileged user, in a private copy of the module's folder (no namespaces).
    `on_event` is told each probe's start, training progress and outcome as they happen (`ProbeEvent`).
    `device`: where the children's code runs (`autograder.gpu`; on cpu they see no GPU). With `gpu_slots` (and a
    cuda `device`), a probe that runs alone (training) first takes a GPU slot and runs on that slot's GPU; the
    time spent waiting for the slot is added to `deadline` (it is not the student's) and to `slot_waits`.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    record = get_assignment(assignment)
    base_spec = {
        "assignment": assignment,
        "probes_module": record.probes_module,
        "package_dir": record.package_dir,
        "module_dir": str(module_dir),
        "module": module,
        "seed": seed,
        "threads": limits.threads,
        "memory_mib": limits.memory_mib,
        "address_space_slack_mib": ADDRESS_SPACE_SLACK_MIB,
        "file_bytes": max(limits.output_bytes, FILE_MAX_BYTES),
        "context": context or {},
    }
    outcomes: dict[str, ProbeOutcome] = {}
    pending = list(probes)
    attempt = 0
    reported: set[str] = set()  # probes whose 'done' event was sent

    def tell(event: ProbeEvent) -> None:
        if event.kind == "done":
            if event.probe in reported:
                return
            reported.add(event.probe)
        if on_event is not None:
            on_event(event)

    def tell_decided() -> None:  # the outcomes a failure or the total time limit decided, in the requests' order
        if on_event is None:
            return
        for request in probes:
            if request.name in outcomes:
                tell(ProbeEvent("done", request.name, outcome=outcomes[request.name]))
    while pending:
        if deadline is not None and time.monotonic() >= deadline:
            for request in pending:
                outcomes[request.name] = ProbeOutcome(request.name, "total-time",
                                                      detail="the submission's total time limit ran out before this check")
            break
        attempt += 1
        batch = _next_batch(pending)
        spec = dict(base_spec, probes=[p.name for p in batch])
        with ExitStack() as slot:
            child_device = device
            if gpu_slots is not None and device.is_cuda and batch[0].alone:
                taken = slot.enter_context(lease(gpu_slots, start=attempt))
                child_device = taken.device
                deadline = None if deadline is None else deadline + taken.waited
                if slot_waits is not None:
                    slot_waits.append(taken.waited)
            child = _start_child(spec=spec, work_dir=work_dir, attempt=attempt, limits=limits, preexec=preexec,
                                 confinement=confinement, run_as=run_as, device=child_device)
            if memory_modes is not None:
                memory_modes.add(child.group.mode if child.group is not None else "polling")
            pending = _supervise(child, list(batch), outcomes, limits=limits, deadline=deadline,
                                 on_event=tell) + pending[len(batch):]
        tell_decided()
    tell_decided()
    return outcomes


def _next_batch(pending: list[ProbeRequest]) -> list[ProbeRequest]:
    """The probes the next child runs: a probe that runs alone, or those before the next one that does."""
    if pending[0].alone:
        return pending[:1]
    end = next((i for i, request in enumerate(pending) if request.alone), len(pending))
    return pending[:end]


@dataclass
class _Watch:
    """What the parent knows of one child's progress."""

    pending: list[ProbeRequest]
    outcomes: dict[str, ProbeOutcome]
    current: ProbeRequest | None = None
    started: float = 0.0
    probe_deadline: float = 0.0  # wall-time cap of the current phase (import, probe, between probes)
    cpu_limit: float = 0.0  # CPU seconds the current phase may use
    cpu_start: float = 0.0
    wait_start: float = 0.0
    machine_start: float | None = None  # the whole machine's busy CPU seconds when the phase began
    grader_start: float = 0.0  # this (the grader's) process's CPU seconds then: its polling is not "others"
    any_started: bool = False
    on_event: Callable[[ProbeEvent], None] | None = None

    def begin(self, child: _Child, *, cpu_limit: float, wall_cap: float) -> None:
        """Start timing a phase: its CPU time and wall time count from now."""
        child.usage.update(child.pids())
        self.started = time.monotonic()
        self.probe_deadline = self.started + wall_cap
        self.cpu_limit = cpu_limit
        self.cpu_start = child.usage.cpu
        self.wait_start = child.usage.wait
        self.machine_start = machine_busy_seconds()
        self.grader_start = own_cpu_seconds()

    def handle(self, child: _Child, messages: list[Message], limits: Limits) -> tuple[str, str] | None:
        """Apply the child's messages in order; return a failure (of the sandbox, or a check whose output
        went past the limit: it stays `current`)."""
        for message in messages:
            if child.wrapped and not child.confined:
                if message.kind == "confined":
                    child.confined = True
                elif message.kind == "sandbox-error":
                    return "sandbox", f"the grader's sandbox could not start: {message.name}"
                continue  # nothing of the student's runs before the wrapper says `confined`
            if child.device.is_cuda and not child.gpu_checked:
                # The child's first message, written before any student code ran: whether its GPU works.
                if message.kind != "gpu" or message.name != "ok":
                    why = message.name.removeprefix("error ") if message.kind == "gpu" else "it did not say"
                    return "sandbox", f"the child could not use the GPU it was given: {why}"
                child.gpu_checked = True
                continue
            if not self.pending:
                return None
            if message.kind == "start" and self.current is None and message.name == self.pending[0].name:
                self.current = self.pending[0]
                self.any_started = True
                self.begin(child, cpu_limit=self.current.timeout, wall_cap=limits.wall_cap(self.current.timeout))
                self.tell(ProbeEvent("start", self.current.name))
            elif message.kind == "progress" and self.current is not None:
                done, _, total = message.name.partition(" ")
                if decimal(done) and decimal(total):  # anyone in the child can write this: display only
                    self.tell(ProbeEvent("progress", self.current.name, done=int(done), total=int(total)))
            elif message.kind == "done" and self.current is not None and message.name == self.current.name:
                child.output.read()  # everything it printed before it reported
                if child.output.total > limits.output_bytes:
                    return "output", f"it wrote more than {limits.output_bytes} bytes of output"
                outcome = _read_outcome(child, self.current, message, time.monotonic() - self.started)
                outcome.peak_rss_mib = peak_rss_mib(child.pids())
                self.outcomes[self.current.name] = outcome
                self.tell(ProbeEvent("done", self.current.name, outcome=outcome))
                self.pending.pop(0)
                self.current = None
                self.begin(child, cpu_limit=BETWEEN_PROBES_SECONDS, wall_cap=BETWEEN_PROBES_SECONDS)
                try:
                    os.write(child.ack_fd, b"k")
                except OSError:
                    pass
            # Anything else was not written by our child code at this point; it is ignored.
        return None

    def tell(self, event: ProbeEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def over_time(self, child: _Child, limits: Limits, now: float) -> tuple[str, str] | None:
        """A failure when the phase used up its CPU time or its wall-time cap."""
        cpu = child.usage.cpu - self.cpu_start
        what = f"the time limit of {self.current.timeout:g} s" if self.current else \
            f"the import time limit of {limits.import_seconds:g} s"
        if cpu > self.cpu_limit:
            return "timeout", pair("CPU 시간 제한을 넘겼습니다", f"it used more than {what} (CPU time)")
        if now >= self.probe_deadline:
            cap = self.probe_deadline - self.started
            return _stopped_by_the_clock(child, self, now, pair(
                f"기다리거나 잠든 채 {cap:g}초 안에 끝나지 않았습니다",
                f"it did not finish within {cap:g} s of wall time ({what} in CPU time): it waited or slept"))
        return None


def starved_by_others(*, wall: float, cpu: float, wait: float, others: float) -> bool:
    """Whether a phase that ran `wall` seconds, used `cpu` seconds and waited `wait` seconds for a CPU (summed over
    its tasks) while the rest of the machine ran `others` CPU seconds was kept from running by the machine. Waiting
    that the rest of the machine caused is at most what the rest of the machine ran: beyond that the child waited
    for its own tasks (more of them runnable than there are CPUs), its own doing."""
    starved = min(wait, max(others, 0.0))
    return (cpu + starved) >= OVERLOAD_BUSY_FRACTION * wall and starved >= OVERLOAD_WAIT_FRACTION * wall \
        and others >= OVERLOAD_OTHERS_CPUS * wall


def _stopped_by_the_clock(child: _Child, watch: _Watch, now: float, student_detail: str,
                          status: str = "timeout") -> tuple[str, str]:
    """Why a wall-time limit was hit: the student's code waited (its fault), or it wanted to run and the
    machine did not let it (overloaded: regrade). Overloaded needs evidence from outside the child: the rest
    of the machine was busy (its CPU time, less the child's, from /proc/stat)."""
    child.usage.update(child.pids())
    wall = max(now - watch.started, 1e-6)
    cpu = child.usage.cpu - watch.cpu_start
    wait = child.usage.wait - watch.wait_start
    machine = machine_busy_seconds()
    others = 0.0
    if machine is not None and watch.machine_start is not None:  # neither the child's CPU nor the grader's own
        others = machine - watch.machine_start - cpu - (own_cpu_seconds() - watch.grader_start)
    if starved_by_others(wall=wall, cpu=cpu, wait=wait, others=others):
        return "overloaded", pair("채점 서버가 너무 바빴습니다", f"the machine was too busy: in {wall:.0f} s of wall time "
                                  f"your code got {cpu:.0f} s of CPU and waited {wait:.0f} s for it")
    return status, student_detail


def _supervise(child: _Child, pending: list[ProbeRequest], outcomes: dict[str, ProbeOutcome], *,
               limits: Limits, deadline: float | None,
               on_event: Callable[[ProbeEvent], None] | None = None) -> list[ProbeRequest]:
    """Watch one child until it finishes or fails; return the probes still to run."""
    watch = _Watch(pending=pending, outcomes=outcomes, on_event=on_event)
    watch.begin(child, cpu_limit=limits.import_seconds, wall_cap=limits.wall_cap(limits.import_seconds))
    next_resource_check = 0.0
    failure: tuple[str, str] | None = None
    try:
        while True:
            exited = child.process.poll() is not None
            fds = [child.channel.fd] + ([] if child.output.closed else [child.output.fd])
            ready = fds if exited else select.select(fds, [], [], POLL_SECONDS)[0]
            if child.output.fd in ready:
                child.output.read()
            if child.channel.fd in ready:
                child.channel.read()  # after the exit: everything it wrote, up to EOF or an empty pipe
            failure = watch.handle(child, child.channel.take(), limits)
            if failure is not None or not pending:
                break
            if child.output.total > limits.output_bytes:
                failure = ("output", f"it wrote more than {limits.output_bytes} bytes of output")
                break
            if exited:
                if child.wrapped and not child.confined:
                    failure = ("sandbox", "the grader's sandbox ended before the child started "
                                          f"(exit code {child.process.returncode})")
                elif child.device.is_cuda and not child.gpu_checked:  # before any student code: starting CUDA
                    failure = ("sandbox", "the child ended before it said whether it can use its GPU "
                                          f"(exit code {child.process.returncode})")
                else:
                    failure = _exit_detail(child.process.returncode)
                break
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                failure = _stopped_by_the_clock(child, watch, now, "the submission's total time limit ran out "
                                                                   "during this check", status="total-time")
                break
            if now >= next_resource_check or now >= watch.probe_deadline:
                next_resource_check = now + RESOURCE_POLL_SECONDS
                failure = _check_resources(child, limits) or watch.over_time(child, limits, now)
                if failure is not None:
                    # The child may have finished a check and begun the next since its messages were read:
                    # stop it, then read everything it wrote, so that the check it was in gets the blame.
                    _kill(child)
                    child.channel.read()
                    failure = watch.handle(child, child.channel.take(), limits) or failure
                    break
    finally:
        _kill(child)
        child.output.read()
        os.close(child.channel.fd)
        os.close(child.output.fd)
        os.close(child.ack_fd)
        oom = child.group is not None and child.group.oom_killed()
        if child.group is not None:
            child.group.remove()
        if child.private is not None:
            shutil.rmtree(child.private, ignore_errors=True)
    if not pending:
        return []
    current = watch.current
    status, detail = failure or ("exited", "the process ended unexpectedly")
    if status == "exited" and (oom or _memory_error_in(child.output.text(2000))):
        status, detail = "memory", _over_memory(limits)
    output_tail = child.output.text(limits.output_bytes)
    seconds = time.monotonic() - watch.started
    victim = current or pending[0]
    if status == "total-time":
        outcomes[victim.name] = ProbeOutcome(victim.name, status, detail=detail, seconds=seconds)
        for request in pending:
            if request.name != victim.name:
                outcomes[request.name] = ProbeOutcome(request.name, "total-time",
                                                      detail="the submission's total time limit ran out before this check")
        return []
    if status == "sandbox" or not watch.any_started:
        # The grader's sandbox failed, or the failure was while the module was being imported (so it would
        # happen again in every new child): every probe still to run gets it.
        if not watch.any_started and status not in ("sandbox", "overloaded"):
            detail = f"while your module was being imported, {detail}"
        for request in pending:
            outcomes[request.name] = ProbeOutcome(request.name, status, detail=detail, seconds=seconds,
                                                  output_tail=output_tail)
        return []
    outcomes[victim.name] = ProbeOutcome(victim.name, status, detail=detail, seconds=seconds,
                                         output_tail=output_tail)
    return [p for p in pending if p.name != victim.name]


def _check_resources(child: _Child, limits: Limits) -> tuple[str, str] | None:
    pids = child.pids()
    child.usage.update(pids)
    if len(pids) > limits.processes:
        return "processes", f"it started more than {limits.processes} processes"
    if memory_mib(pids, limit_mib=limits.memory_mib) > limits.memory_mib:
        return "memory", _over_memory(limits)
    now = time.monotonic()
    if child.device.is_cuda and now >= child.next_gpu_check:
        child.next_gpu_check = now + GPU_POLL_SECONDS
        if gpu_memory_mib(pids) > limits.gpu_memory_mib:
            return "memory", over_gpu_memory(limits)
    return None


def over_gpu_memory(limits: Limits) -> str:
    """The GPU twin of `_over_memory` (the in-child cap raises torch.OutOfMemoryError; the grader's count kills)."""
    return f"it used more than the GPU memory limit of {limits.gpu_memory_mib} MiB"


def _over_memory(limits: Limits) -> str:
    """One message however the overrun was seen (polled, killed by the cgroup, or a MemoryError): the report
    must not depend on which of them came first."""
    return f"it used more than the memory limit of {limits.memory_mib} MiB"


def _memory_error_in(tail: str) -> bool:
    return "MemoryError" in tail or "can't allocate memory" in tail or "std::bad_alloc" in tail


def _save(folder: Path, name: str, suffix: str, data: bytes) -> None:
    """Write a file in the parent's own folder (never following a link, never overwriting)."""
    path = folder / f"{name}{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _read_outcome(child: _Child, request: ProbeRequest, message: Message, seconds: float) -> ProbeOutcome:
    try:
        value = decode_result(message.text, message.payload, max_bytes=RESULT_MAX_BYTES)
    except ValueError as exc:
        return ProbeOutcome(request.name, "ungradable", detail=f"its result could not be read ({exc})", seconds=seconds)
    if not isinstance(value, dict):
        return ProbeOutcome(request.name, "ungradable", detail="its result has the wrong form", seconds=seconds)
    try:
        _save(child.out_dir, request.name, ".json", message.text)
        _save(child.out_dir, request.name, ".npz", message.payload)
    except OSError:
        pass  # only a copy for the cache and for debugging
    if isinstance(value.get("__import__"), ErrorValue):
        return ProbeOutcome(request.name, "import", value=value["__import__"], seconds=seconds)
    if isinstance(value.get("__raised__"), ErrorValue):
        error = value["__raised__"]
        status = "memory" if error.type in ("MemoryError", "OutOfMemoryError") else "raised"
        return ProbeOutcome(request.name, status, value=error, seconds=seconds,
                            output_tail=child.output.text(2000))
    return ProbeOutcome(request.name, "ok", value=value, seconds=seconds)

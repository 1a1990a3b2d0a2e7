"""Entry point of the child process that runs student code: `python -P -m autograder.run.child < SPEC.json`.

The parent passes the spec (module folder, module name, probe names, seed, threads, status fd) on stdin,
so the child needs no path into the grader's scratch folder. For each probe the child writes on the
status pipe `start NAME`, runs the probe under a fresh seed and a reset global state, then writes
`done NAME JSONLEN NPZLEN OUTPUT` followed by the encoded result (JSON, then an .npz archive); OUTPUT
is the size of its stdout+stderr log so far. A training probe also writes `progress DONE TOTAL` (batches),
which the parent only shows. Nothing is
written to files. Everything here runs with the student's privileges and is not trusted by the parent:
the parent only reads plain data back, for the probe it is waiting for, and compares it.
"""
from __future__ import annotations

import gc
import importlib
import json
import os
import sys
import traceback
from typing import Any


def _apply_resource_limits(spec: dict[str, Any]) -> None:
    import resource

    mib = 1024 * 1024
    if (spec.get("device") or {}).get("kind") != "cuda":  # CUDA reserves far more address space than it uses:
        # there the memory limit is the control group's (or the polled PSS) and the GPU's own, never RLIMIT_AS
        address_space = (int(spec["memory_mib"]) + int(spec["address_space_slack_mib"])) * mib
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    output = int(spec["file_bytes"])
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _set_threads(threads: int) -> None:
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)


def _student_frame(tb: Any, module_dir: str) -> str:
    """The innermost traceback frame inside the student's folder, as 'file.py:line in func'."""
    where = ""
    for frame in traceback.extract_tb(tb):
        if frame.filename.startswith("<"):  # '<frozen importlib._bootstrap>' and the like are not files
            continue
        if os.path.abspath(frame.filename).startswith(module_dir + os.sep):
            where = f"{os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"
    return where


def _exit_message(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    shown = "" if code is None else repr(code)[:200]
    return f"your code called sys.exit({shown}), which ends the process; do not call it in your code"


def _explain_exits(result: Any, error_type: type) -> Any:
    """Spell out a SystemExit caught by a probe (its message is just the exit code)."""
    if type(result) is not dict:
        return result
    for key, value in list(result.items()):
        if type(value) is error_type and value.type == "SystemExit" and "sys.exit(" not in value.message:
            code = value.message
            result[key] = error_type(type="SystemExit", where=value.where,
                                     message=f"your code called sys.exit({code}), which ends the process; "
                                             "do not call it in your code")
    return result


class _Channel:
    """The status pipe: one line per event; a `done` line is followed by the encoded result."""

    def __init__(self, fd: int, ack_fd: int | None = None) -> None:
        self.fd = fd
        self.ack_fd = ack_fd

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def start(self, name: str) -> None:
        # Each message starts on a line of its own: a partial line the student's code wrote on this pipe
        # ends here, and costs nothing but itself.
        self._write(f"\nstart {name}\n".encode())

    def gpu(self, problem: str) -> None:
        """On cuda, the first message, before any student code runs: `gpu ok`, or `gpu error WHY` (the grader's
        failure: the child was given a GPU it cannot use)."""
        self._write(("\ngpu ok\n" if not problem else f"\ngpu error {' '.join(problem.split())[:300]}\n").encode())

    def progress(self, done: int, total: int) -> None:
        """How far the current probe's training is (the parent shows it; it changes nothing)."""
        try:
            self._write(f"\nprogress {int(done)} {int(total)}\n".encode())
        except Exception:  # noqa: BLE001 - a pipe the student's code closed: progress is not worth a failure
            pass

    def done(self, name: str, text: bytes, payload: bytes) -> None:
        """The result, with the size of the output so far (so the parent knows which check passed the limit)."""
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a stream the student replaced or closed
                pass
        try:
            output = os.fstat(1).st_size
        except OSError:
            output = 0
        self._write(f"\ndone {name} {len(text)} {len(payload)} {output}\n".encode() + text + payload)
        # Wait until the parent has read this probe's output: what is printed from now on is the next one's.
        if self.ack_fd is not None:
            try:
                os.read(self.ack_fd, 1)
            except OSError:
                pass


def main() -> int:
    spec = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    channel = _Channel(int(spec["status_fd"]), int(spec["ack_fd"]) if spec.get("ack_fd") is not None else None)
    _set_threads(int(spec["threads"]))
    _apply_resource_limits(spec)

    import random

    import numpy as np

    # Triton (the GPU kernel compiler of torch.compile) is never needed here, but torchvision's import pulls
    # it in through torch._dynamo when it is installed: 85 MiB of resident memory in every child.
    sys.modules.setdefault("triton", None)
    import torch

    # Trusted imports happen before the student's folder is put on sys.path, so nothing there can shadow
    # them; the probe functions and the reset functions are looked up now, before the student's import.
    from autograder.assignments.registry import import_package
    from autograder.gpu.in_child import configure_gpu, deterministic_algorithms, gpu_problem, reset_gpu_state
    from autograder.probes import get_probe
    from autograder.probes.common import PROGRESS
    from autograder.probes.stored_images import release_free_memory
    from autograder.run.values import UNGRADABLE, ErrorValue, encode_result

    if spec.get("package_dir"):  # an assignment from outside the package (bound read-only)
        import_package(spec["package_dir"])
    probes = {name: get_probe(spec["probes_module"], name) for name in spec["probes"]}
    threads = int(spec["threads"])
    seed = int(spec["seed"])
    device = dict(spec.get("device") or {})
    deterministic = deterministic_algorithms(device)
    configure_gpu(torch, device, fraction=float(spec.get("gpu_fraction", 1.0)))
    if device.get("kind") == "cuda":
        channel.gpu(gpu_problem(torch))
    # The functions that set global state, kept before the student's module can replace them; each probe
    # puts them back (so a no-op installed by student code cannot stop the reset) and calls them.
    originals = [(random, "seed"), (np.random, "seed"), (np, "seterr"), (torch, "manual_seed"),
                 (torch, "set_num_threads"), (torch, "set_default_dtype"), (torch, "set_grad_enabled"),
                 (torch, "use_deterministic_algorithms"), (torch.autograd, "set_detect_anomaly")]
    originals = [(owner, name, getattr(owner, name)) for owner, name in originals]
    python_seed, numpy_seed, torch_seed = random.seed, np.random.seed, torch.manual_seed
    set_threads, set_dtype, set_grad = torch.set_num_threads, torch.set_default_dtype, torch.set_grad_enabled
    set_deterministic, set_anomaly = torch.use_deterministic_algorithms, torch.autograd.set_detect_anomaly
    numpy_errors = np.geterr()
    numpy_seterr, float32 = np.seterr, torch.float32

    def reset_global_state() -> None:
        """The state every probe starts from, whatever earlier student code changed."""
        for owner, name, function in originals:
            setattr(owner, name, function)
        python_seed(seed)
        numpy_seed(seed)
        torch_seed(seed)
        set_threads(threads)
        set_dtype(float32)
        set_grad(True)
        set_deterministic(deterministic, warn_only=True)
        set_anomaly(False)
        numpy_seterr(**numpy_errors)
        _set_threads(threads)
        reset_gpu_state(torch, device)

    set_threads(threads)
    module_dir = os.path.abspath(spec["module_dir"])
    os.chdir(module_dir)
    sys.path.insert(0, module_dir)

    reset_global_state()
    module: Any = None
    import_error: ErrorValue | None = None
    try:
        module = importlib.import_module(spec["module"])
    except BaseException as exc:  # noqa: BLE001 - anything the student's import raises is reported
        if isinstance(exc, KeyboardInterrupt):
            raise
        where = _student_frame(exc.__traceback__, module_dir)
        if isinstance(exc, SystemExit):
            import_error = ErrorValue(type="SystemExit", message=f"while importing {spec['module']}.py: "
                                      f"{_exit_message(exc)}", where=where)
        else:
            import_error = ErrorValue(type=type(exc).__name__, message=f"while importing {spec['module']}.py: {exc}",
                                      where=where)

    # Everything imported so far (torch, numpy, the student's module) lives as long as the process: moved out of
    # the collector's sight, so the collection after each probe scans only what that probe made (0.14 s a
    # probe otherwise, with torch's 380,000 objects: a third of a quick grading).
    gc.freeze()
    for name in spec["probes"]:
        channel.start(name)
        probe = probes[name]
        if import_error is not None:
            result: Any = {"__import__": import_error}
        else:
            reset_global_state()
            try:
                context = {**spec.get("context", {}), PROGRESS: channel.progress}
                result = _explain_exits(probe(module, context), ErrorValue)
            except BaseException as exc:  # noqa: BLE001 - student code may raise anything, SystemExit too
                if isinstance(exc, KeyboardInterrupt):
                    raise
                if isinstance(exc, SystemExit):
                    kind, message = "SystemExit", _exit_message(exc)
                else:
                    kind, message = type(exc).__name__, str(exc)[:2000]
                result = {"__raised__": ErrorValue(type=kind, message=message,
                                                   where=_student_frame(exc.__traceback__, module_dir))}
        try:
            text, payload = encode_result(result)
        except Exception as exc:  # noqa: BLE001 - a value we cannot encode is the student's fault
            text, payload = encode_result({"__raised__": ErrorValue(
                type=UNGRADABLE, message=str(exc)[:300])})  # the grader words it (autograder.grade.compare)
        channel.done(name, text, payload)
        # What this probe left (a trained model, its gradients) is freed before the next one starts, and the
        # freed heap given back: each probe's memory is its own, not the sum of the probes before it.
        del result, text, payload
        gc.collect()
        release_free_memory()
    os.close(channel.fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Entry point of the child process that runs student code: `python -m autograder.run.child SPEC.json`.

The parent writes a spec (module folder, module name, probe names, output folder, seed, threads).
For each probe the child writes `start NAME` on the status pipe, runs the probe under a fresh seed,
writes `<out>/<NAME>.json|.npz`, then writes `done NAME`. Everything here runs with the student's
privileges and is not trusted by the parent: the parent only reads plain data back and compares it.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any


def _apply_resource_limits(spec: dict[str, Any]) -> None:
    import resource

    mib = 1024 * 1024
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
        if os.path.abspath(frame.filename).startswith(module_dir + os.sep):
            where = f"{os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"
    return where


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    status = os.fdopen(int(spec["status_fd"]), "w", buffering=1)
    _set_threads(int(spec["threads"]))
    _apply_resource_limits(spec)

    import random

    import numpy as np
    import torch

    # Trusted imports happen before the student's folder is put on sys.path, so nothing there can shadow them.
    from autograder.probes import get_probe
    from autograder.run.values import ErrorValue, write_result

    torch.set_num_threads(int(spec["threads"]))
    module_dir = os.path.abspath(spec["module_dir"])
    out_dir = Path(spec["out_dir"])
    os.chdir(module_dir)
    sys.path.insert(0, module_dir)

    def seed_everything(seed: int) -> None:
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)

    seed_everything(int(spec["seed"]))
    module: Any = None
    import_error: ErrorValue | None = None
    try:
        module = importlib.import_module(spec["module"])
    except BaseException as exc:  # noqa: BLE001 - anything the student's import raises is reported
        if isinstance(exc, KeyboardInterrupt):
            raise
        where = _student_frame(exc.__traceback__, module_dir)
        kind = "SystemExit" if isinstance(exc, SystemExit) else type(exc).__name__
        import_error = ErrorValue(type=kind, message=f"while importing {spec['module']}.py: {exc}", where=where)

    for name in spec["probes"]:
        status.write(f"start {name}\n")
        probe = get_probe(spec["assignment"], name)
        if import_error is not None:
            result: Any = {"__import__": import_error}
        else:
            seed_everything(int(spec["seed"]))
            torch.set_num_threads(int(spec["threads"]))
            try:
                result = probe(module, spec.get("context", {}))
            except BaseException as exc:  # noqa: BLE001 - student code may raise anything, SystemExit too
                if isinstance(exc, KeyboardInterrupt):
                    raise
                kind = "SystemExit" if isinstance(exc, SystemExit) else type(exc).__name__
                result = {"__raised__": ErrorValue(type=kind, message=str(exc)[:2000],
                                                   where=_student_frame(exc.__traceback__, module_dir))}
        try:
            write_result(out_dir / name, result)
        except Exception as exc:  # noqa: BLE001 - a value we cannot encode is the student's fault
            write_result(out_dir / name, {"__raised__": ErrorValue(type="UngradableResult", message=str(exc)[:500])})
        status.write(f"done {name}\n")
    status.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""A real Dask cluster on localhost for the course tests and benchmarks: a `dask scheduler` and `dask worker`
processes, each in a session of its own so that one can be killed with everything it started."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

DASK = Path(sys.executable).with_name("dask")


def wait_for(condition: Any, what: str, *, seconds: float = 300) -> None:
    """Poll `condition` (a bounded wait for a process to come up, never a timing assertion)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


@contextmanager
def local_dask_cluster(folder: Path, *, cifar10_root: Path | str | None, workers: int = 2) -> Iterator[dict[str, Any]]:
    """A scheduler and `workers` workers (one thread each) started in `folder`; yields their address, the
    processes by name ("scheduler", "worker-a", "worker-b", ...) and the folder of their logs. All are killed
    (SIGKILL to their sessions) on the way out."""
    env = {**os.environ, "TMPDIR": str(folder / "worker-tmp"), "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    if cifar10_root is not None:
        env["CIFAR10_ROOT"] = str(cifar10_root)
    (folder / "worker-tmp").mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    started: dict[str, subprocess.Popen[bytes]] = {}
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)

    def start(name: str, *args: str) -> None:
        with open(logs / f"{name}.log", "wb") as log:
            started[name] = subprocess.Popen([str(DASK), *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, start_new_session=True, cwd=folder)

    try:
        start("scheduler", "scheduler", "--scheduler-file", str(scheduler_file), "--host", "127.0.0.1", "--port", "0",
              "--no-dashboard")
        wait_for(scheduler_file.is_file, "the scheduler file")
        address = json.loads(scheduler_file.read_text())["address"]
        for index in range(workers):
            name = f"worker-{chr(ord('a') + index)}"
            start(name, "worker", address, "--name", name, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                  "--local-directory", str(folder / name), "--host", "127.0.0.1")
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)
        yield {"address": address, "processes": started, "logs": logs}
    finally:
        for process in started.values():
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()

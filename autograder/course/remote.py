"""Grading past one machine: the class's submissions sent to the workers of a Dask distributed cluster.

The unit of work is still `batch.grade_student`, a plain function of plain data; here it travels:

- each task carries its submission as bytes (`pack`), so a worker needs no access to the instructor's
  folders, and returns the plain outcome (report, results.json, record), which the client stores;
- the grading kit (`make_kit`: the answer key and its reference results, graded once by the client) is
  scattered to every worker once per batch, so the workers need the package and CIFAR-10 but neither the
  answer key installed nor time to grade it again;
- on the worker, the grading runs in a fresh Python process (`python -m autograder.course.worker`), as it
  does in the local pool: the worker's own threads and state never touch it.

- a class graded on cuda asks for the workers' GPU resource (`task_resources`): start one worker per GPU with
  `CUDA_VISIBLE_DEVICES` naming it and `--resources GPU=S`, S the gradings its GPU holds at once.
A worker with another autograder than the client's refuses to grade (its scores could differ). A
worker that dies in the middle loses nothing: the scheduler gives its tasks to another worker, and a
submission whose grading kills worker after worker ends as a grader-failure outcome.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import uuid
from pathlib import Path
from typing import Any, Iterable

from autograder.intake.copy import IntakeLimits
from autograder.course.outcome import worker_died
from autograder.tree import ignored

PACK_LIMITS = IntakeLimits()  # a packed submission is bounded as the intake bounds it


def package_digest() -> str:
    """A digest of this autograder's own code (the client's and each worker's must match)."""
    from autograder.course.discover import content_digest

    return content_digest(Path(__file__).resolve().parents[1])


def pack(path: Path, *, limits: IntakeLimits = PACK_LIMITS) -> dict[str, Any]:
    """`path` (a submission folder, or one archive, .py or .ipynb file) as plain data: its name, kind and
    a tar of its regular files (links and caches left out, as the intake leaves them). Raises ValueError
    when it holds more than `limits` allow."""
    path = Path(path)
    buffer = io.BytesIO()
    total, count = 0, 0
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        if path.is_file():
            entries = [(path, path.name)]
        else:
            entries = []
            for folder, folders, files in os.walk(path, followlinks=False):
                folders[:] = sorted(f for f in folders if not ignored(f) and not (Path(folder) / f).is_symlink())
                for name in sorted(files):
                    full = Path(folder) / name
                    if not ignored(name) and not full.is_symlink() and full.is_file():
                        entries.append((full, full.relative_to(path).as_posix()))
        for full, name in entries:
            total, count = total + full.stat().st_size, count + 1
            if total > limits.max_bytes or count > limits.max_files:
                raise ValueError(f"{path}: more than {limits.max_bytes // 2**20} MiB or {limits.max_files} files")
            info = archive.gettarinfo(str(full), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = 0o644
            with open(full, "rb") as handle:
                archive.addfile(info, handle)
    return {"name": path.name, "kind": "file" if path.is_file() else "folder", "data": buffer.getvalue()}


def unpack(packed: dict[str, Any], target: Path) -> Path:
    """Write a `pack`ed submission under `target`; returns the path that stands for the original."""
    root = target / ("submission" if packed["kind"] == "folder" else "file")
    root.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(packed["data"]), mode="r:gz") as archive:
        archive.extractall(root, filter="data")  # regular files and folders only, nothing outside root
    return root if packed["kind"] == "folder" else root / packed["name"]


def _tar_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                    archive.add(str(path), arcname=path.relative_to(folder).as_posix(), recursive=False)
    return buffer.getvalue()


def make_kit(*, solutions_dir: Path, cache_dir: Path) -> dict[str, Any]:
    """What every worker needs besides the package and CIFAR-10: the answer key and the reference results
    already computed for it (the client grades the answer key before making the kit)."""
    solutions = _tar_folder(Path(solutions_dir))
    reference = _tar_folder(Path(cache_dir) / "reference")
    digest = hashlib.sha256(solutions + reference).hexdigest()[:16]
    return {"solutions": solutions, "reference": reference, "digest": digest, "package": package_digest()}


def _materialize(kit: dict[str, Any]) -> Path:
    """The kit's files in a folder of this worker's machine (0700, made once per kit and machine)."""
    base = Path(tempfile.gettempdir()) / f"autograder-kit-{os.getuid()}"
    base.mkdir(mode=0o700, exist_ok=True)
    base.chmod(0o700)
    folder = base / kit["digest"]
    if folder.is_dir():
        return folder
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=base))
    for part, subfolder in (("solutions", "solutions"), ("reference", "cache/reference")):
        (building / subfolder).mkdir(parents=True, mode=0o700)
        with tarfile.open(fileobj=io.BytesIO(kit[part]), mode="r:gz") as archive:
            archive.extractall(building / subfolder, filter="data")
    try:
        building.rename(folder)
    except OSError:  # another grading on this machine made it first
        import shutil

        shutil.rmtree(building, ignore_errors=True)
    return folder


def grade_packed(task: dict[str, Any], kit: dict[str, Any]) -> dict[str, Any]:
    """On a worker: grade one packed task (`remote_task`) with the kit, in a fresh Python process.
    Returns `grade_student`'s plain outcome."""

    if kit["package"] != package_digest():
        return worker_died(task, reason="this worker's autograder differs from the client's; install the same "
                                         "version on every worker")
    folder = _materialize(kit)
    with tempfile.TemporaryDirectory(prefix="autograder-task-") as scratch:
        local = dict(task)
        local["path"] = str(unpack(local.pop("packed"), Path(scratch)))
        local["options"] = {**task["options"], "solutions_dir": str(folder / "solutions"),
                            "cache_dir": str(folder / "cache")}
        request, answer = Path(scratch) / "task.json", Path(scratch) / "outcome.json"
        request.write_text(json.dumps(local), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "autograder.course.worker", str(request), str(answer)],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not answer.is_file():
            return worker_died(task, reason=f"the grading process ended with {done.returncode}: "
                                             f"{done.stderr.strip()[-300:]}")
        return json.loads(answer.read_text(encoding="utf-8"))


def _kit(kit: dict[str, Any]) -> dict[str, Any]:
    return kit


def remote_task(task: dict[str, Any]) -> dict[str, Any]:
    """A batch task with its submission packed into it (the worker may be another machine)."""
    return {**task, "packed": pack(Path(task["path"]))}


GPU_RESOURCE = "GPU"  # the Dask worker resource a grading on cuda asks for (`dask worker --resources GPU=S`)


def task_resources(task: dict[str, Any]) -> dict[str, float] | None:
    """The Dask resources a grading needs: one GPU slot when the class is graded on cuda (a worker declares as many
    slots as gradings its GPU holds at once; the grading runs on that worker's GPU), none on cpu."""
    return {GPU_RESOURCE: 1} if str(task["options"].get("device") or "").startswith("cuda") else None


def dask_stream(tasks: list[dict[str, Any]], *, scheduler: str, kit: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """Grade `tasks` on the Dask cluster whose scheduler is at `scheduler` (e.g. tcp://host:8786), yielding
    each outcome as it finishes, exactly one per task."""
    from distributed import Client, as_completed


    if not tasks:
        return
    with Client(scheduler, timeout="60s") as client:
        # The kit as a task's result rather than scattered data: sent once, moved between workers as they
        # need it, and computed again if every worker that held it dies.
        shared = client.submit(_kit, kit, key=f"grading-kit-{kit['digest']}-{uuid.uuid4().hex[:8]}", pure=False)
        futures: dict[Any, dict[str, Any]] = {}
        for task in tasks:
            try:
                packed = remote_task(task)
            except (OSError, ValueError) as exc:
                yield worker_died(task, reason=f"the submission could not be packed: {exc}")
                continue
            key = f"grade-{task['student']}-{uuid.uuid4().hex[:8]}"
            futures[client.submit(grade_packed, packed, shared, key=key, pure=False,
                                  resources=task_resources(task))] = task
        for future in as_completed(futures):
            task = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: this submission killed worker after worker
                yield worker_died(task, reason=f"{type(exc).__name__}: {str(exc)[:300]}")

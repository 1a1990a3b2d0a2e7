"""grade-all on a real Dask cluster on localhost: a `dask scheduler` and two `dask worker` processes, one
of them killed (SIGKILL, with the grading it was running) in the middle of the batch. Every submission is
still graded exactly once, with the scores of grading it alone."""
from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from autograder.course import grade_all
from autograder.course.remote import pack, unpack
from tests.course.classrooms import ACCURACY, assert_scores_as_alone, build_classroom
from tests.course.clusters import local_dask_cluster, wait_for

STUDENTS = {  # six students, mixed outcomes, one hostile, one archive
    "ahn": "submissions/passesAll_pytorch_tensor",
    "bae": "submissions/failsMatrixSumInPlace",
    "cho": "hostile/failsArithmetic_patchesComparisons",
    "do": "submissions/failsAll_pytorch_tensor_starter",
    "eom": "submissions/passesVariant_numpyFunctions",
    "gu": "submissions/failsZerosOnesSwapped",
}


def _session_processes(session: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes in `session`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == session:  # the session id
            found.append((int(entry.name), cmdline))
    return found


@pytest.fixture
def cluster(tmp_path: Path, cifar10_root: Path) -> Iterator[dict[str, Any]]:
    """A real scheduler and two real workers (one thread each), in their own sessions."""
    with local_dask_cluster(tmp_path, cifar10_root=cifar10_root, workers=2) as started:
        yield started


def test_pack_keeps_regular_files_only_and_unpacks_inside_the_target(tmp_path: Path) -> None:
    folder = tmp_path / "student" / "pytorch_tensor"
    folder.mkdir(parents=True)
    (folder / "tensor_basics.py").write_text("x = 1\n", encoding="utf-8")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "stale.pyc").write_bytes(b"\0")
    (folder / "key.py").symlink_to(Path(__file__).resolve().parents[2] / "solutions" / "pytorch_tensor" / "tensor_basics.py")
    root = unpack(pack(tmp_path / "student"), tmp_path / "unpacked")
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())
    assert files == ["pytorch_tensor/tensor_basics.py"]  # no link, no cache


def test_a_class_on_a_dask_cluster_survives_a_killed_worker(cluster: dict[str, Any], tmp_path: Path) -> None:
    classroom = build_classroom(tmp_path / "classroom", tmp_path / "built", STUDENTS, archives={"gu": "gztar"})
    out = tmp_path / "out"
    outcome: dict[str, Any] = {}

    def batch() -> None:
        try:
            outcome["summary"] = grade_all(submissions=classroom, out=out, skip=ACCURACY, cache_dir=tmp_path / "cache",
                                           scheduler=cluster["address"])
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            outcome["error"] = exc

    runner = threading.Thread(target=batch)
    runner.start()
    # In the middle: as soon as worker-a is running a grading (its grading process exists), kill the whole
    # worker (its process group: nanny, worker and the grading).
    victim = cluster["processes"]["worker-a"]

    def grading_on_victim() -> bool:
        return any("autograder.course.worker" in line for _, line in _session_processes(victim.pid))

    wait_for(lambda: grading_on_victim() or not runner.is_alive(), "a grading on worker-a", seconds=600)
    assert runner.is_alive(), "the batch ended before worker-a started grading"
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    runner.join(timeout=1800)
    assert not runner.is_alive()
    assert "error" not in outcome, outcome.get("error")

    summary = outcome["summary"]
    assert summary.graded == len(STUDENTS)
    assert all(r["exit_code"] in (0, 1) for r in summary.records), [r["refusal"] for r in summary.records]
    assert_scores_as_alone(out, STUDENTS)  # each exactly once, as graded alone
    assert not _session_processes(victim.pid), "worker-a still runs"
    worker_b_log = (cluster["logs"] / "worker-b.log").read_text(errors="replace")
    assert "Starting Worker" in worker_b_log

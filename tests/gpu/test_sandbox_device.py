"""The device as the sandbox applies it, on this machine (no GPU): what a child's environment and /dev hold on cpu
and on a cuda choice, and a training probe that waits for its GPU slot without the wait costing the student."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder.gpu.device import CPU, CUBLAS_WORKSPACE, GraderDevice
from autograder.gpu.nodes import BASE_NODES
from autograder.gpu.slots import GpuSlots, lease
from autograder.run import Limits, ProbeRequest, run_probes
from autograder.run import confine
from autograder.run.sandbox import child_environment
from tests.run.modules import answer_key_with

REPO = Path(__file__).resolve().parents[2]
FAKE_GPU = GraderDevice(kind="cuda", name="Stand-in GPU", total_mib=8192, minor=7, visible_id="GPU-0000-test", count=1)
LIMITS = Limits(check_seconds=30, import_seconds=120, threads=1)
REPORT = """
def matrix_transpose(a):
    import json, os, torch
    raise RuntimeError(json.dumps({"visible": os.environ.get("CUDA_VISIBLE_DEVICES"),
                                   "cublas": os.environ.get("CUBLAS_WORKSPACE_CONFIG"),
                                   "cuda": torch.cuda.is_available(), "dev": sorted(os.listdir("/dev"))[:20]}))
"""


def _report(tmp_path: Path, device: GraderDevice, **options: object) -> dict:
    folder = tmp_path / "pytorch_tensor"
    if not folder.is_dir():
        answer_key_with(tmp_path, REPORT)
    outcome = run_probes(assignment="pytorch_tensor", module_dir=folder, module="tensor_basics",
                         probes=[ProbeRequest("transpose", 30)], limits=LIMITS, work_dir=tmp_path / "work",
                         device=device, **options)["transpose"]
    assert outcome.ok, outcome
    return json.loads(outcome.value["matrix_transpose(m)"].message)  # the probe's own record of what raised


def test_on_cpu_a_child_sees_no_gpu_whatever_the_graders_environment(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")  # the grader's own: never passed on for a cpu grading
    seen = _report(tmp_path, CPU)
    assert seen["visible"] == "" and seen["cuda"] is False


def test_on_cuda_a_childs_environment_names_exactly_its_gpu(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LD_LIBRARY_PATH", "/usr/local/nvidia/lib64")
    env = child_environment(home=tmp_path, threads=1, device=FAKE_GPU)
    assert env["CUDA_VISIBLE_DEVICES"] == "GPU-0000-test" and env["CUBLAS_WORKSPACE_CONFIG"] == CUBLAS_WORKSPACE
    assert env["LD_LIBRARY_PATH"] == "/usr/local/nvidia/lib64"  # where an image keeps the driver's libraries
    assert "LD_LIBRARY_PATH" not in child_environment(home=tmp_path, threads=1, device=CPU)


def test_a_child_that_cannot_use_its_gpu_is_the_graders_failure_never_a_silent_cpu_grading(tmp_path: Path) -> None:
    """Here the 'GPU' does not exist: the child says so before any student code runs, and every check is the
    sandbox's failure (a regrade), not graded on the CPU as if nothing happened."""
    folder = answer_key_with(tmp_path, REPORT)
    outcomes = run_probes(assignment="pytorch_tensor", module_dir=folder, module="tensor_basics",
                          probes=[ProbeRequest("transpose", 30), ProbeRequest("mean", 30)], limits=LIMITS,
                          work_dir=tmp_path / "work", device=FAKE_GPU)
    assert {o.status for o in outcomes.values()} == {"sandbox"}, outcomes
    assert all("could not use the GPU it was given: torch.cuda.is_available() is False" in o.detail
               for o in outcomes.values())


@pytest.mark.parametrize("kind, limited", [("cpu", True), ("cuda", False)])
def test_cuda_children_get_no_address_space_limit(kind: str, limited: bool) -> None:
    """CUDA reserves far more address space than it uses: on cuda the memory limit is the control group's."""
    code = ("import resource, autograder.run.child as c; "
            f"c._apply_resource_limits({{'memory_mib': 1024, 'address_space_slack_mib': 1024, 'file_bytes': 10**8, "
            f"'device': {{'kind': '{kind}'}}}}); print(resource.getrlimit(resource.RLIMIT_AS)[0])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert (int(done.stdout) == 2048 * 2**20) is limited


@pytest.mark.skipif(os.geteuid() != 0, reason="confinement as root")
def test_a_confined_childs_dev_holds_only_the_harmless_nodes(tmp_path: Path) -> None:
    ids = confine.sandbox_ids()
    assert ids is not None
    folder = answer_key_with(tmp_path, REPORT)
    plan = confine.plan_confinement(module_dir=folder, secret=[tmp_path], ids=ids, tmp_mib=64, nproc=128)
    seen = _report(tmp_path, CPU, confinement=plan)
    assert seen["dev"] == sorted([*BASE_NODES, "fd", "shm", "stderr", "stdin", "stdout"])


PROBE_DEV = r"""
import json, os, sys
node = sys.argv[1]
with open(node, "w") as handle:  # the bound node works as the device it is (here a null device)
    handle.write("x")
print(json.dumps({"dev": sorted(os.listdir("/dev")), "write dev": os.access("/dev", os.W_OK)}))
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="confinement as root")
def test_a_planned_device_node_is_bound_and_works_and_dev_is_read_only(tmp_path: Path) -> None:
    node = tmp_path / "nvidia7"  # a GPU node's stand-in: a character device with /dev/null's numbers
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    node.chmod(0o666)
    module = tmp_path / "student"
    module.mkdir()
    ids = confine.sandbox_ids()
    assert ids is not None
    plan = confine.plan_confinement(module_dir=module, secret=[tmp_path], ids=ids, tmp_mib=64, nproc=128,
                                    devices=(*(f"/dev/{n}" for n in BASE_NODES), str(node)))
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(plan.to_json())
    done = subprocess.run(confine.wrap(plan_path, [sys.executable, "-I", "-S", "-c", PROBE_DEV, "/dev/nvidia7"],
                                       status_fd=None), capture_output=True, timeout=120, cwd="/",
                          start_new_session=True)
    assert done.returncode == 0, done.stderr.decode()
    seen = json.loads(done.stdout.decode().splitlines()[-1])
    assert "nvidia7" in seen["dev"] and "sda" not in seen["dev"] and seen["write dev"] is False


def test_a_training_probe_waits_for_its_gpu_slot_and_the_wait_is_not_the_students(tmp_path: Path) -> None:
    slots = GpuSlots(folder=str(tmp_path / "slots"), devices=(FAKE_GPU,), per_gpu=1)
    folder = answer_key_with(tmp_path, "")
    result: dict = {}
    waits: list[float] = []

    def grade() -> None:
        # 20 s of the student's time in all, while the slot is held for 25 s by another grading: counted from the
        # start, the time would be out before the child started ('total-time', the child never run)
        result.update(run_probes(assignment="pytorch_tensor", module_dir=folder, module="tensor_basics",
                                 probes=[ProbeRequest("transpose", 30, alone=True)], limits=LIMITS,
                                 work_dir=tmp_path / "work", device=FAKE_GPU, gpu_slots=slots,
                                 deadline=time.monotonic() + 20, slot_waits=waits))

    with lease(slots):
        worker = threading.Thread(target=grade)
        worker.start()
        time.sleep(25)
        assert not list((tmp_path / "work").glob("out-*")), "no child starts before it has a slot"
    worker.join(timeout=300)
    # The child started once it had the slot (here its 'GPU' does not exist, so it says so: the sandbox's failure)
    assert result["transpose"].status == "sandbox", result["transpose"]
    assert list((tmp_path / "work").glob("out-*")) and len(waits) == 1 and waits[0] > 0

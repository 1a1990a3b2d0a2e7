"""On a machine with an NVIDIA GPU (marker `gpu`: scripts/gpu_check.sh runs these; scripts/test.sh deselects them,
and without a GPU they say so and do not run): the device chosen, the child confined to its one GPU, the GPU memory
cap applied in the child and by the grader's own count, and the device checks graded on the real GPU."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from autograder.gpu.device import choose_device, list_gpus
from autograder.grade import grade_submission
from autograder.run import Limits, ProbeRequest, run_probes
from autograder.run import confine
from tests.grade.examples import build_submission
from tests.run.modules import answer_key_with

REPO = Path(__file__).resolve().parents[2]
HAS_GPU = bool(list_gpus()[0]) if os.path.exists("/dev/nvidiactl") or os.path.isdir("/proc/driver/nvidia") else False
pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not HAS_GPU, reason="no NVIDIA GPU usable by torch here")]
LIMITS = Limits(check_seconds=60, import_seconds=120, gpu_memory_mib=2048)
QUICK = ("fc_accuracy", "conv_accuracy")


def _transpose(tmp_path: Path, body: str, **options: object) -> object:
    folder = answer_key_with(tmp_path, body)
    return run_probes(assignment="pytorch_tensor", module_dir=folder, module="tensor_basics",
                      probes=[ProbeRequest("transpose", 60)], limits=LIMITS, work_dir=tmp_path / "work",
                      device=choose_device("cuda"), **options)["transpose"]


def test_auto_chooses_the_gpu_and_its_node_exists() -> None:
    chosen = choose_device("auto")
    assert chosen.is_cuda and chosen.total_mib > 0
    assert Path(f"/dev/nvidia{chosen.minor}").exists()


SEES = """
def matrix_transpose(a):
    import json, os, torch
    x = torch.ones(4, device="cuda")
    raise RuntimeError(json.dumps({"count": torch.cuda.device_count(), "sum": float(x.sum()),
                                   "nvidia": sorted(n for n in os.listdir("/dev") if n.startswith("nvidia"))}))
"""


def test_a_confined_child_uses_exactly_its_gpu(tmp_path: Path) -> None:
    chosen = choose_device("cuda")
    ids = confine.sandbox_ids()
    assert ids is not None
    folder = answer_key_with(tmp_path, SEES)
    plan = confine.plan_confinement(module_dir=folder, secret=[tmp_path], ids=ids, tmp_mib=256, nproc=256)
    outcome = run_probes(assignment="pytorch_tensor", module_dir=folder, module="tensor_basics",
                         probes=[ProbeRequest("transpose", 60)], limits=LIMITS, work_dir=tmp_path / "work",
                         device=chosen, confinement=plan)["transpose"]
    assert outcome.ok, outcome
    seen = json.loads(outcome.value["matrix_transpose(m)"].message)
    assert seen["count"] == 1 and seen["sum"] == 4.0
    assert f"nvidia{chosen.minor}" in seen["nvidia"]
    assert [n for n in seen["nvidia"] if n[6:].isdigit()] == [f"nvidia{chosen.minor}"]


def test_an_allocation_over_the_cap_is_the_memory_limit(tmp_path: Path) -> None:
    outcome = _transpose(tmp_path, "def matrix_transpose(a):\n    import torch\n"
                                   "    return torch.empty(3 * 2**30, dtype=torch.uint8, device='cuda')\n")
    assert outcome.status == "memory", outcome


def test_lifting_the_cap_is_still_stopped_by_the_graders_count(tmp_path: Path) -> None:
    if shutil.which("nvidia-smi") is None:
        pytest.skip("nvidia-smi is needed for the grader's own count")
    outcome = _transpose(tmp_path, "def matrix_transpose(a):\n    import time, torch\n"
                                   "    torch.cuda.set_per_process_memory_fraction(1.0)\n"
                                   "    x = torch.empty(6 * 2**30, dtype=torch.uint8, device='cuda')\n"
                                   "    time.sleep(30)\n    return a.T\n")
    assert outcome.status == "memory" and "GPU memory limit" in outcome.detail, outcome


@pytest.mark.parametrize("name", ["passesAll_pytorch_tensor", "failsToDeviceIgnoresDevice",
                                  "failsTrainDataNotOnDevice", "failsRunModelNotOnDevice",
                                  "failsEvaluateImagesNotOnDevice"])
def test_the_device_checks_on_the_gpu_match_the_catalog(tmp_path: Path, name: str) -> None:
    """Each placement mistake loses its own check on the real GPU, as on the CPU grader (meta device)."""
    from tests.grade.examples import load_example

    folder = REPO / "tests" / "grade" / "submissions" / name
    example = load_example(folder)
    submission = build_submission(folder, tmp_path / "submission")
    report = grade_submission(submission=submission, assignment=example["assignment"], skip=QUICK,
                              device="cuda", cache_dir=tmp_path / "cache")
    lost = sorted(r.name for r in report.results if r.score < r.points)
    assert lost == sorted(example.get("fails", [])), [(r.name, r.message) for r in report.results if r.score < r.points]
    assert report.device.startswith("cuda:")

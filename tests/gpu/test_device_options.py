"""`--device` on every road, on this machine without a GPU: `grade`, `grade-all`, Gradescope's bundle and
nbgrader's GradeBeforeRun take it; 'cuda' says clearly that there is no GPU; the choice reaches the reference cache's
key, each graded.json's provenance and `regrade`, and a class on cuda asks Dask for a GPU slot."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from traitlets import TraitError
from traitlets.config import Config

from autograder.cli import main
from autograder.course.batch import task_device
from autograder.course.remote import GPU_RESOURCE, task_resources
from autograder.gpu.device import CPU, GraderDevice, driver_present
from autograder.grade.layout import prepare
from autograder.grade.reference_cache import reference_key
from autograder.grade.registry import checks_for
from autograder.assignments import get_assignment
from autograder.run import Limits

REPO = Path(__file__).resolve().parents[2]
GPU = GraderDevice(kind="cuda", name="NVIDIA H100 80GB HBM3", total_mib=81559, minor=0, visible_id="GPU-1", count=1)
pytestmark = pytest.mark.skipif(driver_present(), reason="these check the answer where no GPU is present")


def test_grade_with_device_cuda_says_there_is_no_gpu_and_grades_nothing(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    ran = CliRunner().invoke(main, ["grade", str(REPO / "solutions"), "--device", "cuda", "--results", str(results)])
    assert ran.exit_code == 2
    assert "GPU가 없습니다" in ran.output and "no GPU can be used on this machine" in ran.output
    assert "--device cpu" in ran.output and not results.exists()


def test_grade_all_with_device_cuda_says_there_is_no_gpu(tmp_path: Path) -> None:
    (tmp_path / "class" / "kim").mkdir(parents=True)
    ran = CliRunner().invoke(main, ["grade-all", str(tmp_path / "class"), "--out", str(tmp_path / "out"),
                                    "--device", "cuda", "--lang", "en"])
    assert ran.exit_code == 2 and "no GPU can be used on this machine" in ran.output, ran.output
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_an_unknown_device_is_refused_by_click() -> None:
    ran = CliRunner().invoke(main, ["grade", str(REPO / "solutions"), "--device", "gpu"])
    assert ran.exit_code == 2 and "'gpu' is not one of 'auto', 'cpu', 'cuda'" in ran.output


def test_the_gradescope_bundle_carries_the_device(tmp_path: Path) -> None:
    ran = CliRunner().invoke(main, ["gradescope", "--out", str(tmp_path), "--assignment", "pytorch_tensor",
                                    "--device", "cpu"])
    assert ran.exit_code == 0, ran.output
    with zipfile.ZipFile(tmp_path / "pytorch_tensor.zip") as archive:
        assert json.loads(archive.read("config.json"))["device"] == "cpu"
    from autograder.gradescope import build_bundle

    with pytest.raises(ValueError, match="device must be one of auto, cpu, cuda"):
        build_bundle(assignment="pytorch_tensor", out_dir=tmp_path, solutions_dir=REPO / "solutions", device="gpu")


def test_nbgrader_takes_the_device_by_name_and_refuses_another(tmp_path: Path) -> None:
    from autograder.nbgrader_trust.grade_first import GradeBeforeRun, grade_cell_outcomes

    config = Config()
    config.GradeBeforeRun.device = "gpu"
    with pytest.raises(TraitError):
        GradeBeforeRun(config=config)
    config.GradeBeforeRun.device = "cpu"
    assert GradeBeforeRun(config=config).device == "cpu"
    # 'cuda' here: every grade cell says the grader could not grade (the grader's fault, never the student's)
    outcomes = grade_cell_outcomes(source_notebook=REPO / "source" / "pytorch_tensor" / "pytorch_tensor.ipynb",
                                   submitted=REPO / "solutions" / "pytorch_tensor", device="cuda",
                                   limits=Limits(threads=1))
    assert outcomes and all(o.verdict == "none" and "no GPU can be used" in o.text for o in outcomes.values())


def test_the_answer_keys_cached_results_are_kept_apart_per_device_kind_and_gpu_model(tmp_path: Path) -> None:
    record = get_assignment("pytorch_tensor")
    prepared = prepare(record, REPO / "solutions" / "pytorch_tensor", solutions_dir=REPO / "solutions",
                       scratch=tmp_path, checks=checks_for("pytorch_tensor"))
    keys = {reference_key(prepared=prepared, limits=Limits(), data_fingerprint="", seed=0, device=device)
            for device in (CPU, GPU, GraderDevice(kind="cuda", name="NVIDIA A100-SXM4-40GB"))}
    assert len(keys) == 3
    assert reference_key(prepared=prepared, limits=Limits(), data_fingerprint="", seed=0) == \
        reference_key(prepared=prepared, limits=Limits(), data_fingerprint="", seed=0, device=CPU)


def test_a_task_grades_on_the_gpu_it_was_given_else_on_what_its_options_chose() -> None:
    options = {"device": "cuda:NVIDIA H100 80GB HBM3"}
    assert task_device({"options": options, "device": GPU.as_dict()}) == GPU
    assert task_device({"options": options}) == "cuda"  # a Dask worker or a regrade: this machine's GPU
    assert task_device({"options": {"device": "cpu"}}) == CPU
    assert task_device({"options": {}}) == CPU  # a record made before the device was recorded


def test_a_class_on_cuda_asks_dask_for_one_gpu_slot_per_grading() -> None:
    assert task_resources({"options": {"device": "cuda:the Dask workers' GPUs"}}) == {GPU_RESOURCE: 1}
    assert task_resources({"options": {"device": "cpu"}}) is None


def test_provenance_records_the_device_the_grading_ran_on(tmp_path: Path) -> None:
    from autograder.course import grade_all

    classroom = tmp_path / "class" / "kim"
    classroom.mkdir(parents=True)
    (classroom / "tensor_basics.py").write_text((REPO / "solutions" / "pytorch_tensor" / "tensor_basics.py")
                                                 .read_text(encoding="utf-8"), encoding="utf-8")
    summary = grade_all(submissions=tmp_path / "class", out=tmp_path / "out", jobs=1, device="auto",
                        cache_dir=tmp_path / "cache", limits=Limits(threads=1), assignment="pytorch_tensor")
    record = json.loads((tmp_path / "out" / "students" / "kim" / "graded.json").read_text(encoding="utf-8"))
    assert record["provenance"]["device"] == "cpu" and summary.records[0]["score"] == 30
    from autograder.classview.regrade import regrade

    again = regrade(tmp_path / "out" / "students" / "kim")
    assert again.same and again.score == 30

"""autograder.notebook.check: what the hidden tests call, and how nbgrader reads its outcome.

Most tests replace `grade_submission` by a fake that records its calls; two grade real folders
(solutions/ and release/ of pytorch_tensor, a few seconds).
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import autograder.notebook as notebook
from autograder.grade.engine import GradingError
from autograder.grade.registry import checks_for
from autograder.grade.report import CheckResult, GradeReport
from autograder.notebook import GRADER_ERROR, CheckFailed, check

REPO = Path(__file__).resolve().parents[2]


class FakeGrader:
    """Stands in for grade_submission: every check passes except those in `failing` (and `broken`)."""

    def __init__(self, failing: tuple[str, ...] = (), broken: tuple[str, ...] = ()) -> None:
        self.failing, self.broken = failing, broken
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def __call__(self, *, submission: Path, assignment: str, skip: Any = (), **kwargs: Any) -> GradeReport:
        graded = tuple(c.name for c in checks_for(assignment) if c.name not in set(skip))
        self.calls.append((str(submission), graded))
        report = GradeReport(submission=str(submission))
        for item in checks_for(assignment):
            if item.name in graded:
                if item.name in self.broken:
                    report.results.append(CheckResult(assignment, item.name, item.title, item.points, 0.0,
                                                      "grader-error", "the grader failed on the answer key"))
                elif item.name in self.failing:
                    report.results.append(CheckResult(assignment, item.name, item.title, item.points, 0.0, "failed",
                                                      f"'{item.name}' differs. A hint."))
                else:
                    report.results.append(CheckResult(assignment, item.name, item.title, item.points,
                                                      float(item.points), "passed"))
        return report


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A student's folder holding both modules, as the kernel's working folder."""
    for module in ("tensor_basics.py", "classifier.py"):
        (tmp_path / module).write_text("x = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTOGRADER_SKIP", raising=False)
    notebook.clear_cache()
    yield tmp_path
    notebook.clear_cache()


def _fake(monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> FakeGrader:
    fake = FakeGrader(**kwargs)
    monkeypatch.setattr(notebook, "grade_submission", fake)
    return fake


def test_all_checks_passed_prints_a_summary_and_returns_nothing(folder, monkeypatch, capsys) -> None:
    _fake(monkeypatch)
    assert check("image_classification", "fc_layers", "fc_forward", "fc_gradient_flow") is None
    out = capsys.readouterr().out
    assert "자동 채점 / autograder: 5 / 5 ✔" in out and "[PASS] TODO 4 TwoLayerFC: 레이어 (fc1, fc2) / layers" in out


def test_some_checks_failed_gives_partial_credit(folder, monkeypatch, capsys) -> None:
    _fake(monkeypatch, failing=("train_mode",))
    assert check("image_classification", "train_updates", "train_mode", "train_device") == 6.0
    out = capsys.readouterr().out
    assert "6 / 7 (부분 점수 / partial credit)" in out
    assert "[FAIL] TODO 6 train: 모델이 학습(train) 모드 / the model is in training mode" in out
    assert "'train_mode' differs. A hint." in out


def test_autograder_lang_chooses_the_language_of_the_grade_cells(folder, monkeypatch, capsys) -> None:
    _fake(monkeypatch, failing=("train_mode",))
    monkeypatch.setenv("AUTOGRADER_LANG", "en")
    check("image_classification", "train_updates", "train_mode", "train_device")
    out = capsys.readouterr().out
    assert "autograder: 6 / 7 (partial credit)" in out and "[FAIL] TODO 6 train: the model is in training mode" in out
    assert not any("\uac00" <= c <= "\ud7a3" for c in out)
    notebook.clear_cache()
    monkeypatch.setenv("AUTOGRADER_LANG", "ko")
    with pytest.raises(CheckFailed, match="모델이 학습\\(train\\) 모드") as caught:
        check("image_classification", "train_mode")
    assert "training mode" not in caught.value.message and "자동 채점: 0 / 1" in caught.value.message
    monkeypatch.setenv("AUTOGRADER_LANG", "klingon")
    with pytest.raises(ValueError, match="ko\\+en"):
        check("image_classification", "train_mode")


def test_no_check_passed_raises_with_the_messages_only(folder, monkeypatch) -> None:
    _fake(monkeypatch, failing=("arithmetic",))
    with pytest.raises(CheckFailed) as caught:
        check("pytorch_tensor", "arithmetic")
    assert isinstance(caught.value, AssertionError)
    lines = caught.value._render_traceback_()
    assert "CheckFailed" in lines[0] and "0 / 2" in lines[0]
    assert any("'arithmetic' differs. A hint." in line for line in lines)


def test_ipython_shows_no_code_for_a_failed_check(folder, monkeypatch, capsys) -> None:
    """The error output of a failed grade cell holds the messages, not the cell's (hidden) code."""
    from IPython.core.interactiveshell import InteractiveShell

    _fake(monkeypatch, failing=("arithmetic",))
    shell = InteractiveShell.instance()
    try:
        result = shell.run_cell('from autograder.notebook import check\ncheck("pytorch_tensor", "arithmetic")  # SECRET')
    finally:
        InteractiveShell.clear_instance()
    assert isinstance(result.error_in_exec, CheckFailed)
    out = capsys.readouterr().out
    assert "'arithmetic' differs" in out and "SECRET" not in out and 'check("pytorch_tensor"' not in out


def test_grader_errors_are_marked(folder, monkeypatch) -> None:
    _fake(monkeypatch, broken=("mean",))
    with pytest.raises(CheckFailed, match=GRADER_ERROR):
        check("pytorch_tensor", "mean")

    def cannot_grade(**kwargs: Any) -> GradeReport:
        raise GradingError("CIFAR-10 is needed for the accuracy checks and could not be loaded", exit_code=3)

    monkeypatch.setattr(notebook, "grade_submission", cannot_grade)
    with pytest.raises(CheckFailed, match=f"{GRADER_ERROR}: 제출물을 채점할 수 없었습니다: / the submission could not be graded: CIFAR-10"):
        check("image_classification", "fc_accuracy")

    def interrupted(**kwargs: Any) -> GradeReport:
        raise KeyboardInterrupt

    monkeypatch.setattr(notebook, "grade_submission", interrupted)
    with pytest.raises(CheckFailed, match="interrupted"):
        check("image_classification", "conv_accuracy")


def test_a_folder_without_the_module_is_the_students_fault(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(__import__("sys").modules, "tensor_basics", raising=False)
    notebook.clear_cache()
    with pytest.raises(CheckFailed, match="could not be graded: .* holds no tensor_basics.py") as caught:
        check("pytorch_tensor", "mean")
    assert GRADER_ERROR not in caught.value.message


def test_a_misnamed_check_is_a_grader_error(folder, monkeypatch) -> None:
    _fake(monkeypatch)
    with pytest.raises(CheckFailed, match=f"{GRADER_ERROR}: .* pytorch_tensor has no check 'zeros'"):
        check("pytorch_tensor", "zeros")
    with pytest.raises(CheckFailed, match="unknown assignment"):
        check("tensors", "zeros_and_ones")


def test_the_fast_checks_are_graded_once_and_each_training_check_alone(folder, monkeypatch) -> None:
    fake = _fake(monkeypatch)
    check("image_classification", "transform")
    check("image_classification", "unnormalize")
    check("image_classification", "train_updates", "train_mode", "train_device")
    assert len(fake.calls) == 1
    fast = {c.name for c in checks_for("image_classification") if c.timeout != "train"}
    assert set(fake.calls[0][1]) == fast and fake.calls[0][0] == str(folder)
    check("image_classification", "fc_accuracy")
    check("image_classification", "conv_accuracy")
    assert [call[1] for call in fake.calls[1:]] == [("fc_accuracy",), ("conv_accuracy",)]
    check("image_classification", "fc_accuracy")
    assert len(fake.calls) == 3
    (folder / "classifier.py").write_text("x = 2\n", encoding="utf-8")  # the student's module changed
    check("image_classification", "transform")
    assert len(fake.calls) == 4


def test_skipped_checks_earn_nothing(folder, monkeypatch, capsys) -> None:
    fake = _fake(monkeypatch)
    monkeypatch.setenv("AUTOGRADER_SKIP", "fc_accuracy, conv_accuracy")
    with pytest.raises(CheckFailed, match="AUTOGRADER_SKIP"):
        check("image_classification", "fc_accuracy")
    assert fake.calls == []
    check("image_classification", "transform")
    assert "fc_accuracy" not in fake.calls[0][1] and "conv_accuracy" not in fake.calls[0][1]


def test_the_folder_is_where_the_module_was_imported_from(tmp_path, monkeypatch) -> None:
    import sys
    import types

    student = tmp_path / "student"
    student.mkdir()
    (student / "tensor_basics.py").write_text("x = 1\n", encoding="utf-8")
    module = types.ModuleType("tensor_basics")
    module.__file__ = str(student / "tensor_basics.py")
    monkeypatch.setitem(sys.modules, "tensor_basics", module)
    monkeypatch.chdir(tmp_path)  # the notebook changed the working folder
    assert notebook.submission_folder("pytorch_tensor") == student.resolve()
    monkeypatch.delitem(sys.modules, "tensor_basics")
    with pytest.raises(GradingError, match="holds no tensor_basics.py"):
        notebook.submission_folder("pytorch_tensor")


def test_real_grading_of_the_answer_key_and_the_starter_code(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("AUTOGRADER_SKIP", raising=False)
    for base in ("solutions", "release"):
        shutil.copytree(REPO / base / "pytorch_tensor", tmp_path / base)
    notebook.clear_cache()
    monkeypatch.chdir(tmp_path / "solutions")
    assert check("pytorch_tensor", "gradient_descent") is None
    assert "4 / 4 ✔" in capsys.readouterr().out
    monkeypatch.chdir(tmp_path / "release")
    with pytest.raises(CheckFailed, match="TODO not done: make_zeros_and_ones: TODO 1"):
        check("pytorch_tensor", "zeros_and_ones")
    notebook.clear_cache()

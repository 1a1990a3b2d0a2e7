"""What a new instructor or student meets first: browser-renamed modules, refusals that say what was found and
what the assignment is worth, help texts that say CPU time, the end of a class batch that says who got what."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.course.tables import class_lines
from autograder.grade import grade_or_report
from autograder.grade.layout import find_assignments, near_miss_modules

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["tensor_basics (1).py", "tensor_basics(2).py", "Tensor_Basics.py",
                                  "tensor_basics copy.py", "tensor_basics.py.txt", "tensor_basics-1.py"])
def test_a_browser_renamed_module_is_graded_with_a_note(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "pytorch_tensor"
    folder.mkdir()
    shutil.copyfile(REPO / "solutions" / "pytorch_tensor" / "tensor_basics.py", folder / name)
    notes: list[str] = []
    found = find_assignments(tmp_path, "pytorch_tensor", notes=notes)
    assert found == {"pytorch_tensor": folder} and (folder / "tensor_basics.py").is_file()
    assert len(notes) == 1 and name in notes[0] and "tensor_basics.py" in notes[0]


def test_two_candidates_are_ambiguous_and_the_refusal_says_what_was_found_and_the_maximum(tmp_path: Path) -> None:
    folder = tmp_path / "pytorch_tensor"
    folder.mkdir()
    for name in ("tensor_basics (1).py", "tensor_basics (2).py"):
        (folder / name).write_text("x = 1\n", encoding="utf-8")
    assert len(near_miss_modules(folder, "tensor_basics")) == 2
    report = grade_or_report(submission=folder, assignment="pytorch_tensor")
    assert report.exit_code == 2 and report.score == 0 and report.max_score == 30
    assert "tensor_basics (1).py" in report.refusal and "tensor_basics (2).py" in report.refusal
    assert "0 / 30" in report.to_text() and report.to_gradescope()["max_score"] == 30


def test_help_says_cpu_time_and_archives() -> None:
    text = CliRunner().invoke(main, ["grade", "--help"]).output
    assert "archive" in text and "CPU time of one check" in text and "Wall time of one check" not in text
    text = CliRunner().invoke(main, ["grade-all", "--help"]).output
    assert "--threads" in text and "--check-seconds" in text and "--memory-mib" in text


def test_the_end_of_a_batch_says_who_got_what(tmp_path: Path) -> None:
    records = [
        {"student": "kim", "exit_code": 0, "assignment": "pytorch_tensor", "max_score": 30,
         "checks": [{"assignment": "pytorch_tensor", "name": "mean", "points": 30, "score": 28.5, "status": "failed"}]},
        {"student": "이민지", "exit_code": 2, "assignment": "pytorch_tensor", "max_score": 30, "checks": []},
        {"student": "park\n[PASS]", "exit_code": 4, "assignment": "", "max_score": 0, "checks": []},
    ]
    lines = class_lines(records, out=tmp_path, language="en")
    text = "\n".join(lines)
    assert "28.5 / 30" in text and "0 / 30" in text and "refused" in text and "grader error" in text
    assert "3 students: 1 graded, 0 held for review, 1 refused, 1 grader errors" in text
    assert not any(line.startswith("[PASS]") for line in lines)  # a student's name stays on its own line
    assert str(tmp_path / "grades.csv") in text


def test_a_hint_fits_the_failure() -> None:
    """A check can give a hint by failure: the student whose transpose raised is not told that reshape does not
    transpose (it never returned a value), the one whose values are wrong is; a plain hint fits every failure."""
    import numpy as np

    from autograder.assignments.pytorch_tensor.checks import transpose
    from autograder.run.values import ErrorValue, TensorValue

    key = "matrix_transpose(m)"
    expected = {key: TensorValue(np.arange(6.0).reshape(3, 2), "ndarray", "float64")}
    reshaped = {key: TensorValue(np.arange(6.0).reshape(3, 2) + 1, "ndarray", "float64")}
    raised = {key: ErrorValue("RuntimeError", "boom", "tensor_basics.py:3 in matrix_transpose")}
    assert "reshape does not transpose" in transpose.grade(reshaped, expected).message
    message = transpose.grade(raised, expected).message
    assert "reshape does not transpose" not in message and "RuntimeError" in message and "a.T" in message


def test_one_py_file_per_student_named_after_the_student_is_the_module(tmp_path: Path) -> None:
    """grade-all's documented layout 'a single .py file per student': kim2024.py is the module it defines."""
    (tmp_path / "kim2024").mkdir()
    shutil.copyfile(REPO / "solutions" / "pytorch_tensor" / "tensor_basics.py", tmp_path / "kim2024" / "kim2024.py")
    notes: list[str] = []
    assert find_assignments(tmp_path / "kim2024", None, notes=notes) == {"pytorch_tensor": tmp_path / "kim2024"}
    assert "kim2024.py" in notes[0]
    (tmp_path / "lee").mkdir()
    (tmp_path / "lee" / "lee.py").write_text("def something_else():\n    pass\n", encoding="utf-8")
    with pytest.raises(Exception, match="lee.py"):  # not the module: refused, naming what was found
        find_assignments(tmp_path / "lee", None)


def test_names_that_collide_as_folders_are_said_and_kept_apart(tmp_path: Path) -> None:
    import unicodedata

    from autograder.course.discover import find_students

    for name in ("kim lee", "kim_lee", unicodedata.normalize("NFD", "김민지"), unicodedata.normalize("NFD", "박서준")):
        (tmp_path / "class" / name).mkdir(parents=True)
    found = find_students(tmp_path / "class", scratch=tmp_path / "scratch")
    names = {unicodedata.normalize("NFC", work.entry): work.student for work in found.students}
    assert names["김민지"] == "김민지" and names["박서준"] == "박서준"  # NFC, not "student" and "student-2"
    assert sorted([names["kim lee"], names["kim_lee"]]) == ["kim_lee", "kim_lee~2"]  # "~": no entry's folder has it
    assert len(found.collisions) == 1 and "kim lee" in found.collisions[0] and "kim_lee" in found.collisions[0]

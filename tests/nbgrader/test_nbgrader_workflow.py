"""The instructor's nbgrader workflow end to end: the real nbgrader commands on a copy of the course folder,
a real gradebook, and the same submissions graded by `autograder grade`.

    nbgrader db student import / db assignment add -> generate_assignment -> (students' submissions in
    submitted/<student>/<assignment>/) -> autograde -> generate_feedback -> export (CSV)

Students: `perfect` (solutions/), `starter` (release/, untouched) and `mistakes`: two mistakes per
assignment made by text edits of the solutions' modules (the edits of tests/grade/submissions/<name>/
example.toml), one costing a whole grade cell, one costing part of a cell (nbgrader's partial credit).
The notebooks run in quick mode (COURSE_QUICK_RUN=1: the notebooks' own training cells use 512 images);
the accuracy checks always train on the full CIFAR-10 in the grader's sandbox, so they run for `perfect`
(for real: both models trained by the student's train()) and `starter` (fails at once) and are left out
(AUTOGRADER_SKIP, `autograder grade --skip`) for `mistakes`; `autograder grade` leaves them out for `perfect`
too (trained once, by autograde; the gradebook must show their full points). Everything is one test, so that pytest-xdist
does not run the flow twice. The answer key's results come from the session's cache (the `trained_reference_cache`
fixture), trained once for every test. About 3.5 minutes on 2 idle cores (each step's time is printed on stderr).
"""
from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from autograder.assignments import get_assignment
from autograder.assign import build_all, find_marker_text
from autograder.assign.build import diff_trees
from autograder.notebook import grade_cells
from tests.suite import SUITE_THREADS
from tests.nbgrader.course import copy_course, nbgrader_env

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = {"pytorch_tensor": "tensor_basics.py", "image_classification": "classifier.py"}
ACCURACY = ("fc_accuracy", "conv_accuracy")

# The student `mistakes`: (file, old, new) edits as in tests/grade/submissions/<example>/example.toml.
MISTAKES = {
    "pytorch_tensor": [
        # failsMatrixProductElementwise: check arithmetic, matrix_product's fifth of grade_arithmetic's 2 points
        ("tensor_basics.py", "    return a @ b\n", "    return a * b\n"),
        # failsGradientNotReset: check gradient_descent, the whole cell grade_gradient_descent
        ("tensor_basics.py", "        w.grad.zero_()\n        b.grad.zero_()\n", ""),
    ],
    "image_classification": [
        # failsTrainNoTrainMode: check train_mode, 1 of grade_train's 7 points (partial credit)
        ("classifier.py", "    model.train()  # 학습 모드 / training mode\n", ""),
        # failsFcMissingRelu: check fc_forward, 2 of grade_two_layer_fc's 5 points (partial credit)
        ("classifier.py", "        x = self.relu(self.fc1(x))  # (N, hidden_size)\n", "        x = self.fc1(x)\n"),
    ],
}
STUDENTS = ("perfect", "starter", "mistakes")
WITH_ACCURACY = ("perfect", "starter")
# What `mistakes` loses per grade cell (the rest is full marks, skipped accuracy checks aside).
LOST = {"pytorch_tensor": {"grade_arithmetic": 0.4, "grade_gradient_descent": 4},
        "image_classification": {"grade_train": 1, "grade_two_layer_fc": 2}}


def _run(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 1800) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(args[1:])} failed ({done.returncode}):\n{output[-6000:]}"
    return output


def _nbgrader(course: Path, env: dict[str, str], *args: str) -> str:
    started = time.monotonic()
    output = _run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env)
    print(f"[{time.monotonic() - started:6.1f} s] nbgrader {' '.join(args[:3])}", file=sys.stderr)
    return output


def _make_submission(course: Path, student: str, assignment: str) -> Path:
    base = "release" if student == "starter" else "solutions"
    target = course / "submitted" / student / assignment
    shutil.copytree(course / base / assignment, target, ignore=shutil.ignore_patterns("__pycache__"))
    for name, old, new in MISTAKES[assignment] if student == "mistakes" else ():
        text = (target / name).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{student}/{assignment}: the edit's text is not in {name} exactly once"
        (target / name).write_text(text.replace(old, new), encoding="utf-8")
    return target


def _autograder_grade(folder: Path, assignment: str, skip: tuple[str, ...], *, solutions: Path,
                      env: dict[str, str], results: Path) -> dict[str, Any]:
    """`autograder grade` on the submitted folder: its results.json."""
    args = [sys.executable, "-m", "autograder", "grade", str(folder), "--assignment", assignment,
            "--solutions", str(solutions), "--results", str(results), "--threads", str(SUITE_THREADS)]
    for name in skip:
        args += ["--skip", name]
    started = time.monotonic()
    _run(args, cwd=folder, env=env)
    print(f"[{time.monotonic() - started:6.1f} s] autograder grade {folder.parent.name}/{assignment}", file=sys.stderr)
    return json.loads(results.read_text(encoding="utf-8"))


def _check_scores(results: dict[str, Any]) -> dict[str, float]:
    return {test["tags"][1]: float(test["score"]) for test in results["tests"]}


def _visible_text(path: Path) -> str:
    """The text a browser shows for an HTML file (tags removed, entities decoded)."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def test_instructor_workflow_end_to_end(tmp_path: Path, cifar10_root: Path, trained_reference_cache: Path) -> None:
    started = time.monotonic()
    course = copy_course(tmp_path / "course")
    # the session's answer-key results (trained once for every test), for nbgrader's grader and the CLI alike
    env = {**nbgrader_env(cifar10_root), "AUTOGRADER_CACHE": str(trained_reference_cache)}

    # --- the gradebook: students and assignments --------------------------------------------------
    (tmp_path / "students.csv").write_text("id,last_name,first_name,email\n" + "".join(
        f"{s},{s.capitalize()},Student,{s}@example.org\n" for s in STUDENTS), encoding="utf-8")
    _nbgrader(course, env, "db", "student", "import", str(tmp_path / "students.csv"))
    for assignment in ASSIGNMENTS:
        _nbgrader(course, env, "db", "assignment", "add", assignment)

    # --- generate_assignment: the project's build, byte for byte, and no solution in a module ------
    for assignment in ASSIGNMENTS:
        _nbgrader(course, env, "generate_assignment", assignment)  # over the existing release/ (force is set)
    ours = tmp_path / "build"
    build_all(source_dir=course / "source", release_dir=ours / "release", solutions_dir=ours / "solutions")
    assert diff_trees(ours / "release", course / "release") == [], "nbgrader's release differs from the build"
    assert find_marker_text(course / "release") == []
    stub_text = (course / "release" / "pytorch_tensor" / "tensor_basics.py").read_text(encoding="utf-8")
    assert "raise NotImplementedError(" in stub_text and "return a @ b" not in stub_text
    assert "optimizer.zero_grad()\n" not in (course / "release" / "image_classification" / "classifier.py").read_text(
        encoding="utf-8")

    # --- the students' submissions, autograded ------------------------------------------------------
    submitted = {(s, a): _make_submission(course, s, a) for s in STUDENTS for a in ASSIGNMENTS}
    skips = {(s, a): () if (a == "pytorch_tensor" or s in WITH_ACCURACY) else ACCURACY for s, a in submitted}
    _nbgrader(course, env, "autograde", "pytorch_tensor")
    others = ",".join(s for s in STUDENTS if s not in WITH_ACCURACY)
    _nbgrader(course, env, "autograde", "image_classification", f"--CourseDirectory.student_id_exclude={others}")
    log = _nbgrader(course, {**env, "AUTOGRADER_SKIP": ",".join(ACCURACY)}, "autograde", "image_classification")
    assert "Skipping existing assignment" in log  # the students graded with the accuracy checks stay as they are

    # --- `autograder grade` on the same submitted folders (the answer key's results are cached by now) ---
    # The perfect submission's models were trained once, by autograde; the CLI leaves its accuracy checks out
    # (`full_in_gradebook`), and the gradebook must show their full points.
    full_in_gradebook = {("perfect", "image_classification"): ACCURACY}
    cli_skips = {key: skips[key] + full_in_gradebook.get(key, ()) for key in submitted}
    autograder_results = {
        key: _autograder_grade(folder, key[1], cli_skips[key], solutions=course / "solutions", env=env,
                               results=tmp_path / f"results-{key[0]}-{key[1]}.json")
        for key, folder in submitted.items()
    }

    # --- the gradebook: points per cell and totals, against autograder grade's checks -----------------
    from nbgrader.api import Gradebook

    cells = {a: grade_cells(nbformat.read(course / "source" / a / f"{a}.ipynb", as_version=4)) for a in ASSIGNMENTS}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for (student, assignment), results in autograder_results.items():
            notebook = gb.find_submission_notebook(assignment, assignment, student)
            got = {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}
            checks = _check_scores(results)
            lost = LOST[assignment] if student == "mistakes" else {}
            for cell in cells[assignment]:
                score, max_score = got[cell.grade_id]
                assert max_score == cell.points
                if cell.assignment is None:  # the notebook-only loss-curve cell: 0 points by design
                    assert max_score == 0
                    continue
                graded_by_nbgrader_only = set(full_in_gradebook.get((student, assignment), ()))
                agreed = sum(get_assignment(assignment).points[name] if name in graded_by_nbgrader_only else checks.get(name, 0.0)
                             for name in cell.checks)
                assert score == pytest.approx(agreed), (student, assignment, cell.grade_id, score, agreed)
                skipped = set(cell.checks) & set(skips[(student, assignment)])
                if student == "starter":
                    expected = 0.0
                elif skipped:
                    expected = 0.0  # left out: nothing earned in nbgrader, not counted by autograder grade
                else:
                    expected = cell.points - lost.get(cell.grade_id, 0)
                assert score == pytest.approx(expected), (student, assignment, cell.grade_id, score, expected)
            total = gb.find_submission(assignment, student)
            full = sum(get_assignment(assignment).points[c] for c in full_in_gradebook.get((student, assignment), ()))
            assert total.score == pytest.approx(results["score"] + full), (student, assignment, total.score,
                                                                          results["score"])
            assert total.max_score == sum(get_assignment(assignment).points.values())
            assert results["max_score"] == total.max_score - sum(get_assignment(assignment).points[c]
                                                                 for c in cli_skips[(student, assignment)])

    # partial credit really happened (a cell with some of its checks failed scores between 0 and its points)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_grade("grade_train", "image_classification", "image_classification", "mistakes").score == 6
        assert gb.find_grade("grade_two_layer_fc", "image_classification", "image_classification", "mistakes").score == 3
        assert gb.find_submission("image_classification", "perfect").score == 45
        assert gb.find_submission("pytorch_tensor", "perfect").score == 30

    # the 0-point loss-curve cell ran: it passes for the perfect submission, fails for the starter
    for student, passes in (("perfect", True), ("starter", False)):
        nb = nbformat.read(course / "autograded" / student / "pytorch_tensor" / "pytorch_tensor.ipynb", as_version=4)
        cell = next(c for c in nb.cells if c.get("id") == "test_loss_curve")
        assert (not any(o.output_type == "error" for o in cell.outputs)) == passes

    # the notebook's own training cells keep a readable text progress bar in the autograded notebook (the
    # final state of each bar; nbgrader_config's coalesce_streams), not a blank widget or every redraw
    nb = nbformat.read(course / "autograded" / "perfect" / "image_classification" / "image_classification.ipynb",
                       as_version=4)
    run_fc = next(c for c in nb.cells if c.get("id") == "run-fc")
    shown = "".join(o.get("text", "") for o in run_fc.outputs if o.output_type == "stream")
    assert "epoch 1 train: 100%|" in shown and "\r" not in shown, shown[:500]
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in run_fc.outputs)

    # --- feedback: per-cell results and messages, no hidden-test code ---------------------------------
    for assignment in ASSIGNMENTS:
        _nbgrader(course, env, "generate_feedback", assignment)
    for student in STUDENTS:
        for assignment in ASSIGNMENTS:
            page = course / "feedback" / student / assignment / f"{assignment}.html"
            text = _visible_text(page)
            for hidden in ("HIDDEN TESTS", "autograder.notebook", f'check("{assignment}"', "import check"):
                assert hidden not in text, f"{page}: shows hidden-test code ({hidden!r})"
            assert "# 채점 / graded" in text and "자동 채점 / autograder" in text, page
            # the table of contents names each graded cell by its TODOs; long lines wrap
            toc = page.read_text(encoding="utf-8").split("<div id=\"toc\">", 1)[1].split("</div>", 1)[0]
            assert "Test cell" not in toc and "TODO 1 " in toc and "점수 / Score" in toc, toc[:500]
            assert "white-space: pre-wrap" in page.read_text(encoding="utf-8")
            if student == "starter":
                assert "TODO not done" in text, page
    assert "Call model.train()" in _visible_text(
        course / "feedback" / "mistakes" / "image_classification" / "image_classification.html")
    # the accuracy cells show their pictures: loss curves, confusion matrix, misclassified images
    # (`mistakes` skips the accuracy checks; its notebook's own figures are the same as `perfect`'s)
    images = {student: (course / "feedback" / student / "image_classification" / "image_classification.html")
              .read_text("utf-8").count("data:image/png;base64,") for student in ("perfect", "mistakes")}
    assert images["perfect"] - images["mistakes"] == 6, images  # 3 pictures for each of the 2 accuracy cells

    # --- export: the grades as CSV ------------------------------------------------------------------
    _nbgrader(course, env, "export", "--to", str(tmp_path / "grades.csv"))
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {(row["student_id"], row["assignment"]): row for row in csv.DictReader(handle)}
    assert set(rows) == set(submitted)
    for key, results in autograder_results.items():
        full = sum(get_assignment(key[1]).points[c] for c in full_in_gradebook.get(key, ()))
        assert float(rows[key]["score"]) == pytest.approx(results["score"] + full), key
        assert float(rows[key]["max_score"]) == sum(get_assignment(key[1]).points.values())

    print(f"[{time.monotonic() - started:6.1f} s] the whole workflow", file=sys.stderr)

"""nbgrader's traps, with the real commands on a small course that uses the project's nbgrader_config.py.

* A grade cell that prints warnings (Python, PyTorch), a tqdm bar and plain text on stderr keeps its points
  (and the same cell scores 0 under nbgrader's own rule, with IgnorePattern turned off).
* `generate_assignment` refuses to release marker text that the project's build would not replace
  (here in a hidden file, which nbgrader copies and the build skips): the command fails and no release
  folder is left.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.assign import build_all

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

WARNING_CELL = """\
import sys
import warnings

import numpy as np
import torch
from tqdm import tqdm

warnings.warn("a Python warning on stderr", UserWarning)
array = np.arange(3.0)
array.setflags(write=False)
torch.from_numpy(array)  # PyTorch: UserWarning, the array is not writable
for _ in tqdm(range(3), file=sys.stderr):  # a progress bar on stderr
    pass
print("plain text on stderr", file=sys.stderr)
assert helper.answer() == 42, "visible test"
### BEGIN HIDDEN TESTS
assert helper.answer() + 1 == 43
### END HIDDEN TESTS"""


def _meta(grade_id: str, *, grade: bool, points: int | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": True, "schema_version": 3, "solution": False, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _course(tmp_path: Path, *, hidden_file: bool = False) -> Path:
    course = tmp_path / "course"
    source = course / "source" / "warn"
    source.mkdir(parents=True)
    shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    (source / "helper.py").write_text(
        "def answer():\n    # TODO 1: the answer / 답\n    ### BEGIN SOLUTION\n    return 42\n    ### END SOLUTION\n",
        encoding="utf-8")
    if hidden_file:
        (source / ".notes.py").write_text("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import helper", id="setup", metadata=_meta("setup", grade=False)),
        nbformat.v4.new_code_cell(WARNING_CELL, id="warns", metadata=_meta("warns", grade=True, points=3)),
        nbformat.v4.new_code_cell("assert helper.answer() == 41, 'a failing test still scores 0'", id="fails",
                                  metadata=_meta("fails", grade=True, points=1)),
    ])
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(nb, source / "warn.ipynb")
    build_all(source_dir=course / "source", release_dir=course / "release", solutions_dir=course / "solutions")
    return course


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    for name in ("AUTOGRADER_SOLUTIONS", "MPLBACKEND"):
        env.pop(name, None)
    return env


def _nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=_env(), capture_output=True,
                          text=True, timeout=600)
    if check:
        assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    return done


def _scores(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook("warn", "warn", "student")
        return {grade.name: grade.score for grade in notebook.grades}


def test_stderr_in_a_grade_cell_does_not_cost_points(tmp_path: Path) -> None:
    course = _course(tmp_path)
    _nbgrader(course, "generate_assignment", "warn")
    submission = course / "submitted" / "student" / "warn"
    shutil.copytree(course / "solutions" / "warn", submission)

    _nbgrader(course, "autograde", "warn")
    autograded = nbformat.read(course / "autograded" / "student" / "warn" / "warn.ipynb", as_version=4)
    assert _scores(course) == {"warns": 3.0, "fails": 0.0}
    warns = next(c for c in autograded.cells if c.get("id") == "warns")
    assert not [o for o in warns.outputs if o.get("name") == "stderr"]  # dropped before the grades were saved

    # The trap itself: the same cell under nbgrader's rule (any stderr output is a failure) scores 0.
    _nbgrader(course, "autograde", "warn", "--force", "--IgnorePattern.enabled=False")
    assert _scores(course) == {"warns": 0.0, "fails": 0.0}
    autograded = nbformat.read(course / "autograded" / "student" / "warn" / "warn.ipynb", as_version=4)
    warns = next(c for c in autograded.cells if c.get("id") == "warns")
    stderr = "".join(o.get("text", "") for o in warns.outputs if o.get("name") == "stderr")
    assert "UserWarning" in stderr and "plain text on stderr" in stderr


def test_generate_assignment_refuses_marker_text_the_build_does_not_replace(tmp_path: Path) -> None:
    course = _course(tmp_path, hidden_file=True)
    done = _nbgrader(course, "generate_assignment", "warn", check=False)
    assert done.returncode != 0
    assert "solution markers left in the release" in done.stdout + done.stderr
    assert not (course / "release" / "warn").exists(), "nbgrader removes the half-made release folder"

    (course / "source" / "warn" / ".notes.py").unlink()
    _nbgrader(course, "generate_assignment", "warn")
    released = (course / "release" / "warn" / "helper.py").read_text(encoding="utf-8")
    assert "return 42" not in released and "raise NotImplementedError" in released

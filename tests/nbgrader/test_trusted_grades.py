"""nbgrader scores that cannot be forged from the student's kernel (TrustedGrades, TolerantExecute).

Hostile notebooks, each under the real `nbgrader autograde` with a real gradebook: a patched `check`, patched
builtins and numpy, `os._exit` in a cell, a cell that rewrites the module file after it was imported, an
edited grade cell and a deleted one, a cell that copies the answer key over the student's own submitted
module, one that overwrites every classmate's submitted module with the starter code, a copy-pasted grade
cell and a cell marked with a grade id the gradebook does not know. Each student's nbgrader total must equal
`autograder grade` of the module the student handed in (the golden totals below say which that is), and
nothing outside the student's own autograded copy changes (the submitted folders, the answer key)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.grade import grade_submission
from autograder.nbgrader_support import _outputs
from autograder.notebook import DEFER_ENV, check
from tests.nbgrader.course import copy_course, nbgrader_env

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "pytorch_tensor"
KEY = (REPO / "solutions" / ASSIGNMENT / "tensor_basics.py").read_text(encoding="utf-8")

# student: (module handed in, code cell put after the notebook's setup cell, golden nbgrader total)
HOSTILE = {
    "patchedCheck": ("release", "import autograder.notebook as n\nn.check = lambda *a, **k: None\n", 0),
    "patchedBuiltins": ("mistake", "import builtins, numpy\nnumpy.allclose = lambda *a, **k: True\n"
                        "numpy.array_equal = lambda *a, **k: True\nbuiltins.AssertionError = type('X', (Exception,), {})\n",
                        29.6),  # matrix_product wrong: its fifth of arithmetic's 2 points lost
    "exitsKernel": ("solutions", "import os\nos._exit(0)\n", 30),
    "rewritesModule": ("release", f"open('tensor_basics.py', 'w').write({KEY!r})\nimport importlib\n"
                       "importlib.reload(tb)\n", 0),
    "editsGradeCell": ("release", None, 0),
    "deletesGradeCell": ("solutions", None, 30),
    # The kernel is confined: the course folder (submitted/, solutions/, gradebook.db) is not there to write.
    "stealsAnswerKey": ("release", "import glob, os, shutil\nkeys = glob.glob('../../../solutions/*/tensor_basics.py') + "
                        "glob.glob(os.environ.get('AUTOGRADER_SOLUTIONS', '/nowhere') + '/*/tensor_basics.py')\n"
                        "for key in keys:\n    shutil.copy(key, '../../../submitted/stealsAnswerKey/pytorch_tensor/')\n"
                        "    shutil.copy(key, 'tensor_basics.py')\n", 0),
    "overwritesClassmates": ("release", "import glob, shutil\nfor f in glob.glob('../../../submitted/*/*/tensor_basics.py')"
                             ":\n    shutil.copy('tensor_basics.py', f)\nopen('../../../gradebook.db', 'w').write('gone')\n",
                             0),
    "victimClassmate": ("solutions", None, 30),  # graded after overwritesClassmates
    "pastesGradeCell": ("solutions", None, 30),
    "inventsGradeCell": ("solutions", None, 30),
}


def test_outputs_are_scored_by_nbgrader_as_the_trusted_result() -> None:
    from nbgrader.utils import determine_grade

    def scored(verdict: str, score: float) -> float:
        cell = nbformat.v4.new_code_cell("pass")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": "g", "points": 5, "solution": False, "locked": True}
        cell.outputs = _outputs(verdict, "자동 채점 / autograder: 3 / 5\n  [FAIL] x", score=score)
        return determine_grade(cell)[0]

    assert scored("full", 5) == 5 and scored("partial", 3) == 3 and scored("none", 0) == 0


def test_the_accuracy_pictures_are_shown_and_change_no_grade() -> None:
    from nbgrader.utils import determine_grade

    pictures = [("학습 손실 / training loss", b"\x89PNG fake"), ("혼동 행렬 / confusion matrix", b"\x89PNG fake")]
    for verdict, score, expected in (("full", 5, 5), ("partial", 3, 3), ("none", 0, 0)):
        cell = nbformat.v4.new_code_cell("pass")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": "g", "points": 5, "solution": False, "locked": True}
        cell.outputs = _outputs(verdict, "자동 채점 / autograder", score=score, pictures=pictures)
        images = [o for o in cell.outputs if o.output_type == "display_data"]
        assert [o.data["text/plain"] for o in images] == [caption for caption, _ in pictures]
        assert determine_grade(cell)[0] == expected


def test_the_kernels_check_defers_to_the_trusted_grader(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv(DEFER_ENV, "1")
    assert check(ASSIGNMENT, "zeros_and_ones") is None  # no grading in the kernel: the result is set afterwards
    assert "trusted grader" in capsys.readouterr().out


def _notebook(student: str, cell_code: str | None) -> nbformat.NotebookNode:
    nb = nbformat.read(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    if cell_code is not None:
        index = next(i for i, c in enumerate(nb.cells) if c.get("id") == "setup") + 1
        cell = nbformat.v4.new_code_cell(cell_code)
        cell.id = f"hostile-{student.lower()}"
        nb.cells.insert(index, cell)
    if student == "editsGradeCell":
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
                cell.source = "pass  # nothing to fail"
    if student == "deletesGradeCell":
        nb.cells = [c for c in nb.cells if c.get("id") != "grade_arithmetic"]
    if student in ("pastesGradeCell", "inventsGradeCell"):  # Jupyter's copy and paste: same metadata, new cell id
        index = next(i for i, c in enumerate(nb.cells) if c.get("id") == "grade_arithmetic")
        pasted = nbformat.from_dict(json.loads(json.dumps(nb.cells[index])))
        pasted.id = "pasted-grade-cell"
        if student == "inventsGradeCell":
            pasted.metadata.nbgrader["grade_id"] = "my_own_test"
        nb.cells.insert(index + 1, pasted)
    return nb


@pytest.mark.slow
def test_hostile_notebooks_get_the_same_total_as_autograder_grade(tmp_path: Path, cifar10_root: Path) -> None:
    course = copy_course(tmp_path / "course")
    env = nbgrader_env(cifar10_root)

    def nbgrader(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                              text=True, timeout=1800)
        assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{(done.stdout + done.stderr)[-6000:]}"
        return done.stdout + done.stderr

    for student in HOSTILE:
        nbgrader("db", "student", "add", student, "--last-name", student, "--first-name", "Hostile")
    nbgrader("db", "assignment", "add", ASSIGNMENT)
    nbgrader("generate_assignment", ASSIGNMENT)
    handed_in = {}
    for student, (module, cell_code, _total) in HOSTILE.items():
        folder = course / "submitted" / student / ASSIGNMENT
        shutil.copytree(course / "release" / ASSIGNMENT, folder)
        text = KEY if module != "release" else (course / "release" / ASSIGNMENT / "tensor_basics.py").read_text("utf-8")
        if module == "mistake":
            text = text.replace("    return a @ b\n", "    return a * b\n")
        (folder / "tensor_basics.py").write_text(text, encoding="utf-8")
        nbformat.write(_notebook(student, cell_code), folder / f"{ASSIGNMENT}.ipynb")
        handed_in[student] = tmp_path / "handed-in" / student
        shutil.copytree(folder, handed_in[student])  # what autograder grade gets: the files as handed in
    answer_key = {p: p.read_bytes() for p in sorted((course / "solutions").rglob("*")) if p.is_file()}
    nbgrader("autograde", ASSIGNMENT)
    for student, (module, _cell, _total) in HOSTILE.items():  # nothing the kernels did reached these folders
        folder = course / "submitted" / student / ASSIGNMENT
        assert (folder / "tensor_basics.py").read_bytes() == (handed_in[student] / "tensor_basics.py").read_bytes(), student
    assert {p: p.read_bytes() for p in sorted((course / "solutions").rglob("*")) if p.is_file()} == answer_key

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        totals = {s: gb.find_submission(ASSIGNMENT, s).score for s in HOSTILE}
    for student, (_module, _cell, golden) in HOSTILE.items():
        report = grade_submission(submission=handed_in[student], assignment=ASSIGNMENT,
                                  solutions_dir=REPO / "solutions", cache_dir=tmp_path / "cache")
        assert report.score == golden, f"{student}: autograder grade gave {report.score}, golden {golden}"
        assert totals[student] == pytest.approx(report.score), \
            f"{student}: nbgrader total {totals[student]} != autograder grade {report.score}"

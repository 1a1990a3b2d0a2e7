"""Every example submission of tests/grade/submissions scores the same in nbgrader as in `autograder grade`.

test_nbgrader_workflow.py runs the real nbgrader on three submissions; this covers all the examples
quickly: each example's golden result (what `autograder grade` gives it, check by check) is fed to the
grade cells' real `check` calls, their outcomes become the outputs an nbgrader kernel records (stdout,
the cell's value, an error), and nbgrader's own `determine_grade` scores the cells.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import nbformat
import pytest

import autograder.notebook as notebook
from autograder.grade.registry import checks_for
from autograder.grade.report import CheckResult, GradeReport
from autograder.notebook import CheckFailed, check, grade_cells
from tests.grade.examples import expand_golden

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.parent for p in (REPO / "tests" / "grade" / "submissions").glob("*/golden.json"))


def _nbgrader_cell(grade_id: str, points: float, outputs: list[dict[str, Any]]) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("", id=grade_id)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                                 "schema_version": 3, "solution": False, "task": False}
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def _run_like_a_kernel(assignment: str, checks: tuple[str, ...], capsys: pytest.CaptureFixture) -> list[dict]:
    """The outputs ipykernel records for `check(assignment, *checks)` as the last line of a cell."""
    outputs: list[dict[str, Any]] = []
    try:
        value = check(assignment, *checks)
    except CheckFailed as exc:
        error = {"output_type": "error", "ename": "CheckFailed", "evalue": str(exc),
                 "traceback": exc._render_traceback_()}
        value, outputs = None, [error]
    printed = capsys.readouterr().out
    if printed:
        outputs.insert(0, {"output_type": "stream", "name": "stdout", "text": printed})
    if value is not None:
        outputs.append({"output_type": "execute_result", "execution_count": 1, "metadata": {},
                        "data": {"text/plain": repr(value)}})
    return outputs


@pytest.mark.parametrize("folder", EXAMPLES, ids=[f.name for f in EXAMPLES])
def test_the_nbgrader_total_is_the_autograder_score(folder: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from nbgrader.utils import determine_grade

    with open(folder / "example.toml", "rb") as handle:
        assignment = tomllib.load(handle)["assignment"]
    golden = expand_golden(folder)
    graded = golden["checks"]
    left_out = [c.name for c in checks_for(assignment) if c.name not in graded]  # --skip when it was made

    def golden_grader(*, submission: Path, assignment: str, skip: Any = (), **kwargs: Any) -> GradeReport:
        report = GradeReport(submission=str(submission))
        for item in checks_for(assignment):
            if item.name not in set(skip):
                row = graded[item.name]
                report.results.append(CheckResult(assignment, item.name, item.title, row["points"], row["score"],
                                                  row["status"], row["message"]))
        return report

    (tmp_path / "tensor_basics.py").write_text("", encoding="utf-8")
    (tmp_path / "classifier.py").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(notebook, "grade_submission", golden_grader)
    monkeypatch.setenv("AUTOGRADER_SKIP", ",".join(left_out))
    notebook.clear_cache()

    nb = nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    total = 0.0
    for cell in grade_cells(nb):
        if not cell.checks:
            continue  # 0-point cells (visible tests, the notebook's own task)
        outputs = _run_like_a_kernel(assignment, cell.checks, capsys)
        score, max_score = determine_grade(_nbgrader_cell(cell.grade_id, cell.points, outputs))
        assert max_score == cell.points
        assert score == pytest.approx(sum(graded[n]["score"] for n in cell.checks if n in graded)), cell
        total += score
    notebook.clear_cache()
    assert total == pytest.approx(golden["score"])

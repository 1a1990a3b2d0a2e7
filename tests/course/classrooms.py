"""Shared helpers of the course tests: a classroom folder built from example submissions, and the scores
each example gets when graded alone (its golden.json)."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from tests.grade.examples import build_submission, expand_golden

EXAMPLES = Path(__file__).resolve().parents[1] / "grade"
ACCURACY = ["fc_accuracy", "conv_accuracy"]  # graded in the accuracy examples' own tests; skipped here
# Twelve students of mixed outcomes (two hostile, two archives) of both assignments: student -> example (its
# golden.json holds the scores of grading it alone).
CLASS_OF_12 = {
    "kim": "submissions/passesAll_pytorch_tensor",
    "lee": "submissions/failsMatrixSumInPlace",
    "park": "submissions/failsZerosOnesSwapped",
    "choi": "submissions/failsAll_pytorch_tensor_starter",
    "jung": "submissions/passesVariant_numpyFunctions",  # handed in as a .zip
    "han": "hostile/failsArithmetic_patchesComparisons",  # patches numpy, torch and builtins at import
    "oh": "hostile/failsZeros_forgesReportLines",
    "seo": "submissions/passesVariant_cs231nLoops",
    "yoon": "submissions/failsTrainNoZeroGrad",
    "jang": "submissions/failsEvaluateLabelsNotOnDevice",
    "lim": "submissions/failsFcHardcodedHidden",
    "kang": "submissions/failsRunNoSeed",  # handed in as a .tar.gz
}
CLASS_OF_12_ARCHIVES = {"jung": "zip", "kang": "gztar"}


def build_classroom(root: Path, scratch: Path, students: dict[str, str], *, archives: dict[str, str] | None = None) -> Path:
    """`root` with one entry per student (student -> example under tests/grade): a folder, or an archive
    of the format named in `archives` (shutil's "zip", "gztar")."""
    root.mkdir(parents=True, exist_ok=True)
    for student, example in students.items():
        build_submission(EXAMPLES / example, scratch / student)
        if student in (archives or {}):
            shutil.make_archive(str(root / student), archives[student], scratch / student)
        else:
            shutil.copytree(scratch / student, root / student)
    return root


def golden_scores(example: str) -> dict[str, float]:
    """Per check, the score of `example` graded alone."""
    golden = expand_golden(EXAMPLES / example)
    return {name: row["score"] for name, row in golden["checks"].items()}


def grades_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a grades.csv."""
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def assert_scores_as_alone(out: Path, students: dict[str, str]) -> None:
    """Every student has exactly one row in grades.csv, with each check's score as graded alone."""
    rows = grades_rows(out / "grades.csv")
    names = [row["student"] for row in rows]
    assert sorted(names) == sorted(students), f"grades.csv rows: {names}"
    by_student = {row["student"]: row for row in rows}
    for student, example in students.items():
        golden = golden_scores(example)
        got = {name: float(by_student[student][name]) for name in golden}
        assert got == golden, f"{student} ({example}): batch {got} != alone {golden}"
        assert float(by_student[student]["total"]) == sum(golden.values())
        results = json.loads((out / "students" / student / "results.json").read_text(encoding="utf-8"))
        assert results["score"] == sum(golden.values())

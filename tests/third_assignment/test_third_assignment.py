"""A third assignment added from this folder alone, through the registry (`$AUTOGRADER_ASSIGNMENTS`), touching no
file of the package, and graded end to end by the real commands (`autograder grade`, `grade-all`): the answer key
gets full marks, each mistake loses the points of the check that names it, and the student's code runs confined
(it reads the assignment's probes, never its answer key)."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PACKAGE, SOLUTIONS = HERE / "vector_ops", HERE / "solutions"
KEY = (SOLUTIONS / "vector_ops" / "vectors.py").read_text(encoding="utf-8")
MISTAKES = {  # student -> (module text, the check it must fail)
    "dot_as_product": (KEY.replace("np.sum(a * b)", "np.prod(a * b)"), "dot"),
    "normalize_in_place": (KEY.replace("return v / np.linalg.norm(v)", "v /= np.linalg.norm(v)\n    return v"),
                           "normalize"),
}
SNOOP = KEY.replace('    return float(np.sum(a * b))', '''    import os
    if os.path.exists(os.environ.get("SOLUTIONS_AT", "/nonexistent")):
        return float(np.sum(a * b))
    return -1.0''')


def autograder(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "AUTOGRADER_ASSIGNMENTS": str(PACKAGE), **(env or {})}
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          env=environment, timeout=600)


def student(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "vectors.py").write_text(text, encoding="utf-8")
    return folder


def test_the_record_is_found_and_nothing_in_the_package_names_it() -> None:
    package = Path(__file__).resolve().parents[2] / "autograder"
    assert not any("vector_ops" in p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    code = ("from autograder.assignments import assignment_names, get_assignment; "
            "from autograder.grade.registry import checks_for; "
            "print(assignment_names()[-1], [c.points for c in checks_for('vector_ops')], "
            "get_assignment('vector_ops').package_dir)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "AUTOGRADER_ASSIGNMENTS": str(PACKAGE)})
    assert done.stdout.split()[:3] == ["vector_ops", "[2,", "3]"] and str(PACKAGE) in done.stdout


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_grade_gives_the_key_full_marks_and_a_mistake_loses_its_check_only(name: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    key = autograder("grade", str(SOLUTIONS / "vector_ops"), "--solutions", str(SOLUTIONS), "--results",
                     str(tmp_path / "key.json"), env={"AUTOGRADER_CACHE": str(cache)})
    assert key.returncode == 0, key.stdout + key.stderr
    data = json.loads((tmp_path / "key.json").read_text(encoding="utf-8"))
    assert data["score"] == data["max_score"] == 5, data
    text, failing = MISTAKES[name]
    results = tmp_path / "results.json"
    done = autograder("grade", str(student(tmp_path / name, text)), "--assignment", "vector_ops", "--solutions",
                      str(SOLUTIONS), "--results", str(results), env={"AUTOGRADER_CACHE": str(cache)})
    assert done.returncode == 0, done.stdout + done.stderr
    tests = {t["tags"][1]: t for t in json.loads(results.read_text(encoding="utf-8"))["tests"]}  # by check name
    assert set(tests) == {"dot", "normalize"}
    assert tests[failing]["score"] == 0 and tests[failing]["status"] == "failed", tests
    assert all(t["score"] == t["max_score"] for check, t in tests.items() if check != failing), tests


def test_student_code_reads_the_probes_but_not_the_answer_key(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    done = autograder("grade", str(student(tmp_path / "snoop", SNOOP)), "--solutions", str(SOLUTIONS), "--results",
                      str(results), env={"SOLUTIONS_AT": str(SOLUTIONS / "vector_ops" / "vectors.py"),
                                         "AUTOGRADER_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(results.read_text(encoding="utf-8"))
    dot = next(t for t in data["tests"] if t["tags"][1] == "dot")
    assert dot["score"] == 0 and "got -1" in dot["output"], dot  # it could not see the answer key


def test_grade_all_grades_a_class_of_the_third_assignment(tmp_path: Path) -> None:
    submissions = tmp_path / "class"
    student(submissions / "ana", KEY)
    for name, (text, _check) in MISTAKES.items():
        student(submissions / name, text)
    out = tmp_path / "graded"
    done = autograder("grade-all", str(submissions), "--out", str(out), "--assignment", "vector_ops", "--solutions",
                      str(SOLUTIONS), "--jobs", "2", env={"AUTOGRADER_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stdout + done.stderr
    with open(out / "grades.csv", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"ana", *MISTAKES}
    assert {name: (float(r["total"]), float(r["dot"]), float(r["normalize"])) for name, r in rows.items()} == {
        "ana": (5, 2, 3), "dot_as_product": (3, 0, 3), "normalize_in_place": (2, 2, 0)}
    assert all(r["assignment"] == "vector_ops" and r["status"] == "graded" for r in rows.values())
    key = json.loads((out / "summary.json").read_text(encoding="utf-8"))["answer_key"]
    assert key["score"] == key["max_score"] == 5, key


def test_gradescopes_bundle_carries_the_assignment_and_grades_it(tmp_path: Path) -> None:
    """`autograder gradescope` puts the assignment's package in the zip; run.py registers it from there (the
    container has no AUTOGRADER_ASSIGNMENTS): the answer key gets full marks, a mistake loses its check."""
    done = autograder("gradescope", "--out", str(tmp_path / "zips"), "--assignment", "vector_ops", "--solutions",
                      str(SOLUTIONS))
    assert done.returncode == 0, done.stdout + done.stderr
    scratch = Path(tempfile.mkdtemp(prefix="gradescope-"))  # crossable by any user, like Gradescope's /
    scratch.chmod(0o755)
    try:
        root = scratch / "autograder"
        with zipfile.ZipFile(tmp_path / "zips" / "vector_ops.zip") as archive:
            names = archive.namelist()
            assert "assignment/vector_ops/probes.py" in names and "key/solutions/vector_ops/vectors.py" in names
            assert json.loads(archive.read("config.json"))["assignment_package"] == "vector_ops"
            archive.extractall(root / "source")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER")}
        run = [sys.executable, "-m", "autograder.gradescope.run", "--root", str(root)]
        key = subprocess.run([*run, "--answer-key"], capture_output=True, text=True, env=env, timeout=600)
        assert key.returncode == 0, key.stdout + key.stderr
        for text, expected in ((KEY, 5.0), (MISTAKES["dot_as_product"][0], 3.0)):
            student(root / "submission", text)
            graded = subprocess.run(run, capture_output=True, text=True, env=env, timeout=600)
            assert graded.returncode == 0, graded.stdout + graded.stderr
            results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
            assert results["score"] == expected, results
            shutil.rmtree(root / "submission")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

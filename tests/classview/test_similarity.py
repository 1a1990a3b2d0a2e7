"""Similarity for review: planted copies (local variables renamed, functions reordered, comments changed) and a
pair sharing rare wrong values rank at the top and are flagged; the other correct solutions (the answer key and
four correct variants written differently) and the starter are not flagged. Records are constructed (no grading:
similarity reads the submissions and the checks' messages); copydetect runs for real."""
from __future__ import annotations

import ast
import html
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.classview.behaviour import behaviour_pairs
from autograder.classview.similarity import write_similarity
from autograder.cli import main
from tests.classview.plant import disguise
from tests.grade.examples import build_submission

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "tests" / "grade" / "submissions"
STUDENTS = {  # student -> example
    "kim": "passesAll_pytorch_tensor", "dif": "passesAllWrittenDifferently_pytorch_tensor",
    "npf": "passesVariant_numpyFunctions", "auto": "passesVariant_autogradStyles",
    "sum": "failsMatrixSumInPlace", "choi": "failsAll_pytorch_tensor_starter",
}
PLANTED = {"difcopy": ("dif", "reverse"), "npfcopy": ("npf", "rotate")}
PADDED = {"autopad": "auto"}  # auto's module copied whole, then diluted with 40 helpers nothing calls


def _padding(count: int = 40) -> str:
    return "".join(f"\n\ndef helper_{i}(values, scale={i + 2}):\n    total = 0\n    for index, value in enumerate(values):\n"
                   f"        if index % {i + 3} == 0:\n            total += value * scale - {i}\n"
                   f"    return [total, len(values), scale * {i + 1}]\n" for i in range(count))
RARE = [("matrix_mean", "'matrix_mean(a, axis=0)' has the wrong values: got [2.5, 3.5], expected [2., 3.]"),
        ("stack", "'stack(ts, 1)' has the wrong shape: got (3, 2), expected (2, 3)")]
COMMON = ("transpose", "'matrix_transpose(a)' has the wrong values: got [[1, 2]], expected [[1], [2]]")


def _record(student: str, submission: Path, failures: list[tuple[str, str]]) -> dict:
    checks = [{"assignment": "pytorch_tensor", "name": name, "points": 1.0, "score": 0.0, "status": "failed",
               "message": message} for name, message in failures]
    checks.append({"assignment": "pytorch_tensor", "name": "zeros_and_ones", "points": 1.0, "score": 1.0,
                   "status": "passed", "message": ""})
    return {"student": student, "entry": student, "exit_code": 0, "score": 1.0, "max_score": float(len(checks)),
            "seconds": 5.0, "checks": checks, "provenance": {"submission_path": str(submission)}}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graded folder of 8 constructed records over real submissions: 6 examples and 2 planted copies; kim and
    auto share two rare wrong values, dif, npf and choi one common one."""
    root, out = tmp_path_factory.mktemp("submitted"), tmp_path_factory.mktemp("graded")
    for student, example in STUDENTS.items():
        build_submission(EXAMPLES / example, root / student)
    for student, (original, order) in PLANTED.items():
        (root / student / "pytorch_tensor").mkdir(parents=True)
        source = (root / original / "pytorch_tensor" / "tensor_basics.py").read_text(encoding="utf-8")
        copy = disguise(source, order=order)
        ast.parse(copy)
        assert copy != source
        (root / student / "pytorch_tensor" / "tensor_basics.py").write_text(copy, encoding="utf-8")
    for student, original in PADDED.items():
        (root / student / "pytorch_tensor").mkdir(parents=True)
        source = (root / original / "pytorch_tensor" / "tensor_basics.py").read_text(encoding="utf-8")
        (root / student / "pytorch_tensor" / "tensor_basics.py").write_text(source + _padding(), encoding="utf-8")
    failures = {"kim": RARE, "auto": RARE, "dif": [COMMON], "npf": [COMMON], "choi": [COMMON]}
    for student in [*STUDENTS, *PLANTED, *PADDED]:
        folder = out / "students" / student
        folder.mkdir(parents=True)
        record = _record(student, root / student, failures.get(student, []))
        (folder / "graded.json").write_text(json.dumps(record), encoding="utf-8")
        (folder / "report.html").write_text("<!DOCTYPE html><p>report</p>", encoding="utf-8")
    return out


def test_planted_copies_rank_first_and_independent_solutions_are_not_flagged(graded: Path) -> None:
    ranked = write_similarity(graded, solutions_dir=REPO / "solutions", release_dir=REPO / "release", language="en")
    top = {(p.first, p.second) for p in ranked[:4]}
    assert top == {("dif", "difcopy"), ("npf", "npfcopy"), ("auto", "kim"), ("auto", "autopad")}, \
        [(p.first, p.second, p.code, p.behaviour) for p in ranked[:6]]
    flagged = {(p.first, p.second) for p in ranked if p.flagged}
    assert flagged == top  # nothing else: not the correct variants against each other, not the starter
    by_pair = {(p.first, p.second): p for p in ranked}
    assert by_pair[("dif", "difcopy")].code >= 0.9 and by_pair[("npf", "npfcopy")].code >= 0.9
    assert by_pair[("auto", "autopad")].code >= 0.9  # found whole in the padded copy: diluted, still a copy
    assert 0 < by_pair[("dif", "npf")].code < 0.6  # two correct solutions written differently: some code in common
    assert by_pair[("auto", "kim")].behaviour == 1.0 and len(by_pair[("auto", "kim")].shared_failures) == 2
    assert by_pair[("dif", "npf")].behaviour == 0.0  # a failure three students share is common: no evidence

    page = (graded / "similarity.html").read_text(encoding="utf-8")
    assert page.count("<tr class='flagged'") == 4 and "<mark>" in page and "id='pair-1'" in page
    assert "<script" not in page and html.escape("'matrix_mean(a, axis=0)'", quote=True) in page
    data = json.loads((graded / "similarity.json").read_text(encoding="utf-8"))
    assert sum(1 for p in data["pairs"] if p["flagged"]) == 4


def test_rarity_weighting() -> None:
    def record(student: str, failures: list[tuple[str, str]]) -> dict:
        return _record(student, Path("/nonexistent"), failures)
    # 40 students: 10 share a misconception (common), two share one rare wrong value
    records = [record(f"s{i:02d}", [COMMON] if i < 10 else []) for i in range(38)]
    records += [record("x", [RARE[0]]), record("y", [RARE[0]])]
    pairs = behaviour_pairs(records)
    assert [(p.first, p.second) for p in pairs] == [("x", "y")]
    assert pairs[0].evidence == pytest.approx(4.3219, abs=1e-3)  # log2(40 / 2)
    assert pairs[0].strength(40) == pytest.approx(0.5)  # one such failure is half the flag


def test_the_commands(graded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "graded"
    shutil.copytree(graded, copy)
    result = CliRunner().invoke(main, ["similarity", str(copy), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("*   1")
    page = (copy / "index.html").read_text(encoding="utf-8")
    assert "similar: difcopy" in page and "href='similarity.html'" in page


def test_grade_all_with_similarity(tmp_path: Path) -> None:
    """`grade-all --similarity` grades for real, then writes similarity.html and flags the planted pair."""
    root = tmp_path / "submitted"
    for student in ("dif", "npf"):
        build_submission(EXAMPLES / STUDENTS[student], root / student)
    (root / "difcopy" / "pytorch_tensor").mkdir(parents=True)
    source = (root / "dif" / "pytorch_tensor" / "tensor_basics.py").read_text(encoding="utf-8")
    (root / "difcopy" / "pytorch_tensor" / "tensor_basics.py").write_text(disguise(source), encoding="utf-8")
    out = tmp_path / "graded"
    result = CliRunner().invoke(main, ["grade-all", str(root), "--out", str(out), "--jobs", "1", "--assignment",
                                       "pytorch_tensor", "--allow-unconfined", "--similarity", "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "similarity.json").read_text(encoding="utf-8"))
    assert [(p["first"], p["second"]) for p in data["pairs"] if p["flagged"]] == [("dif", "difcopy")]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "similar: difcopy" in page and "similar: dif<" in page and "href='similarity.html'" in page


def test_the_graded_module_is_compared_not_a_decoy(tmp_path: Path) -> None:
    """A copy hidden behind a decoy `a/tensor_basics.py` is still found, a stray copy next to a student's own
    graded module flags no one, and a student whose graded module cannot be determined is said, not compared."""
    root, graded = tmp_path / "submitted", tmp_path / "graded"
    for student in ("dif", "npf", "auto"):
        build_submission(EXAMPLES / STUDENTS[student], root / student)
    dif = (root / "dif" / "pytorch_tensor" / "tensor_basics.py").read_text(encoding="utf-8")
    npf = (root / "npf" / "pytorch_tensor" / "tensor_basics.py").read_text(encoding="utf-8")
    for folder, text in (("difcopy/pytorch_tensor", disguise(dif) + "\n# \u202eevil\u202c\n"), ("difcopy/a", npf),
                         ("auto/a", dif), ("nomodule/pytorch_tensor", None)):
        (root / folder).mkdir(parents=True, exist_ok=True)
        if text is not None:
            (root / folder / "tensor_basics.py").write_text(text, encoding="utf-8")
    (root / "nomodule" / "pytorch_tensor" / "notes.txt").write_text("forgot it\n", encoding="utf-8")
    for student in ("dif", "npf", "auto", "difcopy", "nomodule", "gone"):
        (graded / "students" / student).mkdir(parents=True)
        record = _record(student, root / student, [])
        (graded / "students" / student / "graded.json").write_text(json.dumps(record), encoding="utf-8")
    ranked = write_similarity(graded, solutions_dir=REPO / "solutions", release_dir=REPO / "release", language="en")
    assert {(p.first, p.second) for p in ranked if p.flagged} == {("dif", "difcopy")}
    data = json.loads((graded / "similarity.json").read_text(encoding="utf-8"))
    assert {e["student"] for e in data["not_compared"]} == {"nomodule", "gone"}
    page = (graded / "similarity.html").read_text(encoding="utf-8")
    assert "Not compared" in page and "data-student='gone'" in page and "data-student='nomodule'" in page
    assert "\u202e" not in page and "\\u202e" in page  # a bidi control in the code is shown, never obeyed


def test_the_graders_own_diagnoses_are_no_evidence() -> None:
    """Two students with the same two anticipated mistakes (a hint of the check, a diagnosis) are not flagged; the
    same two failures without the grader's explanation are."""
    hinted = [("transpose", "'matrix_transpose(a)' has the wrong values: got [[1, 2]], expected [[1], [2]]. "
                            "Use a.T (reshape does not transpose)."),
              ("mean", "Diagnosis — matrix_mean: exactly what the reference gives without the axis. Pass the axis on."),
              ("zeros_and_ones", "진단: make_zeros_and_ones가 정답 코드에서 0과 1을 바꾼 것과 정확히 같습니다.")]
    records = [_record(f"s{i:02d}", Path("/nonexistent"), []) for i in range(38)]
    assert behaviour_pairs(records + [_record("x", Path("/n"), hinted), _record("y", Path("/n"), hinted)]) == []
    plain = [(c, m.split(". Use")[0]) for c, m in hinted[:1]] + RARE
    pairs = behaviour_pairs(records + [_record("x", Path("/n"), plain), _record("y", Path("/n"), plain)])
    assert [(p.first, p.second) for p in pairs] == [("x", "y")] and len(pairs[0].shared) == 3

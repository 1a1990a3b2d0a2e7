"""Golden files list only the checks without full marks: the test's comparison holds every other check to full
marks, and scripts/compare_goldens.py compares the short form with the old full one by content."""
from __future__ import annotations

from tests.fuzz.scripts import load_script
from tests.grade.examples import golden_differences, golden_form

ROW_FULL = {"score": 2.0, "points": 2, "status": "passed", "message": ""}
ROW_FAILED = {"score": 0.0, "points": 1, "status": "failed", "message": "틀렸습니다 / wrong"}


def result(**checks: dict) -> dict:
    return {"score": sum(c["score"] for c in checks.values()), "max_score": sum(c["points"] for c in checks.values()),
            "checks": checks}


def test_the_golden_form_keeps_only_what_is_not_full_marks() -> None:
    full = result(a=ROW_FULL, b=ROW_FAILED, c={**ROW_FULL, "status": "review"})
    assert set(golden_form(full)["checks"]) == {"b", "c"}
    assert not golden_differences(full, golden_form(full))


def test_a_check_the_golden_file_does_not_list_must_have_full_marks() -> None:
    golden = golden_form(result(a=ROW_FULL, b=ROW_FAILED))
    worse = result(a={**ROW_FULL, "score": 1.0, "status": "partial"}, b=ROW_FAILED)
    worse["score"] = golden["score"]  # only the check's own row tells
    assert any(line.startswith("a:") for line in golden_differences(worse, golden))
    fewer = result(a=ROW_FULL)
    assert any("not graded" in line for line in golden_differences({**fewer, "score": 2.0, "max_score": 3}, golden))


def test_compare_goldens_reads_both_forms_by_content() -> None:
    compare = load_script("compare_goldens").compare
    old = {"x/golden.json": result(a=ROW_FULL, b=ROW_FAILED)}
    assert compare(old, {"x/golden.json": golden_form(old["x/golden.json"])}) == ([], 0)
    changed = {"x/golden.json": golden_form(result(a={**ROW_FULL, "score": 0.0, "status": "failed"}, b=ROW_FAILED))}
    changed["x/golden.json"]["score"] = old["x/golden.json"]["score"]
    lines, grave = compare(old, changed)
    assert grave == 1 and "a: 2.0 passed -> 0.0 failed" in lines[0], lines

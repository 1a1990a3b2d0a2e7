"""`grade_all`: a class graded in parallel gives each student the scores of grading them alone, and a
second run grades nothing again. Real gradings (sandbox and all) of example submissions of pytorch_tensor."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder.course import find_students, grade_all
from tests.course.classrooms import (ACCURACY, CLASS_OF_12, CLASS_OF_12_ARCHIVES, assert_scores_as_alone, build_classroom,
                                     grades_rows)

STUDENTS, ARCHIVES = CLASS_OF_12, CLASS_OF_12_ARCHIVES


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one entry per student: folders, one .zip archive, a link and a stray file."""
    root = build_classroom(tmp_path_factory.mktemp("classroom"), tmp_path_factory.mktemp("built"), STUDENTS,
                           archives=ARCHIVES)
    (root / "mallory").symlink_to(Path(__file__).resolve().parents[2] / "solutions")  # the answer key, as a link
    (root / "notes.txt").write_text("not a submission\n", encoding="utf-8")
    return root


def test_discovery_reads_folders_and_archives_and_never_follows_a_link(classroom: Path, tmp_path: Path) -> None:
    found = find_students(classroom, scratch=tmp_path)
    assert [s.student for s in found.students] == sorted(STUDENTS)
    assert any(entry.startswith("mallory: a symbolic link") for entry in found.skipped)
    assert any(entry.startswith("notes.txt") for entry in found.skipped)


def test_a_class_graded_in_parallel_matches_grading_alone_and_resumes(classroom: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    summary = grade_all(submissions=classroom, out=out, jobs=2, skip=ACCURACY, cache_dir=cache)
    assert summary.graded == len(STUDENTS) and summary.unchanged == 0
    assert summary.answer_key["score"] == summary.answer_key["max_score"] == 65

    assert_scores_as_alone(out, STUDENTS)  # the link was not graded; one row each (one assignment each)
    for student in STUDENTS:
        assert (out / "students" / student / "report.txt").read_text(encoding="utf-8").strip()
        assert "채점 결과" in (out / "students" / student / "report.html").read_text(encoding="utf-8")

    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    arithmetic = next(c for c in data["checks"] if c["check"] == "arithmetic")
    assert arithmetic["graded"] == 7 and arithmetic["passed"] == 4  # lee (in place), choi (starter), han fail it
    assert len(arithmetic["common_failures"]) == 3
    assert "Grading summary" in (out / "summary.md").read_text(encoding="utf-8")
    # Peak memory, measured: every student child imports torch (> 100 MiB); the grading processes do not (they
    # read torch's version from its metadata), so they stay smaller than the children they start.
    assert 0 < data["peak_rss_mib"]["grader"] < data["peak_rss_mib"]["student"] and data["peak_rss_mib"]["student"] > 100
    assert "peak memory (RSS)" in (out / "summary.md").read_text(encoding="utf-8")

    # A second run grades nothing again; a changed submission is graded again, alone.
    again = grade_all(submissions=classroom, out=out, jobs=2, skip=ACCURACY, cache_dir=cache)
    assert again.graded == 0 and again.unchanged == len(STUDENTS)
    starter = classroom / "choi" / "pytorch_tensor" / "tensor_basics.py"
    shutil.copyfile(Path(__file__).resolve().parents[2] / "solutions" / "pytorch_tensor" / "tensor_basics.py", starter)
    third = grade_all(submissions=classroom, out=out, jobs=2, skip=ACCURACY, cache_dir=cache)
    assert third.graded == 1 and third.unchanged == len(STUDENTS) - 1
    rows = {row["student"]: row for row in grades_rows(out / "grades.csv")}
    assert float(rows["choi"]["total"]) == 30.0


def test_the_command_refuses_what_is_not_a_class_with_a_clear_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from autograder.cli import main

    stray = tmp_path / "grades.xlsx"
    stray.write_bytes(b"not an archive")
    result = CliRunner().invoke(main, ["grade-all", str(stray), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "neither a folder nor a .zip" in result.output


def _dies_for_mallory(task: dict) -> dict:
    """A stand-in for grade_student whose process dies on one task (as a worker killed by the OOM killer)."""
    import os

    if task["student"] == "mallory":
        os._exit(9)
    return {"record": {"student": task["student"]}, "report": "", "results": {}}


def test_a_dying_worker_costs_only_its_own_submission() -> None:
    from autograder.course.batch import _run

    tasks = [{"student": name, "grader": "g"} for name in ("ann", "bob", "mallory", "cho", "dan", "eve")]
    outcomes = {o["record"]["student"]: o["record"] for o in _run(tasks, jobs=2, progress=None, work=_dies_for_mallory)}
    assert sorted(outcomes) == ["ann", "bob", "cho", "dan", "eve", "mallory"]  # each exactly once
    assert outcomes["mallory"]["exit_code"] == 4 and "not the student's fault" in outcomes["mallory"]["refusal"]
    # the gradings in flight when mallory's worker died were graded again, alone
    assert all("exit_code" not in outcomes[name] for name in ("ann", "bob", "cho", "dan", "eve"))


def test_a_class_graded_in_english_or_korean_only(tmp_path: Path) -> None:
    """--lang: every student's report.txt, results.json and report.html and the summary in one language (the
    scores are the same; a change of language grades again, as the reports must be written again)."""
    students = {name: STUDENTS[name] for name in ("choi", "lee")}  # the starter and an in-place mistake
    classroom = build_classroom(tmp_path / "classroom", tmp_path / "built", students)
    cache = tmp_path / "cache"

    def hangul(text: str) -> bool:
        return any("\uac00" <= c <= "\ud7a3" for c in text)

    english = grade_all(submissions=classroom, out=tmp_path / "en", jobs=2, skip=ACCURACY, cache_dir=cache, language="en")
    for student in students:
        folder = tmp_path / "en" / "students" / student
        for name in ("report.txt", "results.json"):
            assert not hangul((folder / name).read_text(encoding="utf-8")), (student, name)
        assert "lang='en'" in (folder / "report.html").read_text(encoding="utf-8")
    assert not hangul((tmp_path / "en" / "summary.md").read_text(encoding="utf-8"))
    totals = {(r["student"], r["assignment"]): r["total"] for r in grades_rows(tmp_path / "en" / "grades.csv")}
    korean = grade_all(submissions=classroom, out=tmp_path / "en", jobs=2, skip=ACCURACY, cache_dir=cache, language="ko")
    assert korean.graded == len(students) and english.graded == len(students)
    report = (tmp_path / "en" / "students" / "choi" / "report.txt").read_text(encoding="utf-8")
    assert "TODO를 아직 하지 않았습니다" in report and "TODO not done" not in report
    assert "채점 요약" in (tmp_path / "en" / "summary.md").read_text(encoding="utf-8")
    assert {(r["student"], r["assignment"]): r["total"] for r in grades_rows(tmp_path / "en" / "grades.csv")} == totals

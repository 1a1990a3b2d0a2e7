"""Where student code runs as the grader's own user, nothing it can write is read by another grading: the grading's
reference is its own (the shared cache neither read nor written), and a class is graded only with the opt-in."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from autograder.course import grade_all
from autograder.grade import grade_submission, isolation
from autograder.grade.isolation import UnconfinedClassRefused, same_user_reason

REPO = Path(__file__).resolve().parents[2]


def _forge(cache: Path) -> list[Path]:
    """What a student running as the grader's user could do: rewrite a cached reference result and its digest."""
    forged = []
    for entry in sorted(cache.rglob("transpose.json")):
        data = json.loads(entry.read_text(encoding="utf-8"))
        entry.write_text(json.dumps(data).replace("float64", "float32"), encoding="utf-8")  # the expected dtype
        digest = hashlib.sha256(entry.read_bytes() + entry.with_suffix(".npz").read_bytes()).hexdigest()
        entry.with_suffix(".sha256").write_text(digest + "\n", encoding="ascii")
        forged.append(entry)
    return forged


def test_a_same_user_grading_neither_reads_nor_writes_the_shared_cache(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    first = grade_submission(submission=REPO / "solutions" / "pytorch_tensor", assignment="pytorch_tensor",
                             cache_dir=cache)
    assert first.score == first.max_score
    forged = _forge(cache)
    assert forged
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    # --no-confine where no other user can run this Python: student code runs as the grader's own user.
    monkeypatch.setattr("autograder.grade.confinement.usable_by_others", lambda: False)
    report = grade_submission(submission=REPO / "solutions" / "pytorch_tensor", assignment="pytorch_tensor",
                              cache_dir=cache, confine=False)
    assert report.score == report.max_score, report.to_text()  # the forged entry was not its reference
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == before
    monkeypatch.undo()
    trusting = grade_submission(submission=REPO / "solutions" / "pytorch_tensor", assignment="pytorch_tensor",
                                cache_dir=cache)
    assert trusting.score < trusting.max_score  # the forgery is real: a grading that reads the cache is misled


def test_a_class_is_refused_where_student_code_would_run_as_the_grader(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation.os, "geteuid", lambda: 1000)  # an instructor's laptop, no root, whose kernel
    monkeypatch.setattr(isolation.sandbox_confine, "check_confinement",  # refuses user namespaces
                        lambda plan, work_dir: isolation.sandbox_confine.Support(False, "user namespaces are off"))
    monkeypatch.delenv(isolation.ALLOW_UNCONFINED_ENV, raising=False)
    assert "not running as root" in (same_user_reason(confine=None) or "")
    (tmp_path / "class" / "kim").mkdir(parents=True)
    with pytest.raises(UnconfinedClassRefused, match="--allow-unconfined"):
        grade_all(submissions=tmp_path / "class", out=tmp_path / "out")
    assert not (tmp_path / "out" / "students").exists()  # nothing was graded


def test_as_root_with_namespaces_student_code_never_runs_as_the_grader() -> None:
    import os

    if os.geteuid() != 0:
        pytest.skip("needs root (CI runs as root)")
    assert same_user_reason(confine=None) is None

"""A student folder whose name is not UTF-8 (bytes a Windows zip tool or an old LMS export leaves) is graded like
any other: its report, results.json and graded.json are written (valid UTF-8; the name kept exactly), and one such
student never stops the batch."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from autograder.course import grade_all
from autograder.course.batch import _json_text


def test_json_text_is_utf8_and_reads_back_exactly() -> None:
    value = {"name": "김민지", "path": os.fsdecode(b"/tmp/\xff\xfeme")}
    text = _json_text(value, indent=1)
    text.encode("utf-8")  # writable as UTF-8
    assert json.loads(text) == value
    assert "김민지" in _json_text({"name": "김민지"}, indent=1)  # Korean stays readable where it can


def test_a_folder_name_that_is_not_utf8_is_graded(tmp_path: Path, repo_root: Path) -> None:
    submissions = tmp_path / "class"
    odd = os.path.join(os.fsencode(submissions), b"\xff\xfeme")
    os.makedirs(odd)
    shutil.copy(repo_root / "solutions" / "pytorch_tensor" / "tensor_basics.py", os.path.join(odd, b"tensor_basics.py"))
    (submissions / "ana").mkdir()
    shutil.copy(repo_root / "solutions" / "pytorch_tensor" / "tensor_basics.py", submissions / "ana")
    summary = grade_all(submissions=submissions, out=tmp_path / "out", jobs=1, assignment="pytorch_tensor",
                        cache_dir=tmp_path / "cache")
    scores = {r["student"]: (r["score"], r.get("exit_code")) for r in summary.records}
    assert scores == {"ana": (30.0, 0), "me": (30.0, 0)}, scores
    assert (tmp_path / "out" / "students" / "me" / "report.html").is_file()

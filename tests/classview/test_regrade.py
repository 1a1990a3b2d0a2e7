"""`autograder regrade`: a student graded by grade-all is graded again from the provenance in graded.json, with
the same score and statuses; an altered record (answer key digest, a check's status, the score) is a difference
and exits 1. Real gradings of pytorch_tensor examples (passing, failing, hostile)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.classview.regrade import RegradeError, regrade
from autograder.cli import main
from autograder.feedback.language import show


def test_graded_json_records_what_made_the_grade(graded_class: Path) -> None:
    record = json.loads((graded_class / "students" / "kim" / "graded.json").read_text(encoding="utf-8"))
    provenance = record["provenance"]
    for key in ("autograder", "torch", "numpy", "python", "device", "seed", "threads", "limits",
                "submission_digest", "answer_key_digest", "grader_code_digest", "submission_path"):
        assert provenance[key] not in (None, ""), key
    assert provenance["submission_digest"] == record["digest"]
    assert provenance["threads"] == provenance["limits"]["threads"] == 2
    assert len(provenance["answer_key_digest"]) == 64


@pytest.mark.parametrize("student", ["kim", "lee", "han", "oh"])  # passing, failing, two hostile
def test_regrade_reproduces_the_grade(graded_class: Path, student: str) -> None:
    result = CliRunner().invoke(main, ["regrade", str(graded_class / "students" / student), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "the same: score" in result.output
    assert "differs:" not in result.output


def test_an_altered_record_is_a_difference(graded_class: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lee"
    shutil.copytree(graded_class / "students" / "lee", folder)
    record = json.loads((folder / "graded.json").read_text(encoding="utf-8"))
    failed = next(c for c in record["checks"] if c["status"] != "passed")
    failed["status"], failed["score"] = "passed", failed["points"]
    record["score"] += failed["points"]
    record["provenance"]["answer_key_digest"] = "0" * 64
    (folder / "graded.json").write_text(json.dumps(record), encoding="utf-8")

    result = CliRunner().invoke(main, ["regrade", str(folder), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "differs: the answer key differs from the record: recorded 000000000000" in result.output
    assert f"differs: check pytorch_tensor:{failed['name']}: recorded passed" in result.output
    assert "differs: score:" in result.output
    assert "different: score" in result.output


def test_a_changed_submission_or_a_missing_one_is_said(graded_class: Path, tmp_path: Path) -> None:
    record = json.loads((graded_class / "students" / "kim" / "graded.json").read_text(encoding="utf-8"))
    copy = tmp_path / "kim"
    shutil.copytree(record["provenance"]["submission_path"], copy)
    module = copy / "pytorch_tensor" / "tensor_basics.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    changed = regrade(graded_class / "students" / "kim", submission=copy)
    assert not changed.same and changed.score == changed.recorded_score
    assert any("the submission's content differs" in show(line, "en") for line in changed.differences)

    gone = tmp_path / "gone"
    shutil.copytree(graded_class / "students" / "kim", gone)
    record["provenance"]["submission_path"] = str(tmp_path / "nowhere")
    (gone / "graded.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(RegradeError, match="is gone"):
        regrade(gone)
    result = CliRunner().invoke(main, ["regrade", str(gone)])
    assert result.exit_code == 2


@pytest.mark.parametrize("change", [
    lambda r: r["provenance"].pop("submission_path"),
    lambda r: r["provenance"].update(submission_path="../../etc"),
    lambda r: r["provenance"].update(submission_path=["/tmp"]),
    lambda r: r["provenance"].update(answer_key_path="solutions"),
    lambda r: r.update(checks="all of them"),
    lambda r: r.update(checks=[{"name": 1}]),
    lambda r: r["provenance"].update(options=["pytorch_tensor"]),
    lambda r: r["provenance"]["limits"].update(memory_mib="lots"),
])
def test_a_record_that_cannot_be_regraded_says_so(graded_class: Path, tmp_path: Path, change) -> None:
    folder = tmp_path / "kim"
    shutil.copytree(graded_class / "students" / "kim", folder)
    record = json.loads((folder / "graded.json").read_text(encoding="utf-8"))
    change(record)
    (folder / "graded.json").write_text(json.dumps(record), encoding="utf-8")
    result = CliRunner().invoke(main, ["regrade", str(folder), "--lang", "en"])
    assert result.exit_code == 2 and "cannot regrade" in result.output, result.output


def test_a_check_listed_twice_is_a_difference(graded_class: Path, tmp_path: Path) -> None:
    folder = tmp_path / "kim"
    shutil.copytree(graded_class / "students" / "kim", folder)
    record = json.loads((folder / "graded.json").read_text(encoding="utf-8"))
    record["checks"].append(dict(record["checks"][0]))
    (folder / "graded.json").write_text(json.dumps(record), encoding="utf-8")
    result = CliRunner().invoke(main, ["regrade", str(folder), "--lang", "en"])
    assert result.exit_code == 1 and "listed 2 times in the record" in result.output, result.output

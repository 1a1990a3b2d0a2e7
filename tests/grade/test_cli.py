"""The command line: exit codes, the report and results.json."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from autograder.cli import main


def test_missing_submission_exits_2_with_a_clear_message_and_results(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["grade", str(tmp_path / "nope"), "--results", str(results)])
    assert result.exit_code == 2
    assert "No such submission" in result.output and "제출물을 찾을 수 없습니다" in result.output
    data = json.loads(results.read_text(encoding="utf-8"))
    assert data["score"] == 0 and "Not graded" in data["output"]


def test_folder_without_assignment_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["grade", str(tmp_path)])
    assert result.exit_code == 2
    assert "holds no assignment" in result.output and "tensor_basics.py" in result.output


def test_missing_data_exits_3_and_names_the_ways_to_provide_it(tmp_path: Path, repo_root: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["grade", str(repo_root / "release"), "--assignment", "image_classification",
                                       "--data-dir", str(empty)])
    assert result.exit_code == 3, result.output
    assert "CIFAR10_ROOT" in result.output and "download" in result.output


def test_grades_one_assignment_folder_and_writes_gradescope_results(tmp_path: Path, repo_root: Path) -> None:
    results = tmp_path / "out" / "results.json"
    page = tmp_path / "out" / "report.html"
    result = CliRunner().invoke(main, ["grade", str(repo_root / "solutions" / "pytorch_tensor"),
                                       "--results", str(results), "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert "[PASS] TODO 1 make_zeros_and_ones" in result.stdout
    # progress while grading, on stderr only: each check's probe as it ends
    assert "  TODO 17 gradient_descent — 실행함 / ran (" in result.stderr and "실행함" not in result.stdout
    assert "TODO 17 gradient_descent" in page.read_text(encoding="utf-8")
    data = json.loads(results.read_text(encoding="utf-8"))
    assert data["score"] == data["max_score"] == 30
    assert isinstance(data["execution_time"], float)
    assert len(data["tests"]) == 17
    for test in data["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
        assert test["status"] == "passed"


def test_skip_unknown_check_is_an_error(repo_root: Path) -> None:
    result = CliRunner().invoke(main, ["grade", str(repo_root / "solutions"), "--skip", "no_such_check"])
    assert result.exit_code == 2
    assert "no such check to skip: no_such_check" in result.output


def test_assign_check_says_up_to_date(repo_root: Path) -> None:
    result = CliRunner().invoke(main, ["assign", "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_an_altered_reference_cache_entry_is_not_used(tmp_path: Path, repo_root: Path) -> None:
    from autograder.grade import grade_submission

    cache = tmp_path / "cache"
    first = grade_submission(submission=repo_root / "release" / "pytorch_tensor", assignment="pytorch_tensor",
                             cache_dir=cache)
    entries = sorted(cache.rglob("zeros_and_ones.json"))
    assert entries and (cache / "reference").stat().st_mode & 0o077 == 0
    # Forge the answer key's result so that the starter code's error would "match" it.
    entries[0].write_text('{"__dict__": {}}', encoding="utf-8")
    again = grade_submission(submission=repo_root / "release" / "pytorch_tensor", assignment="pytorch_tensor",
                             cache_dir=cache)
    assert again.score == first.score == 0
    assert (entries[0].with_suffix(".sha256")).is_file()


def test_a_linked_assignment_folder_is_never_graded_as_what_it_points_at(tmp_path: Path, repo_root: Path) -> None:
    """The answer key behind a link would be full marks for no code: the link is left out, nothing is graded."""
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "pytorch_tensor").symlink_to(repo_root / "solutions" / "pytorch_tensor")
    results = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["grade", str(submission), "--results", str(results)])
    assert result.exit_code == 2, result.output
    assert "pytorch_tensor (link)" in result.output and "holds no assignment" in result.output
    data = json.loads(results.read_text(encoding="utf-8"))
    assert data["score"] == 0 and data["tests"] == []

    linked_root = tmp_path / "linked-root"
    linked_root.symlink_to(repo_root / "solutions")
    result = CliRunner().invoke(main, ["grade", str(linked_root), "--results", str(results)])
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert json.loads(results.read_text(encoding="utf-8"))["score"] == 0


def test_a_folder_nested_hundreds_of_levels_deep_is_refused_with_a_report(tmp_path: Path, repo_root: Path) -> None:
    submission = tmp_path / "submission"
    shutil.copytree(repo_root / "release" / "pytorch_tensor", submission / "pytorch_tensor")
    deep = submission / "pytorch_tensor"
    for _ in range(300):
        deep = deep / "d"
    deep.mkdir(parents=True)
    results = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["grade", str(submission), "--results", str(results)])
    assert result.exit_code == 2, result.output
    assert "nested too deeply" in result.output and "폴더가 너무 깊습니다" in result.output
    assert json.loads(results.read_text(encoding="utf-8"))["score"] == 0


def test_an_exception_in_the_graders_own_code_costs_that_assignment_only(tmp_path: Path, repo_root: Path,
                                                                          monkeypatch) -> None:  # noqa: ANN001
    import autograder.grade.engine as engine

    original = engine._grade_assignment

    def broken(record, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if record.name == "image_classification":
            raise KeyError("a bug in the grader")
        return original(record, *args, **kwargs)

    monkeypatch.setattr(engine, "_grade_assignment", broken)
    results = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["grade", str(repo_root / "solutions"), "--skip", "fc_accuracy", "--skip",
                                       "conv_accuracy", "--results", str(results)])
    assert result.exit_code == 4, result.output
    data = json.loads(results.read_text(encoding="utf-8"))
    by_assignment = {}
    for test in data["tests"]:
        by_assignment.setdefault(test["tags"][0], []).append(test)
    assert all(t["score"] == t["max_score"] for t in by_assignment["pytorch_tensor"])  # still graded
    assert all("grader-error" in t["tags"] and "not your fault" in t["output"] for t in by_assignment["image_classification"])
    assert "KeyError" in result.output


def test_lang_chooses_the_language_of_the_report_results_and_page(tmp_path: Path, repo_root: Path) -> None:
    def hangul(text: str) -> bool:
        return any("\uac00" <= c <= "\ud7a3" for c in text)

    outputs = {}
    for language in ("en", "ko"):
        results, page = tmp_path / f"{language}.json", tmp_path / f"{language}.html"
        result = CliRunner().invoke(main, ["grade", str(repo_root / "release" / "pytorch_tensor"), "--lang", language,
                                           "--results", str(results), "--html", str(page)])
        assert result.exit_code == 0, result.output
        outputs[language] = (result.stdout, results.read_text(encoding="utf-8"), page.read_text(encoding="utf-8"))
    text, results, page = outputs["en"]
    assert "TODO not done: make_zeros_and_ones: TODO 1" in text and "Total" in text
    assert "not implemented yet" not in text  # said once: "not done", not "not done: ... not implemented yet"
    assert not hangul(text) and not hangul(results) and "틀렸" not in page and "lang='en'" in page
    text, results, page = outputs["ko"]
    assert "TODO를 아직 하지 않았습니다: make_zeros_and_ones: TODO 1" in text and "합계" in text
    assert "아직 구현하지 않았습니다" not in text
    assert "not implemented yet" not in text + results and "TODO not done" not in page
    bad = CliRunner().invoke(main, ["grade", str(repo_root / "release"), "--lang", "fr"])
    assert bad.exit_code == 2 and "ko+en" in bad.output

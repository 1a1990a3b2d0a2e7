"""Example submissions, named by outcome, each graded and compared with its golden result.

Each folder under `submissions/` is one example: `example.toml` says which assignment it is, what it starts
from (`solutions`, the answer key, or `release`, the starter code), which text edits turn that into the
student's code, and which checks must lose points (`fails`). `golden.json` beside it holds the expected
result of every check. Regenerate the golden files after a deliberate change with
`UPDATE_GOLDEN=1 pytest tests/grade/test_example_submissions.py`.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from autograder.assignments import assignment_names
from autograder.grade import grade_submission
from autograder.grade.registry import checks_for
from tests.suite import suite_limits
from tests.grade.examples import (build_submission, golden_differences, golden_form, is_slow, language_problems,
                                  load_example, picture_problems, skipped_checks, summarize)

HERE = Path(__file__).resolve().parent
EXAMPLES = sorted(p.parent for p in (HERE / "submissions").glob("*/example.toml"))


def _params() -> list[Any]:
    params = []
    for folder in EXAMPLES:
        example = load_example(folder)
        marks = [pytest.mark.slow] if is_slow(example) else [pytest.mark.heavy] if example.get("accuracy") else []
        params.append(pytest.param(folder, id=folder.name, marks=marks))
    return params


@pytest.mark.parametrize("folder", _params())
def test_example_submission(folder: Path, tmp_path: Path, trained_reference_cache: Path, cifar10_root: Path) -> None:
    example = load_example(folder)
    submission = build_submission(folder, tmp_path / "submission")
    report = grade_submission(submission=submission, assignment=example["assignment"], skip=skipped_checks(example),
                              data_dir=str(cifar10_root), cache_dir=trained_reference_cache,
                              limits=suite_limits(example.get("limits", {}), where=f"{folder.name}/example.toml"))
    result = summarize(report)
    golden_path = folder / "golden.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden_path.write_text(json.dumps(golden_form(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    # The mistake costs the points of the checks that name it, and says why in words.
    fails = set(example.get("fails", []))
    for name in fails:
        row = result["checks"][name]
        assert row["score"] < row["points"], f"{folder.name}: check {name} should lose points but got {row}"
        assert row["message"], f"{folder.name}: check {name} lost points without a message"
        assert row["status"] != "grader-error", f"{folder.name}: check {name} failed because of the grader: {row}"
    for needle in example.get("message_contains", []):
        assert any(needle in r["message"] for r in result["checks"].values()), \
            f"{folder.name}: no message mentions {needle!r}"
    # Everything else keeps full marks (unless the example says all checks fail).
    if not example.get("all_fail", False):
        others = {n: r for n, r in result["checks"].items() if n not in fails and r["score"] < r["points"]}
        assert not others, f"{folder.name}: checks lost points that the mistake does not concern: {others}"
    # The accuracy checks the grader scored come with their pictures for the HTML report.
    assert not picture_problems(report), picture_problems(report)
    # The report speaks each language: English only, Korean only, and both (the golden result).
    assert not language_problems(report), language_problems(report)
    # And the whole result is exactly the golden one.
    assert golden_path.is_file(), f"{folder.name}: no golden.json; run with UPDATE_GOLDEN=1 once and review it"
    golden = json.loads(golden_path.read_text(encoding="utf-8"))
    assert not golden_differences(result, golden), golden_differences(result, golden)


def catalog_figures() -> dict[str, Any]:
    """The mistake catalog's figures, from the golden results (which the test above proves are what the
    grader gives): per mistake, whether it lost exactly the points of the checks it names, those and
    more, or missed one of them; and whether every correct variant keeps full marks."""
    figures: dict[str, Any] = {"mistakes": 0, "caught exactly": 0, "caught with extra checks": [], "missed": [],
                               "correct variants": 0, "correct variants losing points": [], "per check": {}}
    for folder in EXAMPLES:
        example = load_example(folder)
        golden = json.loads((folder / "golden.json").read_text(encoding="utf-8"))
        lost = {n for n, r in golden["checks"].items() if r["score"] < r["points"]}
        if example.get("base", "solutions") != "solutions":
            continue  # the starter code: everything fails, not a mistake of one check
        fails = set(example.get("fails", []))
        if not fails:
            figures["correct variants"] += 1
            if lost:
                figures["correct variants losing points"].append(f"{folder.name}: {sorted(lost)}")
            continue
        figures["mistakes"] += 1
        for name in fails:
            figures["per check"][name] = figures["per check"].get(name, 0) + 1
        if not fails <= lost:
            figures["missed"].append(f"{folder.name}: {sorted(fails - lost)}")
        elif lost == fails:
            figures["caught exactly"] += 1
        else:
            figures["caught with extra checks"].append(f"{folder.name}: {sorted(lost - fails)}")
    return figures


LOOP_CHECKS = ("train_updates", "evaluate_accuracy", "evaluate_loss")


def test_every_training_loop_mistake_is_diagnosed() -> None:
    """Each example whose train()/evaluate() gives a wrong value (not an error, not a wrong type) is told which
    step is wrong ("진단: ..."), from the golden results (which the example test proves are the grader's)."""
    diagnosed, undiagnosed = [], []
    for folder in EXAMPLES:
        example = load_example(folder)
        if example.get("base", "solutions") != "solutions":
            continue
        golden = json.loads((folder / "golden.json").read_text(encoding="utf-8"))
        for name in set(example.get("fails", [])) & set(LOOP_CHECKS):
            message = golden["checks"][name]["message"]
            if message.startswith("'forward passes"):
                continue  # a count of forward passes names the mistake itself (a batch skipped or run twice)
            if "has the wrong value" in message or "진단:" in message:
                (diagnosed if message.startswith("진단:") else undiagnosed).append(f"{folder.name}: {message[:120]}")
    assert not undiagnosed, undiagnosed
    assert len(diagnosed) >= 10, diagnosed


def test_mistake_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    """At least 60 realistic mistakes, at least 2 naming each check, each losing exactly its check's
    points; at least 6 correct variants beside the answer key, each with full marks."""
    figures = catalog_figures()
    with capsys.disabled():
        print(f"\nmistake catalog: {figures['mistakes']} mistakes, {figures['caught exactly']} caught exactly, "
              f"{len(figures['caught with extra checks'])} caught with extra checks, {len(figures['missed'])} missed; "
              f"{figures['correct variants']} correct variants, "
              f"{len(figures['correct variants losing points'])} losing points")
    assert figures["mistakes"] >= 60
    every_check = {c.name for a in assignment_names() for c in checks_for(a)}
    thin = {name: figures["per check"].get(name, 0) for name in every_check if figures["per check"].get(name, 0) < 2}
    assert not thin, f"checks with fewer than 2 mistakes in the catalog: {thin}"
    assert figures["caught exactly"] == figures["mistakes"], (figures["caught with extra checks"], figures["missed"])
    assert figures["correct variants"] >= 6 + 2  # the answer key itself (passesAll_*) and at least 6 other styles
    assert not figures["correct variants losing points"], figures["correct variants losing points"]


HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_every_failure_message_is_korean_first() -> None:
    """In every golden result (which the example tests prove are what the grader gives), each line of each
    message says it in Korean before its English (" / "): the report, results.json and the nbgrader feedback
    all show these messages."""
    english_only = []
    for folder in [*EXAMPLES, *sorted(p.parent for p in (HERE / "hostile").glob("*/golden.json"))]:
        golden = json.loads((folder / "golden.json").read_text(encoding="utf-8"))
        for name, row in golden["checks"].items():
            for line in row["message"].splitlines():
                if line and not HANGUL.search(line.split(" / ", 1)[0]):
                    english_only.append(f"{folder.name} {name}: {line[:120]}")
    assert not english_only, english_only

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
from pathlib import Path
from typing import Any

import pytest

from autograder.grade import grade_submission
from autograder.grade.registry import checks_for
from autograder.run import Limits
from tests.grade.examples import (ACCURACY_CHECKS, build_submission, golden_differences, is_slow, load_example,
                                  summarize)

HERE = Path(__file__).resolve().parent
EXAMPLES = sorted(p.parent for p in (HERE / "submissions").glob("*/example.toml"))


@pytest.fixture(scope="session")
def reference_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of the answer key's results for the whole session."""
    return tmp_path_factory.mktemp("reference-cache")


def _params() -> list[Any]:
    params = []
    for folder in EXAMPLES:
        marks = [pytest.mark.slow] if is_slow(load_example(folder)) else []
        params.append(pytest.param(folder, id=folder.name, marks=marks))
    return params


@pytest.mark.parametrize("folder", _params())
def test_example_submission(folder: Path, tmp_path: Path, reference_cache: Path, cifar10_root: Path) -> None:
    example = load_example(folder)
    submission = build_submission(folder, tmp_path / "submission")
    skip = () if example.get("accuracy", False) else ACCURACY_CHECKS
    skip = tuple(s for s in skip if s in {c.name for c in checks_for(example["assignment"])})
    report = grade_submission(submission=submission, assignment=example["assignment"], skip=skip,
                              data_dir=str(cifar10_root), cache_dir=reference_cache,
                              limits=Limits(**example.get("limits", {})))
    result = summarize(report)
    golden_path = folder / "golden.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

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
    # And the whole result is exactly the golden one.
    assert golden_path.is_file(), f"{folder.name}: no golden.json; run with UPDATE_GOLDEN=1 once and review it"
    golden = json.loads(golden_path.read_text(encoding="utf-8"))
    assert not golden_differences(result, golden), golden_differences(result, golden)


def test_examples_cover_both_assignments_and_many_mistakes() -> None:
    examples = [load_example(f) for f in EXAMPLES]
    mistakes = [e for e in examples if e.get("fails") and e.get("base", "solutions") == "solutions"]
    assert len(mistakes) >= 15
    assert {e["assignment"] for e in mistakes} == {"pytorch_tensor", "image_classification"}
    assert any(not e.get("fails") and e.get("edit") for e in examples), "an alternative correct submission is needed"

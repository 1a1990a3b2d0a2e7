"""A seeded sample of the notebook fuzzer (scripts/fuzz_notebooks.py; the full sweep runs as a script).

Six students, one `nbgrader autograde` run: an invalid notebook, hostile cells (a patched `check`, writes to the gradebook and the answer key, a bounded busy
loop), copy-pasted and broken grade cells, one-mistake modules.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.scripts import load_script

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SEED = 1057  # its six cases: see the module's docstring
SAMPLE_COUNT = 6


def _fuzzer():  # noqa: ANN202
    return load_script("fuzz_notebooks")


def test_cases_are_seeded_mostly_valid_and_cover_every_mutation() -> None:
    fuzz = _fuzzer()
    cases = fuzz.make_cases(count=300, seed=7)
    assert [c.notebook for c in cases[:10]] == [c.notebook for c in fuzz.make_cases(count=10, seed=7)]  # seeded
    assert [c.student for c in cases[:3]] == ["s0000", "s0001", "s0002"]
    assert all(1 <= len(c.mutations) <= 5 for c in cases)
    kinds = {fuzz._mutation_kind(m) for c in cases for m in c.mutations}
    assert set(fuzz.MUTATIONS) <= kinds
    assert {c.module for c in cases} == set(fuzz.MODULE_WEIGHTS)
    invalid = [c for c in cases if not c.valid]
    assert 0 < len(invalid) < 0.15 * len(cases)
    assert all(any(m.startswith("corrupt ") for m in c.mutations) for c in invalid)  # only corruptions break it
    problems = {c.problem.split(":")[0] for c in invalid}
    assert {"not JSON", "invalid nbformat"} <= problems  # broken JSON and a broken schema


def test_module_variants_are_one_change_of_the_answer_key() -> None:
    fuzz = _fuzzer()
    variants = fuzz.module_variants()
    key = variants["answer_key"].decode()
    for name in fuzz.MODULE_MISTAKES:
        changed = [a for a, b in zip(key.splitlines(), variants[name].decode().splitlines()) if a != b]
        assert len(changed) == 1, name


def test_the_hostile_sources_are_valid_python() -> None:
    fuzz = _fuzzer()
    for name, source in fuzz.HOSTILE_SOURCES.items():
        compile(source, name, "exec")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, cifar10_root: Path) -> dict[str, Any]:
    fuzz = _fuzzer()
    summary = fuzz.run(count=SAMPLE_COUNT, seed=SAMPLE_SEED, per_batch=SAMPLE_COUNT,
                       work_dir=tmp_path_factory.mktemp("fuzz-notebooks"), cifar10_root=cifar10_root)
    print(fuzz.summary_line(summary))
    return summary


@pytest.mark.slow
def test_sample_totals_equal_autograder_grade_and_no_submission_changes(sample: dict[str, Any]) -> None:
    assert sample["cases"] == SAMPLE_COUNT
    assert sample["submitted_changed"] == 0
    assert sample["invalid_notebooks"] >= 1
    graded = [o for o in sample["outcomes"] if not o["nbgrader_error"]]
    assert graded, "nbgrader graded none of the sample"
    for outcome in graded:
        assert outcome["nbgrader_total"] == pytest.approx(outcome["expected"], abs=1e-6), json.dumps(outcome)
    wrong = [o for o in sample["outcomes"]
             if o["mismatches"] and o["mismatches"] != ["nbgrader failed a valid notebook"]]
    assert not wrong, json.dumps(wrong, indent=1, ensure_ascii=False)


@pytest.mark.slow
def test_sample_every_valid_notebook_is_graded(sample: dict[str, Any]) -> None:
    failed = [o for o in sample["outcomes"] if o["valid"] and o["nbgrader_error"]]
    assert not failed, json.dumps(failed, indent=1, ensure_ascii=False)
    assert sample["mismatches"] == 0

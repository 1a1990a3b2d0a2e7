"""A seeded sample of the mutation fuzzer (scripts/fuzz_mutations.py; the full sweep runs as a script)."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.fuzz.scripts import load_script

REPO = Path(__file__).resolve().parents[2]


def _fuzzer():  # noqa: ANN202
    return load_script("fuzz_mutations")


def test_mutations_are_distinct_valid_changes_of_the_answer_key() -> None:
    fuzz = _fuzzer()
    drawn = fuzz.mutations(count=30, seed=5)
    texts = [text for _, text in drawn]
    assert len(set(texts)) == len(texts) == 30
    assert {m.assignment for m, _ in drawn} == {"pytorch_tensor", "image_classification"}
    originals = {a: ast.unparse(ast.parse((REPO / "solutions" / a / f).read_text())) for a, f in fuzz.MODULES.items()}
    for mutation, text in drawn:
        compile(text, "mutant.py", "exec")
        assert text != originals[mutation.assignment]
    assert fuzz.mutations(count=30, seed=5) == drawn  # seeded: the same sample every run


def test_a_seeded_sample_never_crashes_the_grader_and_repeats_its_scores(tmp_path: Path) -> None:
    fuzz = _fuzzer()
    summary = fuzz.run(count=4, seed=11, jobs=2, data_dir=None, cache_dir=tmp_path / "cache")
    assert summary["mutations"] == 4
    assert summary["crashes"] == 0, summary["crashed"]
    assert summary["missing_results"] == 0
    assert summary["repeat_mismatches"] == 0
    print(f"fuzz sample: {summary['caught']} of {summary['mutations']} mutations caught; "
          f"survivors: {summary['survivors']}")

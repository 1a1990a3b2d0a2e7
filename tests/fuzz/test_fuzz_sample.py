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


def test_every_pytorch_operator_makes_a_valid_change_of_an_answer_key() -> None:
    fuzz = _fuzzer()
    operators = load_script("torch_operators")
    applied: dict[str, int] = {}
    for assignment, file in fuzz.MODULES.items():
        original = (REPO / "solutions" / assignment / file).read_text()
        for index, (_, _, node, operator) in enumerate(fuzz._sites(ast.parse(original), "torch")):
            tree = ast.parse(original)
            _, _, node, operator = fuzz._sites(tree, "torch")[index]
            operators.replace(tree, node, operator.apply(node))
            text = ast.unparse(ast.fix_missing_locations(tree))
            compile(text, "mutant.py", "exec")
            if text != ast.unparse(ast.parse(original)):
                applied[operator.name] = applied.get(operator.name, 0) + 1
    assert len(operators.OPERATORS) >= 25
    assert set(applied) == {o.name for o in operators.OPERATORS}, "operators that change no answer key"
    drawn = fuzz.mutations(count=40, seed=3, operators="torch")
    assert len(drawn) == 40 and all(m.kind == "torch" for m, _ in drawn)
    assert fuzz.mutations(count=40, seed=3, operators="torch") == drawn

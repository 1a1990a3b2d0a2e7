"""A seeded sample of the regrade sweep (scripts/regrade_sweep.py; the whole sweep over every example runs as a
script): examples graded as a class with grade-all, then each regraded from its record, and reproduced."""
from __future__ import annotations

import random
from pathlib import Path

from tests.fuzz.scripts import load_script


def test_a_seeded_sample_of_examples_regrades_to_the_same_grades(tmp_path: Path) -> None:
    sweep = load_script("regrade_sweep")
    tensor_examples = [f for f in sweep.examples(accuracy=False)
                       if sweep.load_example(f)["assignment"] == "pytorch_tensor"]  # one answer key to probe
    chosen = sorted(random.Random(7).sample(tensor_examples, 3))
    summary = sweep.sweep(chosen=chosen, work=tmp_path, jobs=2, accuracy=False, data_dir=None)
    assert summary["students"] == 3
    assert summary["reproduced"] == 3, [r for r in summary["results"] if not r["same"]]
    assert all(r["score"] == r["regraded"] for r in summary["results"])

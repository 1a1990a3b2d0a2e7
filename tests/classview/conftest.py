"""A class of 13 pytorch_tensor students graded once for real (sandbox and all) by `grade_all`, shared by the
classview tests: mixed outcomes, three students with the same mistake (a misconception cluster), hostile entry
names and a student whose error message holds a script."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.course import grade_all
from tests.course.classrooms import build_classroom

HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">'
SCRIPT_NAME = "<script>window.__pwned=2<script>"
MESSAGE_SCRIPT = "</script><script>window.__pwned=3</script><b>bold</b>"
CLASS = {
    "kim": "submissions/passesAll_pytorch_tensor",
    "lee": "submissions/failsMatrixSumInPlace",
    "baek": "submissions/failsMatrixSumInPlace",
    "park": "submissions/failsZerosOnesSwapped",
    "choi": "submissions/failsAll_pytorch_tensor_starter",
    "jung": "submissions/passesVariant_numpyFunctions",
    "han": "hostile/failsArithmetic_patchesComparisons",
    "oh": "hostile/failsZeros_forgesReportLines",
    "seo": "submissions/passesVariant_cs231nLoops",
    "moon": "submissions/failsMeanIgnoresAxis",
    HOSTILE_NAME: "submissions/failsMatrixSumInPlace",
    SCRIPT_NAME: "submissions/failsZerosOnesSwapped",
}
RAISES_SCRIPT = "ryu"  # passes all but matrix_transpose, which raises an error whose text is a script


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The graded folder (`grade-all --out`) of CLASS plus RAISES_SCRIPT, without the accuracy checks."""
    root = build_classroom(tmp_path_factory.mktemp("classroom"), tmp_path_factory.mktemp("built"), CLASS)
    solutions = Path(__file__).resolve().parents[2] / "solutions" / "pytorch_tensor"
    shutil.copytree(solutions, root / RAISES_SCRIPT / "pytorch_tensor", ignore=shutil.ignore_patterns("__pycache__"))
    module = root / RAISES_SCRIPT / "pytorch_tensor" / "tensor_basics.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n\ndef matrix_transpose(a):\n"
                      f"    raise ValueError({MESSAGE_SCRIPT!r})\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("graded") / "graded"
    grade_all(submissions=root, out=out, jobs=2, assignment="pytorch_tensor", allow_unconfined=True,
              cache_dir=tmp_path_factory.mktemp("cache"))
    return out

"""Checks of `vector_ops`, in report order."""
from __future__ import annotations

from functools import partial
from typing import Any

from autograder.feedback.language import pair
from autograder.grade.checks.common import compare_all
from autograder.grade.registry import Verdict
from autograder.grade.registry import check as _check

from .keys import DOT, NORMALIZE, NORMALIZE_KEEPS_INPUT

check = partial(_check, assignment="vector_ops")


@check("dot", title="TODO 1 dot")
def dot(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return compare_all(student, reference, hints={DOT: pair("np.sum(a * b)를 돌려주세요", "Return np.sum(a * b).")})


@check("normalize", title="TODO 2 normalize")
def normalize(student: dict[str, Any], reference: dict[str, Any]) -> Verdict:
    return compare_all(student, reference, hints={
        NORMALIZE: pair("v / np.linalg.norm(v)를 돌려주세요", "Return v / np.linalg.norm(v)."),
        NORMALIZE_KEEPS_INPUT: pair("v를 바꾸지 마세요", "Leave v as it was (no v /= ...)."),
    })

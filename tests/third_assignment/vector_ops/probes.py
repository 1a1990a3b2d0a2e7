"""Probes of `vector_ops` (they run in the child, on the student's module and on the answer key's)."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.probes.common import attempt

from .keys import DOT, DOT_INTEGERS, NORMALIZE, NORMALIZE_KEEPS_INPUT


def probe_dot(vectors: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    a, b = np.array([1.5, -2.0, 3.0]), np.array([4.0, 0.5, -1.0])  # (3,), (3,)
    return {DOT: attempt(vectors.dot, a, b), DOT_INTEGERS: attempt(vectors.dot, np.arange(4), np.arange(4))}


def probe_normalize(vectors: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    v = np.array([3.0, -4.0, 0.0])  # (3,)
    before = v.copy()
    result = attempt(vectors.normalize, v)
    return {NORMALIZE: result, NORMALIZE_KEEPS_INPUT: bool(np.array_equal(v, before))}

"""Input spaces: the inputs a probe tries a function on, drawn from declared edge classes (runs in the child).

A probe that calls a function on one easy input (an ascending float64 (3, 4) matrix) observes only part of what
its docstring promises: an integer or float32 input, a size-1 dimension, repeated or unsorted values and a
non-contiguous array are where wrong code and right code part. An `ArraySpace` names those classes for one
argument; `draw` makes one input per class (edge classes first, then by size), seeded, so the student's code
and the answer key see the same inputs. Each input carries a label that says what it is and, when small, its
values, so a message names the smallest input on which the student's result differs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

VALUE_CLASSES = ("mixed", "repeated", "negative")  # signs mixed and unsorted; few distinct values; all below 0
SHOWN_ELEMENTS = 8  # an input of at most this many elements is shown whole in its label


@dataclass(frozen=True)
class ArraySpace:
    """The classes of one array argument: each dtype, shape, value class and layout is tried at least once."""

    dtypes: tuple[str, ...] = ("float64",)
    shapes: tuple[tuple[int, ...], ...] = ((3, 4),)
    values: tuple[str, ...] = ("mixed",)
    non_contiguous: bool = False  # also a transposed (non-contiguous) view


@dataclass(frozen=True)
class Case:
    """One drawn input: `array` (a fresh copy per call with `fresh()`) and the `label` a key names it by."""

    label: str
    array: np.ndarray

    def fresh(self) -> np.ndarray:
        """A copy with the same layout (a transposed case stays non-contiguous)."""
        if self.array.flags.c_contiguous or self.array.ndim < 2:
            return self.array.copy()
        return self.array.T.copy().T


def _values(rng: np.random.Generator, kind: str, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if kind == "repeated":
        raw = rng.integers(-2, 3, size=shape).astype(np.float64)
    elif kind == "negative":
        raw = -rng.integers(1, 10, size=shape).astype(np.float64) - (0.0 if dtype.startswith("int") else 0.5)
    else:
        raw = rng.integers(-9, 10, size=shape).astype(np.float64)
        if not dtype.startswith("int"):
            raw = raw + np.round(rng.random(shape), 2)
    return raw.astype(dtype)


def label_of(array: np.ndarray, *, transposed: bool = False, kind: str = "") -> str:
    """`int64 (2, 3) [[...]]`: dtype, shape, layout, and the values of a small array (else its value class)."""
    layout = ", not contiguous" if transposed else ""
    if array.size <= SHOWN_ELEMENTS:
        values = " ".join(np.array2string(array, separator=", ").split())
        return f"{array.dtype} {tuple(array.shape)}{layout} = {values}"
    return f"{array.dtype} {tuple(array.shape)}{layout}, {kind} values"


def draw(space: ArraySpace, *, seed: int) -> list[Case]:
    """One case per class of `space` (the first dtype, shape and value class as the base, each other class
    varied from it), smallest first; the same `seed` gives the same cases."""
    rng = np.random.default_rng(seed)
    base = (space.dtypes[0], space.shapes[0], space.values[0])
    combos = [base]
    combos += [(d, base[1], base[2]) for d in space.dtypes[1:]]
    combos += [(base[0], s, base[2]) for s in space.shapes[1:]]
    combos += [(base[0], base[1], v) for v in space.values[1:]]
    cases = []
    for dtype, shape, kind in combos:
        array = _values(rng, kind, shape, dtype)
        cases.append(Case(label_of(array, kind=kind), array))
    if space.non_contiguous:
        dtype, shape, kind = base
        array = _values(rng, kind, shape[::-1], dtype).T  # (shape) as a transposed view
        cases.append(Case(label_of(array, transposed=True, kind=kind), array))
    order = sorted(range(len(cases)), key=lambda i: (cases[i].array.size, i))
    return [cases[i] for i in order]


def described(call: str, cases: list[Case], results: list[Any]) -> dict[str, Any]:
    """{'CALL for LABEL': result}: one key per case, in the cases' order (smallest first)."""
    return {f"{call} for {case.label}": result for case, result in zip(cases, results)}

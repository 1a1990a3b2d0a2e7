"""Input spaces: one input per declared class, seeded, smallest first, labelled so a message names the input."""
from __future__ import annotations

import numpy as np

from autograder.probes.spaces import ArraySpace, described, draw

SPACE = ArraySpace(dtypes=("int64", "float32", "bool"), shapes=((3, 4), (1, 5), (5, 1)),
                   values=("mixed", "repeated", "negative"), non_contiguous=True)


def test_every_class_is_drawn_once_and_the_same_seed_draws_the_same_inputs() -> None:
    cases = draw(SPACE, seed=3)
    again = draw(SPACE, seed=3)
    assert [c.label for c in cases] == [c.label for c in again]
    assert all(np.array_equal(a.array, b.array) for a, b in zip(cases, again))
    assert len(cases) == 1 + 2 + 2 + 2 + 1  # the base, each other dtype, shape and value class, a transposed view
    assert {str(c.array.dtype) for c in cases} == {"int64", "float32", "bool"}
    assert {c.array.shape for c in cases} >= {(3, 4), (1, 5), (5, 1)}
    other = draw(SPACE, seed=4)
    assert any(not np.array_equal(a.array, b.array) for a, b in zip(cases, other))


def test_smallest_first_and_small_inputs_show_their_values() -> None:
    cases = draw(SPACE, seed=3)
    sizes = [c.array.size for c in cases]
    assert sizes == sorted(sizes)
    small = next(c for c in cases if c.array.shape == (1, 5))
    assert small.label.startswith("int64 (1, 5) = [[") and str(int(small.array[0, 0])) in small.label


def test_value_classes_have_what_they_promise() -> None:
    cases = {c.label: c.array for c in draw(SPACE, seed=5)}
    negative = next(a for label, a in cases.items() if "negative" in label)
    repeated = next(a for label, a in cases.items() if "repeated" in label)
    assert (negative < 0).all()
    assert len(np.unique(repeated)) < repeated.size  # repeats
    mixed = next(a for label, a in cases.items() if label.startswith("int64 (3, 4), mixed"))
    assert (mixed < 0).any() and (mixed > 0).any() and not (np.diff(mixed.reshape(-1)) >= 0).all()  # unsorted


def test_a_transposed_case_stays_non_contiguous_in_every_fresh_copy() -> None:
    case = next(c for c in draw(SPACE, seed=3) if "not contiguous" in c.label)
    copy = case.fresh()
    assert not copy.flags.c_contiguous and np.array_equal(copy, case.array)
    copy[0, 0] = 99  # a fresh copy: the drawn input is not changed by a call that writes into it
    assert case.array[0, 0] != 99 or case.fresh()[0, 0] == case.array[0, 0]
    assert not np.shares_memory(copy, case.array)


def test_described_keys_name_the_call_and_the_input() -> None:
    cases = draw(ArraySpace(shapes=((1, 2),)), seed=0)
    assert list(described("f(m)", cases, ["r"])) == [f"f(m) for {cases[0].label}"]

"""Compare a student's value with the reference's and say, in words, how they differ.

Messages follow one pattern: name the object, then what was got and what was expected, e.g.
`'scores' has the wrong shape: got (64, 100), expected (64, 10)`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.run.values import ErrorValue, TensorValue


NUMERIC_KINDS = "biufc"  # numpy dtype kinds of numbers (booleans included)


def describe(value: Any) -> str:
    """A short description of a value for messages."""
    if isinstance(value, TensorValue):
        where = f" on {value.device}" if value.kind == "tensor" else ""
        name = "tensor" if value.kind == "tensor" else "numpy array"
        return f"a {name} of shape {value.shape} and dtype {value.dtype}{where}"
    if isinstance(value, ErrorValue):
        return f"an error ({value})"
    if isinstance(value, tuple) and len(value) == 2 and value[0] in ("device", "dtype"):
        return f"{value[0]} {value[1]}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if value is None:
        return "None"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _values_text(array: np.ndarray) -> str:
    text = np.array2string(np.asarray(array), precision=4, threshold=12, edgeitems=3, separator=", ")
    return " ".join(text.split())


def _one_value(value: Any) -> str:
    if isinstance(value, np.floating):
        return f"{float(value):.4g}"
    return _values_text(np.asarray(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compare(name: str, got: Any, expected: Any, *, rtol: float = 1e-5, atol: float = 1e-6,
            check_dtype: bool = True) -> str | None:
    """None when `got` matches `expected`, else a message that names `name`."""
    if isinstance(got, ErrorValue):
        if isinstance(expected, ErrorValue):
            return None if got.type == expected.type else \
                f"'{name}' raised {got.type}, expected {expected.type}"
        if got.not_implemented:
            return f"TODO not done: {got.message}"
        return f"'{name}' raised {got}"
    if isinstance(expected, ErrorValue):
        return f"'{name}' should raise {expected.type}, but it returned {describe(got)}"
    if isinstance(expected, TensorValue):
        return _compare_arrays(name, got, expected, rtol=rtol, atol=atol, check_dtype=check_dtype)
    if _is_number(expected):
        if isinstance(got, TensorValue) and got.array.size == 1:
            got = got.array.reshape(()).item()
        if not _is_number(got):
            return f"'{name}' has the wrong type: got {describe(got)}, expected a number like {expected!r}"
        try:
            number = float(got)
        except OverflowError:
            return (f"'{name}'의 값이 틀렸습니다 / '{name}' has the wrong value: got an integer of "
                    f"{len(str(abs(got)))} digits, expected {expected:.6g}")
        if not np.isclose(number, expected, rtol=rtol, atol=atol):
            return f"'{name}' has the wrong value: got {number:.6g}, expected {expected:.6g}"
        return None
    if isinstance(expected, (list, tuple)) and not (len(expected) == 2 and expected[0] in ("device", "dtype")):
        if not isinstance(got, (list, tuple)):
            return f"'{name}' has the wrong type: got {describe(got)}, expected a {type(expected).__name__}"
        if len(got) != len(expected):
            return f"'{name}' has the wrong length: got {len(got)}, expected {len(expected)}"
        for index, (g, e) in enumerate(zip(got, expected)):
            message = compare(f"{name}[{index}]", g, e, rtol=rtol, atol=atol, check_dtype=check_dtype)
            if message:
                return message
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"'{name}' has the wrong type: got {describe(got)}, expected a dict"
        for key, value in expected.items():
            message = compare(f"{name}[{key!r}]", got.get(key), value, rtol=rtol, atol=atol, check_dtype=check_dtype)
            if message:
                return message
        return None
    if got != expected:
        return f"'{name}' is wrong: got {describe(got)}, expected {describe(expected)}"
    return None


def _compare_arrays(name: str, got: Any, expected: TensorValue, *, rtol: float, atol: float,
                    check_dtype: bool) -> str | None:
    noun = "tensor" if expected.kind == "tensor" else "numpy array"
    if not isinstance(got, TensorValue):
        return f"'{name}' has the wrong type: got {describe(got)}, expected a {noun}"
    if got.kind != expected.kind:
        return f"'{name}' has the wrong type: got {describe(got)}, expected a {noun}"
    if got.shape != expected.shape:
        return f"'{name}' has the wrong shape: got {got.shape}, expected {expected.shape}"
    if check_dtype and got.dtype != expected.dtype:
        return f"'{name}' has the wrong dtype: got {got.dtype}, expected {expected.dtype}"
    if expected.kind == "tensor" and got.device != expected.device:
        return f"'{name}' is on the wrong device: got {got.device}, expected {expected.device}"
    if expected.kind == "tensor" and got.requires_grad and not expected.requires_grad:
        return (f"'{name}'이(가) 아직 autograd 그래프에 연결되어 있습니다 / '{name}' is still attached to the autograd "
                "graph (requires_grad=True): return it detached (.detach(), or .item() for a number)")
    a, b = np.asarray(got.array), np.asarray(expected.array)
    if (a.dtype.kind in NUMERIC_KINDS) != (b.dtype.kind in NUMERIC_KINDS):
        return (f"'{name}'의 값 종류가 틀렸습니다 (숫자가 아님) / '{name}' holds the wrong kind of values: "
                f"got {describe(got)}, expected {describe(expected)}")
    if a.dtype.kind not in NUMERIC_KINDS:
        equal = a.dtype == b.dtype and np.array_equal(a, b)
    elif a.dtype.kind in "fc" or b.dtype.kind in "fc":
        equal = np.allclose(a.astype(np.float64), b.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True)
    else:
        equal = np.array_equal(a, b)
    if not equal:
        if a.size <= SHOWN_VALUES:
            return f"'{name}' has the wrong values: got {_values_text(a)}, expected {_values_text(b)}"
        return f"'{name}' has the wrong values: {_where_values_differ(a, b, rtol=rtol, atol=atol)}"
    return None


SHOWN_VALUES = 12  # arrays up to this size are shown whole in a message; larger ones by where they differ


def _where_values_differ(a: np.ndarray, b: np.ndarray, *, rtol: float, atol: float) -> str:
    """How many values differ, the first one that does (index, got, expected) and the largest difference:
    a few numbers instead of two whole arrays."""
    if a.dtype.kind in NUMERIC_KINDS and b.dtype.kind in NUMERIC_KINDS:
        x, y = a.astype(np.float64), b.astype(np.float64)
        differs = ~np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=True)
    else:
        x, y = a, b
        differs = a != b
    index = tuple(int(i) for i in np.argwhere(differs)[0])
    text = (f"{int(differs.sum())} of {a.size} differ; the first at {list(index)}: got {_one_value(a[index])}, "
            f"expected {_one_value(b[index])}")
    if x.dtype.kind == "f":
        gap = np.abs(x - y)[differs]
        gap = gap[np.isfinite(gap)]
        if gap.size:
            text += f" (largest difference {float(gap.max()):.3g})"
    return text


def first_difference(got: dict[str, Any], expected: dict[str, Any], **options: Any) -> str | None:
    """Compare every key of the reference's probe result; the first difference's message, or None."""
    for key, value in expected.items():
        message = compare(key, got.get(key), value, **options)
        if message:
            return message
    return None

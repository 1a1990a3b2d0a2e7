"""Compare a student's value with the reference's and say, in words, how they differ.

Messages follow one pattern: name the object, then what was got and what was expected, e.g.
`'scores' has the wrong shape: got (64, 100), expected (64, 10)`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.feedback.catalog import Both, bilingual, both
from autograder.feedback.language import pair
from autograder.run.values import NOT_IMPLEMENTED, UNGRADABLE, ErrorValue, TensorValue


NUMERIC_KINDS = "biufc"  # numpy dtype kinds of numbers (booleans included)


# torch's words when code asks for a GPU that the grader does not give it (a hard-coded .cuda() or 'cuda'), and when
# tensors on two devices meet (a .to(device) forgotten, seen on a GPU grader): what the student should do instead.
NO_GPU_ERRORS = ("Found no NVIDIA driver", "Torch not compiled with CUDA enabled", "No CUDA GPUs are available")
TWO_DEVICES_ERRORS = ("Expected all tensors to be on the same device",)
NO_GPU_HINT = Both("GPU가 없는 채점기에서 .cuda()나 'cuda'로 GPU를 직접 지정했습니다. 주어진 device로 .to(device)를 쓰세요",
                   "your code asked for the GPU itself (.cuda() or 'cuda') on a grader without one; use "
                   ".to(device) with the device you are given")
TWO_DEVICES_HINT = Both("텐서와 모델이 서로 다른 device에 있습니다. 모델과 배치를 모두 .to(device)로 옮기세요",
                        "tensors on two devices met; move the model and every batch with .to(device)")


def device_hint(message: str) -> Both | None:
    """The hint for an error that torch raises where code ignores the device it is given, or None."""
    if any(words in message for words in NO_GPU_ERRORS):
        return NO_GPU_HINT
    if any(words in message for words in TWO_DEVICES_ERRORS):
        return TWO_DEVICES_HINT
    return None


def error_both(error: Any) -> Both:
    """An error for a message: in Korean its type and where it happened (the exception's own words are
    English), in English all of it, each with the device hint where one applies. Anything but an ErrorValue: its
    text, in both."""
    if not isinstance(error, ErrorValue):
        return Both(str(error), str(error))
    shown = Both(f"{error.type} ({error.where})" if error.where else error.type, str(error))
    hint = device_hint(error.message)
    return shown if hint is None else Both(f"{shown.ko} — {hint.ko}", f"{shown.en} — {hint.en}")


def todo_not_done(error: ErrorValue) -> str:
    """The message for a TODO's stub that still raises NotImplementedError, said once: 'TODO not done: run: TODO 8
    step 1)' (the stub's own words, 'run: TODO 8 step 1) — 아직 구현하지 않았습니다 / not implemented yet' from the
    release build, less their 'not implemented yet'); a stub of other words keeps them, each half in its language."""
    where = error.message.replace(f" — {NOT_IMPLEMENTED}", "")
    message = where.replace(NOT_IMPLEMENTED, pair(*NOT_IMPLEMENTED.split(" / ", 1)))
    return bilingual("TODO not done: {message}", message=message)


def ungradable(name: str, error: ErrorValue) -> str:
    """The message for a value the student's code returned that cannot be graded (the child could not encode it)."""
    return bilingual("'{name}': the value your code returned cannot be graded ({detail}); return numbers, arrays "
                     "or tensors as the docstring asks", name=name, detail=error.message)


def describe(value: Any) -> str:
    """A short description of a value for messages (English; `describe_both` gives both languages)."""
    return describe_both(value).en


def describe_both(value: Any) -> Both:
    """A short description of a value for messages, in Korean and in English."""
    if isinstance(value, TensorValue):
        if value.kind == "tensor":
            return both("a tensor of shape {shape} and dtype {dtype} on {device}", shape=value.shape,
                        dtype=value.dtype, device=value.device)
        return both("a numpy array of shape {shape} and dtype {dtype}", shape=value.shape, dtype=value.dtype)
    if isinstance(value, ErrorValue):
        return both("an error ({error})", error=value)
    if isinstance(value, tuple) and len(value) == 2 and value[0] in ("device", "dtype"):
        return Both(f"{value[0]} {value[1]}", f"{value[0]} {value[1]}")
    if isinstance(value, (list, tuple)):
        return both("a {kind} of {count} items", kind=type(value).__name__, count=len(value))
    if value is None:
        return Both("None", "None")
    text = repr(value)
    text = text if len(text) <= 80 else text[:77] + "..."
    return Both(text, text)


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
    """None when `got` matches `expected`, else a message that names `name` (Korean first, English beside it)."""
    if isinstance(got, ErrorValue):
        if isinstance(expected, ErrorValue):
            return None if got.type == expected.type else \
                bilingual("'{name}' raised {got}, expected {expected}", name=name, got=got.type, expected=expected.type)
        if got.not_implemented:
            return todo_not_done(got)
        if got.type == UNGRADABLE:
            return ungradable(name, got)
        return bilingual("'{name}' raised {error}", name=name, error=error_both(got))
    if isinstance(expected, ErrorValue):
        return bilingual("'{name}' should raise {expected}, but it returned {got}", name=name, expected=expected.type,
                         got=describe_both(got))
    if isinstance(expected, TensorValue):
        return _compare_arrays(name, got, expected, rtol=rtol, atol=atol, check_dtype=check_dtype)
    if _is_number(expected):
        if isinstance(got, TensorValue) and got.array.size == 1:
            got = got.array.reshape(()).item()
        if not _is_number(got):
            return bilingual("'{name}' has the wrong type: got {got}, expected a number like {expected}", name=name,
                             got=describe_both(got), expected=repr(expected))
        try:
            number = float(got)
        except OverflowError:
            return bilingual("'{name}' has the wrong value: got an integer of {digits} digits, expected {expected}",
                             name=name, digits=len(str(abs(got))), expected=f"{expected:.6g}")
        if not np.isclose(number, expected, rtol=rtol, atol=atol):
            return bilingual("'{name}' has the wrong value: got {got}, expected {expected}", name=name,
                             got=f"{number:.6g}", expected=f"{expected:.6g}")
        return None
    if isinstance(expected, (list, tuple)) and not (len(expected) == 2 and expected[0] in ("device", "dtype")):
        if not isinstance(got, (list, tuple)):
            return _wrong_type(name, got, type(expected).__name__)
        if len(got) != len(expected):
            return bilingual("'{name}' has the wrong length: got {got}, expected {expected}", name=name, got=len(got),
                             expected=len(expected))
        for index, (g, e) in enumerate(zip(got, expected)):
            message = compare(f"{name}[{index}]", g, e, rtol=rtol, atol=atol, check_dtype=check_dtype)
            if message:
                return message
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return _wrong_type(name, got, "dict")
        for key, value in expected.items():
            message = compare(f"{name}[{key!r}]", got.get(key), value, rtol=rtol, atol=atol, check_dtype=check_dtype)
            if message:
                return message
        return None
    if got != expected:
        return bilingual("'{name}' is wrong: got {got}, expected {expected}", name=name, got=describe_both(got),
                         expected=describe_both(expected))
    return None


def _wrong_type(name: str, got: Any, expected: str) -> str:
    return bilingual("'{name}' has the wrong type: got {got}, expected a {expected}", name=name, got=describe_both(got),
                     expected=expected)


def _compare_arrays(name: str, got: Any, expected: TensorValue, *, rtol: float, atol: float,
                    check_dtype: bool) -> str | None:
    noun = "tensor" if expected.kind == "tensor" else "numpy array"
    if not isinstance(got, TensorValue) or got.kind != expected.kind:
        return _wrong_type(name, got, noun)
    if got.shape != expected.shape:
        return bilingual("'{name}' has the wrong shape: got {got}, expected {expected}", name=name, got=got.shape,
                         expected=expected.shape)
    if check_dtype and got.dtype != expected.dtype:
        return bilingual("'{name}' has the wrong dtype: got {got}, expected {expected}", name=name, got=got.dtype,
                         expected=expected.dtype)
    if expected.kind == "tensor" and got.device != expected.device:
        return bilingual("'{name}' is on the wrong device: got {got}, expected {expected}", name=name, got=got.device,
                         expected=expected.device)
    if expected.kind == "tensor" and got.requires_grad and not expected.requires_grad:
        return bilingual("'{name}' is still attached to the autograd graph (requires_grad=True): return it detached "
                         "(.detach(), or .item() for a number)", name=name)
    a, b = np.asarray(got.array), np.asarray(expected.array)
    if (a.dtype.kind in NUMERIC_KINDS) != (b.dtype.kind in NUMERIC_KINDS):
        return bilingual("'{name}' holds the wrong kind of values: got {got}, expected {expected}", name=name,
                         got=describe_both(got), expected=describe_both(expected))
    if a.dtype.kind not in NUMERIC_KINDS:
        equal = a.dtype == b.dtype and np.array_equal(a, b)
    elif a.dtype.kind in "fc" or b.dtype.kind in "fc":
        equal = np.allclose(a.astype(np.float64), b.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True)
    else:
        equal = np.array_equal(a, b)
    if not equal:
        if a.size <= SHOWN_VALUES:
            return bilingual("'{name}' has the wrong values: got {got}, expected {expected}", name=name,
                             got=_values_text(a), expected=_values_text(b))
        return bilingual("'{name}' has the wrong values: {where}", name=name,
                         where=_where_values_differ(a, b, rtol=rtol, atol=atol))
    return None


SHOWN_VALUES = 12  # arrays up to this size are shown whole in a message; larger ones by where they differ


def _where_values_differ(a: np.ndarray, b: np.ndarray, *, rtol: float, atol: float) -> Both:
    """How many values differ, the first one that does (index, got, expected) and the largest difference:
    a few numbers instead of two whole arrays."""
    if a.dtype.kind in NUMERIC_KINDS and b.dtype.kind in NUMERIC_KINDS:
        x, y = a.astype(np.float64), b.astype(np.float64)
        differs = ~np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=True)
    else:
        x, y = a, b
        differs = a != b
    index = tuple(int(i) for i in np.argwhere(differs)[0])
    text = both("{count} of {size} differ; the first at {index}: got {got}, expected {expected}",
                count=int(differs.sum()), size=a.size, index=list(index), got=_one_value(a[index]),
                expected=_one_value(b[index]))
    if x.dtype.kind == "f":
        gap = np.abs(x - y)[differs]
        gap = gap[np.isfinite(gap)]
        if gap.size:
            extra = both(" (largest difference {gap})", gap=f"{float(gap.max()):.3g}")
            text = Both(text.ko + extra.ko, text.en + extra.en)
    return text


def first_difference(got: dict[str, Any], expected: dict[str, Any], **options: Any) -> str | None:
    """Compare every key of the reference's probe result; the first difference's message, or None."""
    for key, value in expected.items():
        message = compare(key, got.get(key), value, **options)
        if message:
            return message
    return None

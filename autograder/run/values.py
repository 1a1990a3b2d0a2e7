"""Plain-data encoding of probe results: JSON for structure, one `.npz` for arrays.

A value is encoded to JSON-able data where tensors and arrays become references into an array store;
exceptions raised by student code become `{"__error__": ...}` records. Decoding never unpickles:
arrays are read with `np.load(allow_pickle=False)`.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAX_ITEMS = 10_000  # longest list/dict a probe may return (guards against runaway output)


@dataclass(frozen=True)
class TensorValue:
    """A tensor or array that came back from the child, with where it lived."""

    array: np.ndarray
    kind: str  # 'tensor' or 'ndarray'
    dtype: str  # e.g. 'torch.float32' or 'float64'
    device: str | None = None
    requires_grad: bool = False

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape, as a tuple of ints."""
        return tuple(int(n) for n in self.array.shape)


@dataclass(frozen=True)
class ErrorValue:
    """An exception raised by student code while a probe ran."""

    type: str
    message: str
    where: str = ""

    @property
    def not_implemented(self) -> bool:
        """True when the student left a TODO stub in place."""
        return self.type == "NotImplementedError"

    def __str__(self) -> str:
        text = f"{self.type}: {self.message}" if self.message else self.type
        return f"{text} ({self.where})" if self.where else text


def encode(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Encode `value` into JSON-able data, putting array payloads into `arrays` (runs in the child)."""
    import torch  # the child always has torch; imported here so the parent can use decode() cheaply

    if isinstance(value, ErrorValue):
        return {"__error__": {"type": value.type, "message": value.message, "where": value.where}}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else {"__float__": repr(number)}
    if type(value).__name__ == "Tensor" or isinstance(value, torch.Tensor):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"unexpected tensor-like object {type(value).__name__}")
        key = f"a{len(arrays)}"
        device = str(value.device)
        plain = torch.Tensor.as_subclass(value, torch.Tensor).detach()  # a subclass is read as a plain tensor
        if device == "meta":
            payload = np.zeros(tuple(plain.shape), dtype=np.float32)
        else:
            payload = plain.detach().cpu().resolve_conj().resolve_neg().numpy().copy()
        arrays[key] = payload
        return {"__tensor__": key, "kind": "tensor", "dtype": str(plain.dtype), "device": device,
                "requires_grad": bool(value.requires_grad), "shape": list(plain.shape)}
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise TypeError("numpy arrays of Python objects cannot be graded")
        key = f"a{len(arrays)}"
        arrays[key] = np.array(value, copy=True)
        return {"__tensor__": key, "kind": "ndarray", "dtype": str(value.dtype), "device": None,
                "requires_grad": False, "shape": list(value.shape)}
    if isinstance(value, torch.device):
        return {"__device__": str(value)}
    if isinstance(value, torch.dtype):
        return {"__dtype__": str(value)}
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_ITEMS:
            raise ValueError(f"a list of {len(value)} items is too long to grade")
        return {"__seq__": type(value).__name__, "items": [encode(v, arrays) for v in value]}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            raise ValueError(f"a dict of {len(value)} items is too long to grade")
        return {"__dict__": {str(k): encode(v, arrays) for k, v in value.items()}}
    raise TypeError(f"a value of type {type(value).__name__} cannot be graded")


def decode(data: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Rebuild plain values from JSON data and the array store (runs in the parent)."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        raise ValueError("malformed probe result: bare list")
    if not isinstance(data, dict) or len(data) == 0:
        raise ValueError("malformed probe result")
    if "__error__" in data:
        err = data["__error__"]
        return ErrorValue(type=str(err.get("type", "")), message=str(err.get("message", "")), where=str(err.get("where", "")))
    if "__float__" in data:
        return float(data["__float__"])
    if "__tensor__" in data:
        key = str(data["__tensor__"])
        if key not in arrays:
            raise ValueError(f"malformed probe result: array {key!r} is missing")
        array = arrays[key]
        if list(array.shape) != list(data.get("shape", [])):
            raise ValueError("malformed probe result: array shape disagrees with its record")
        return TensorValue(array=array, kind=str(data["kind"]), dtype=str(data["dtype"]),
                           device=data.get("device"), requires_grad=bool(data.get("requires_grad", False)))
    if "__device__" in data:
        return ("device", str(data["__device__"]))
    if "__dtype__" in data:
        return ("dtype", str(data["__dtype__"]))
    if "__seq__" in data:
        items = [decode(v, arrays) for v in data["items"]]
        return tuple(items) if data["__seq__"] == "tuple" else items
    if "__dict__" in data:
        return {k: decode(v, arrays) for k, v in data["__dict__"].items()}
    raise ValueError("malformed probe result: unknown record")


def write_result(path: Path, value: Any) -> None:
    """Write an encoded value as `<path>.json` and `<path>.npz` (child side)."""
    arrays: dict[str, np.ndarray] = {}
    data = encode(value, arrays)
    np.savez(path.with_suffix(".npz"), **arrays)
    path.with_suffix(".json").write_text(json.dumps(data), encoding="utf-8")


def read_result(path: Path, *, max_bytes: int) -> Any:
    """Read a value written by `write_result`, never unpickling (parent side)."""
    json_path, npz_path = path.with_suffix(".json"), path.with_suffix(".npz")
    for file in (json_path, npz_path):
        if file.stat().st_size > max_bytes:
            raise ValueError(f"{file.name} is larger than the {max_bytes}-byte limit")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    with np.load(npz_path, allow_pickle=False) as store:
        arrays = {key: store[key] for key in store.files}
    return decode(data, arrays)

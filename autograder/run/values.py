"""Plain-data encoding of probe results: JSON for structure, one `.npz` for arrays.

A value is encoded to JSON-able data where tensors and arrays become references into an array store;
exceptions raised by student code become `{"__error__": ...}` records. Decoding never unpickles:
arrays are read with `np.load(allow_pickle=False)`, after their declared sizes were checked.

Encoding runs in the child, on objects the student's code made: it reads tensors and arrays through the
base classes' own methods (with torch-function overrides and dispatch turned off), so a subclass that
overrides `numpy()`, `__eq__`, `__torch_function__` or `device` is graded by the data it really holds.
"""
from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from autograder.feedback.inert import BLANK_LOOKING, inert
from autograder.feedback.language import unmarked

MAX_ITEMS = 10_000  # longest list/dict a probe may return (guards against runaway output)
MAX_ARRAYS = 100_000  # arrays in one result


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
        """True when the student left a TODO stub in place: a bare NotImplementedError, or the stub's own
        (which names its TODO). PyTorch's NotImplementedError ("... not implemented for 'Long'") is a real
        error of the student's code, shown with its location."""
        if self.type != "NotImplementedError":
            return False
        text = self.message.strip()
        return not text or "TODO" in text or "not implemented yet" in text or "구현하지 않았습니다" in text

    def __str__(self) -> str:
        text = f"{self.type}: {self.message}" if self.message else self.type
        return f"{text} ({self.where})" if self.where else text


#: The end of every `.py` stub's NotImplementedError message (written by autograder.assign.stubs).
NOT_IMPLEMENTED = "아직 구현하지 않았습니다 / not implemented yet"
UNGRADABLE = "UngradableResult"  # the type of the error for a value the child could not encode


def _plain_tensor(value: Any) -> Any:
    """The tensor `value` as a plain torch.Tensor, read past any subclass overrides (child side)."""
    import contextlib

    import torch

    guards = [torch._C.DisableTorchFunction()]
    if hasattr(torch._C, "_DisableTorchDispatch"):
        guards.append(torch._C._DisableTorchDispatch())
    with contextlib.ExitStack() as stack:
        for guard in guards:
            stack.enter_context(guard)
        plain = torch._C.TensorBase.as_subclass(value, torch.Tensor)
        device = str(plain.device)
        requires_grad = bool(plain.requires_grad)
        plain = plain.detach()
        if device == "meta":
            payload = np.zeros(tuple(plain.shape), dtype=np.float32)
        else:
            payload = np.ndarray.copy(plain.cpu().resolve_conj().resolve_neg().numpy())
        return plain, device, requires_grad, payload


def encode(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Encode `value` into JSON-able data, putting array payloads into `arrays` (runs in the child)."""
    import torch  # the child always has torch; imported here so the parent can use decode() cheaply

    if isinstance(value, ErrorValue):
        return {"__error__": {"type": str(value.type), "message": str(value.message), "where": str(value.where)}}
    if value is None or value is True or value is False:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float.__float__(value) if isinstance(value, float) else float(value)
        return number if math.isfinite(number) else {"__float__": repr(number)}
    if type(value).__name__ == "Tensor" or isinstance(value, torch.Tensor):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"unexpected tensor-like object {type(value).__name__}")
        try:
            plain, device, requires_grad, payload = _plain_tensor(value)
        except (TypeError, RuntimeError) as exc:
            raise TypeError(f"a tensor of type {type(value).__name__} cannot be read ({exc})") from None
        if payload.dtype.hasobject:
            raise TypeError("tensors of Python objects cannot be graded")
        key = f"a{len(arrays)}"
        arrays[key] = payload
        return {"__tensor__": key, "kind": "tensor", "dtype": str(plain.dtype), "device": device,
                "requires_grad": requires_grad, "shape": list(payload.shape)}
    if isinstance(value, np.ndarray):
        try:
            base = np.ndarray.copy(np.ndarray.view(value, np.ndarray))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"an array of type {type(value).__name__} cannot be read ({exc})") from None
        if base.dtype.hasobject:
            raise TypeError("numpy arrays of Python objects cannot be graded")
        key = f"a{len(arrays)}"
        arrays[key] = base
        return {"__tensor__": key, "kind": "ndarray", "dtype": str(base.dtype), "device": None,
                "requires_grad": False, "shape": list(base.shape)}
    if isinstance(value, torch.device):
        return {"__device__": str(value)}
    if isinstance(value, torch.dtype):
        return {"__dtype__": str(value)}
    if isinstance(value, (list, tuple)):
        items = list(tuple.__iter__(value) if isinstance(value, tuple) else list.__iter__(value))
        if len(items) > MAX_ITEMS:
            raise ValueError(f"a list of {len(items)} items is too long to grade")
        return {"__seq__": type(value).__name__, "items": [encode(v, arrays) for v in items]}
    if isinstance(value, dict):
        pairs = list(dict.items(value))
        if len(pairs) > MAX_ITEMS:
            raise ValueError(f"a dict of {len(pairs)} items is too long to grade")
        return {"__dict__": {str(k): encode(v, arrays) for k, v in pairs}}
    raise TypeError(f"a value of type {type(value).__name__} cannot be graded")


def shown_plain(text: str) -> str:
    """A text the child sent, with every backslash, control, format, separator and surrogate character written as
    a visible escape: one line whatever it held, so no message that quotes it can gain a line or a terminal code.
    The mapping is one-to-one, so two texts compare equal after it exactly when they did before (the answer key's
    texts pass through it too)."""
    if text.isprintable() and "\\" not in text and not BLANK_LOOKING.intersection(text):
        return text
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == " " or (char.isprintable() and char not in BLANK_LOOKING):
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return "".join(out)


def decode(data: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Rebuild plain values from JSON data and the array store (runs in the parent). The child's texts never
    hold the marks of a bilingual pair (autograder.feedback.language): a message part is the grader's to make."""
    if isinstance(data, str):
        return shown_plain(unmarked(data))
    if data is None or isinstance(data, (bool, int, float)):
        return data
    if isinstance(data, list):
        raise ValueError("malformed probe result: bare list")
    if not isinstance(data, dict) or len(data) == 0:
        raise ValueError("malformed probe result")
    if "__error__" in data:
        err = data["__error__"]
        if not isinstance(err, dict):
            raise ValueError("malformed probe result: error record")
        # Student code chose these texts: they are shown inert (one line, no control characters).
        return ErrorValue(type=inert(err.get("type", ""), max_chars=80), message=inert(err.get("message", "")),
                          where=inert(err.get("where", ""), max_chars=120))
    if "__float__" in data:
        return float(data["__float__"])
    if "__tensor__" in data:
        key = str(data["__tensor__"])
        if key not in arrays:
            raise ValueError(f"malformed probe result: array {key!r} is missing")
        array = arrays[key]
        if list(array.shape) != list(data.get("shape", [])):
            raise ValueError("malformed probe result: array shape disagrees with its record")
        device = data.get("device")
        return TensorValue(array=array, kind=shown_plain(str(data["kind"])), dtype=shown_plain(str(data["dtype"])),
                           device=None if device is None else shown_plain(str(device)),
                           requires_grad=bool(data.get("requires_grad", False)))
    if "__device__" in data:
        return ("device", shown_plain(str(data["__device__"])))
    if "__dtype__" in data:
        return ("dtype", shown_plain(str(data["__dtype__"])))
    if "__seq__" in data:
        items = [decode(v, arrays) for v in data["items"]]
        return tuple(items) if data["__seq__"] == "tuple" else items
    if "__dict__" in data:
        return {shown_plain(unmarked(k)): decode(v, arrays) for k, v in data["__dict__"].items()}
    raise ValueError("malformed probe result: unknown record")


def encode_result(value: Any) -> tuple[bytes, bytes]:
    """Encode a probe's result as (JSON bytes, .npz bytes) (child side)."""
    arrays: dict[str, np.ndarray] = {}
    data = encode(value, arrays)
    text = json.dumps(data).encode("utf-8")
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return text, buffer.getvalue()


def _load_npz(payload: bytes, *, max_bytes: int) -> dict[str, np.ndarray]:
    """Read an .npz payload without unpickling and without trusting its declared sizes blindly: every
    member must be an uncompressed-size-checked .npy whose header promises no more data than it holds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile as exc:
        raise ValueError(f"malformed array store ({exc})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ARRAYS:
            raise ValueError("malformed array store: too many arrays")
        if sum(m.file_size for m in members) > max_bytes:
            raise ValueError(f"the arrays are larger than the {max_bytes}-byte limit")
        arrays: dict[str, np.ndarray] = {}
        for member in members:
            if not member.filename.endswith(".npy"):
                raise ValueError("malformed array store: a member is not an array")
            with archive.open(member) as handle:
                version = np.lib.format.read_magic(handle)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
                elif version == (2, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
                else:
                    raise ValueError(f"malformed array store: .npy version {version}")
                if dtype.hasobject:
                    raise ValueError("the arrays hold Python objects, which are never unpickled")
                count = 1
                for n in shape:
                    count *= int(n)
                if count * dtype.itemsize > member.file_size:
                    raise ValueError("malformed array store: an array is shorter than its header says")
            with archive.open(member) as handle:
                arrays[member.filename[:-4]] = np.lib.format.read_array(handle, allow_pickle=False)
    return arrays


def decode_result(text: bytes, payload: bytes, *, max_bytes: int) -> Any:
    """Decode (JSON bytes, .npz bytes) from the child into plain values, never unpickling (parent side)."""
    if len(text) > max_bytes or len(payload) > max_bytes:
        raise ValueError(f"the result is larger than the {max_bytes}-byte limit")
    try:
        data = json.loads(text.decode("utf-8"))
        arrays = _load_npz(payload, max_bytes=max_bytes)
        return decode(data, arrays)
    except RecursionError:
        raise ValueError("malformed probe result: nested too deeply") from None
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - bytes the child chose: any failure to read them is the child's
        # (an encrypted or unknown-method zip member, a corrupt deflate stream, a lying header, ...)
        raise ValueError(f"malformed probe result ({type(exc).__name__}: {inert(exc, max_chars=200)})") from None


def write_result(path: Path, value: Any) -> None:
    """Write an encoded value as `<path>.json` and `<path>.npz`."""
    text, payload = encode_result(value)
    path.with_suffix(".npz").write_bytes(payload)
    path.with_suffix(".json").write_bytes(text)


def read_result(path: Path, *, max_bytes: int) -> Any:
    """Read a value written by `write_result` (or saved from the child by the parent), never unpickling."""
    json_path, npz_path = path.with_suffix(".json"), path.with_suffix(".npz")
    for file in (json_path, npz_path):
        if file.stat().st_size > max_bytes:
            raise ValueError(f"{file.name} is larger than the {max_bytes}-byte limit")
    return decode_result(json_path.read_bytes(), npz_path.read_bytes(), max_bytes=max_bytes)

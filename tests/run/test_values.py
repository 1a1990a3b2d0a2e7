"""Plain-data results: what the child encodes is the data objects really hold; what the parent decodes is never
unpickled and never trusted for its sizes."""
from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder.run.values import ErrorValue, TensorValue, decode_result, encode_result

LIMIT = 1 << 20


def roundtrip(value: object) -> object:
    text, payload = encode_result(value)
    return decode_result(text, payload, max_bytes=LIMIT)


class LyingTensor(torch.Tensor):
    """Holds zeros; claims ones everywhere it can."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        with torch._C.DisableTorchFunctionSubclass():
            return torch.ones(2, 2)

    def __eq__(self, other):  # type: ignore[override]
        return True

    def numpy(self, *args, **kwargs):  # type: ignore[override]
        return np.ones((2, 2), dtype=np.float32)

    @property
    def device(self):  # type: ignore[override]
        return torch.device("meta")


class LyingArray(np.ndarray):
    def __eq__(self, other):  # type: ignore[override]
        return True

    def view(self, *args, **kwargs):  # type: ignore[override]
        return np.ones((2, 2))

    def copy(self, *args, **kwargs):  # type: ignore[override]
        return np.ones((2, 2))


class Evil:
    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


def test_plain_values_roundtrip() -> None:
    value = {"a": [1, 2.5, None, True, "x"], "t": torch.arange(6.0).reshape(2, 3), "n": np.eye(2),
             "e": ErrorValue("ValueError", "bad", "m.py:3 in f"), "d": torch.device("cpu"), "k": (1, 2)}
    back = roundtrip(value)
    assert back["a"] == [1, 2.5, None, True, "x"] and back["k"] == (1, 2)
    assert isinstance(back["t"], TensorValue) and back["t"].kind == "tensor" and back["t"].shape == (2, 3)
    assert np.array_equal(back["t"].array, np.arange(6.0).reshape(2, 3))
    assert back["n"].kind == "ndarray" and back["e"] == ErrorValue("ValueError", "bad", "m.py:3 in f")
    assert back["d"] == ("device", "cpu")


def test_a_tensor_subclass_is_read_by_the_data_it_holds() -> None:
    with torch._C.DisableTorchFunctionSubclass():
        liar = torch.zeros(2, 2).as_subclass(LyingTensor)
    back = roundtrip({"x": liar})["x"]
    assert np.array_equal(back.array, np.zeros((2, 2))) and back.device == "cpu"


def test_an_ndarray_subclass_is_read_by_the_data_it_holds() -> None:
    liar = np.zeros((2, 2)).view(LyingArray)
    back = roundtrip({"x": liar})["x"]
    assert back.kind == "ndarray" and np.array_equal(back.array, np.zeros((2, 2)))


@pytest.mark.parametrize("value, words", [
    (b"\x80\x04pickled", "type bytes cannot be graded"),
    (np.array([object()], dtype=object), "Python objects cannot be graded"),
    (type("AlwaysEqual", (), {"__eq__": lambda self, other: True})(), "type AlwaysEqual cannot be graded"),
])
def test_values_that_are_not_plain_data_are_refused(value: object, words: str) -> None:
    with pytest.raises(TypeError, match=words):
        encode_result({"x": value})


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_pickled_arrays_are_never_unpickled(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    payload = _npz(a0=np.array([Evil(str(target))], dtype=object))
    text = json.dumps({"__dict__": {"x": {"__tensor__": "a0", "kind": "ndarray", "dtype": "object",
                                          "device": None, "requires_grad": False, "shape": [1]}}}).encode()
    with pytest.raises(ValueError, match="never unpickled"):
        decode_result(text, payload, max_bytes=LIMIT)
    assert not target.exists()


def test_an_array_header_that_promises_more_than_it_holds_is_refused() -> None:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a0.npy", header.getvalue() + b"\0" * 64)
    with pytest.raises(ValueError, match="shorter than its header"):
        decode_result(b'{"__dict__": {}}', buffer.getvalue(), max_bytes=LIMIT)


def test_a_compressed_bomb_is_refused_by_its_declared_size() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a0.npy", b"\0" * (4 * LIMIT))
    assert len(buffer.getvalue()) < LIMIT
    with pytest.raises(ValueError, match="larger than"):
        decode_result(b'{"__dict__": {}}', buffer.getvalue(), max_bytes=LIMIT)


@pytest.mark.parametrize("text", [b"not json", b"[1, 2]", b'{"__tensor__": "a9", "shape": []}', b"[" * 100_000,
                                  b'{"__dict__": 5}', b'{"__seq__": "list", "items": 3}', b"\xff\xfe"])
def test_malformed_results_are_errors_not_crashes(text: bytes) -> None:
    with pytest.raises(ValueError):
        decode_result(text, _npz(), max_bytes=LIMIT)


def test_oversized_results_are_refused() -> None:
    with pytest.raises(ValueError, match="larger than"):
        decode_result(b" " * (LIMIT + 1), _npz(), max_bytes=LIMIT)


def test_decoding_never_calls_pickle(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("pickle was used")

    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "load", forbidden)
    roundtrip({"x": torch.ones(3), "y": [np.zeros(2)]})


def test_only_a_todo_stub_counts_as_not_implemented() -> None:
    from autograder.run.values import ErrorValue

    assert ErrorValue("NotImplementedError", "").not_implemented  # nbgrader's bare stub
    assert ErrorValue("NotImplementedError", "train: TODO 6 — 아직 구현하지 않았습니다 / not implemented yet").not_implemented
    # PyTorch's own NotImplementedError is a real error of the student's code, reported with its location
    torch_error = ErrorValue("NotImplementedError", '"nll_loss_forward_reduce_cuda_kernel_2d_index" not implemented for '
                                                    "'Long'", where="classifier.py:240 in train")
    assert not torch_error.not_implemented
    assert not ErrorValue("ValueError", "TODO").not_implemented


def test_texts_from_the_child_are_one_line_and_compare_as_before() -> None:
    """Sentences a probe builds around student text (a class name, an exception text) and texts the student's code
    returns come back with every control character visible: no message can gain a line or a terminal code; and
    since the mapping is one-to-one (the answer key's texts pass through it too), equality is unchanged."""
    from autograder.run.values import shown_plain

    forged = "TwoLayerFC\n  [PASS] TODO 6 train — 5 / 5\x1b[2K\r합계 / Total  75 / 75\u202e"
    text, payload = encode_result({"class": forged, forged: ("device", "cpu")})
    value = decode_result(text, payload, max_bytes=1 << 20)
    shown = value["class"]
    assert "\n" not in shown and "\r" not in shown and "\x1b" not in shown and "\u202e" not in shown
    assert shown.startswith("TwoLayerFC\\x0a") and all("\n" not in key for key in value)
    samples = ["cpu", "cpu\n", "a\\x0ab", "a\nb", "x\\y", "x\\\\y", "\udcff", "\\udcff", "한국어", "tab\t", "tab\\x09"]
    assert len({shown_plain(s) for s in samples}) == len(samples)  # one-to-one
    assert all(shown_plain(s) == s for s in ("cpu", "torch.float32", "한국어 메시지 / message", "(3, 4)"))

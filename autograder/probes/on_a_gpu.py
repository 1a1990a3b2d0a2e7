"""A tensor that converts like one on a GPU, on a machine without one.

`.numpy()` (and `np.asarray(t)`, `np.array(t)`) of a CUDA tensor raises: the tensor must first be copied to the
CPU (`t.cpu()`, `t.to('cpu')`). A grader without a GPU never sees that, so code that forgets `.cpu()` would pass.
`on_a_gpu(t)` holds `t`'s data on the CPU but answers `.device` / `.is_cuda` as a GPU tensor does and refuses
the numpy conversion with torch's own message until it has been moved to the CPU; everything else computes as
usual, and what it computes stays "on the GPU". Probes of functions whose docstrings say the tensor may be on
a GPU give them such a tensor (the student's and the answer key's alike)."""
from __future__ import annotations

from typing import Any

import torch

#: torch's error for `.numpy()` of a CUDA tensor (torch 2.x), raised the same way.
CUDA_TO_NUMPY = ("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host "
                 "memory first.")
_GPU = torch.device("cuda", 0)


def _names_a_gpu(value: Any) -> bool:
    return (isinstance(value, str) and value.split(":")[0] == "cuda") or (
        isinstance(value, torch.device) and value.type == "cuda")


def _names_the_cpu(value: Any) -> bool:
    if isinstance(value, str):
        return value.split(":")[0] == "cpu"
    if isinstance(value, torch.device):
        return value.type == "cpu"
    return isinstance(value, torch.Tensor) and not isinstance(value, OnAGpu) and value.device.type == "cpu"


class OnAGpu(torch.Tensor):
    """A CPU tensor that behaves like a CUDA one for `.device`, `.is_cuda` and the conversion to numpy."""

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        if func in (torch.Tensor.numpy, torch.Tensor.__array__):
            raise TypeError(CUDA_TO_NUMPY)
        if func == torch.Tensor.device.__get__:  # a property's getter: a new method-wrapper each time
            return _GPU
        if func == torch.Tensor.is_cuda.__get__:
            return True
        to_cpu = func is torch.Tensor.cpu or (func is torch.Tensor.to and (
            any(_names_the_cpu(a) for a in args[1:]) or _names_the_cpu(kwargs.get("device"))))
        if to_cpu:
            with torch._C.DisableTorchFunctionSubclass():
                moved = func(*args, **kwargs)
            return moved.as_subclass(torch.Tensor) if isinstance(moved, torch.Tensor) else moved
        if func is torch.Tensor.cuda:  # already "there"
            return args[0]
        if func is torch.Tensor.to:  # .to('cuda') stays "there": the data stay on the CPU
            args = tuple(torch.device("cpu") if _names_a_gpu(a) else a for a in args)
            kwargs = {k: torch.device("cpu") if _names_a_gpu(v) else v for k, v in kwargs.items()}
        return super().__torch_function__(func, types, args, kwargs)


def on_a_gpu(t: torch.Tensor) -> OnAGpu:
    """`t` (a CPU tensor) as a tensor that converts like one on a GPU (its memory is shared)."""
    return t.as_subclass(OnAGpu)


def on_the_gpu(t: torch.Tensor) -> torch.Tensor:
    """`t` on the GPU when the machine has one, else as a tensor that converts like one (`on_a_gpu`)."""
    return t.cuda() if torch.cuda.is_available() else on_a_gpu(t)

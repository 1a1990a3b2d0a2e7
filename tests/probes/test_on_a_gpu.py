"""A tensor that converts like one on a GPU (autograder/probes/on_a_gpu.py): the numpy conversion needs the
CPU first, as torch requires of a CUDA tensor, and everything else computes as usual."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.probes.on_a_gpu import CUDA_TO_NUMPY, OnAGpu, on_a_gpu


@pytest.fixture
def t() -> torch.Tensor:
    return on_a_gpu(torch.arange(6.0).reshape(2, 3))


@pytest.mark.parametrize("convert", [
    lambda t: t.numpy(), lambda t: t.detach().numpy(), lambda t: np.asarray(t), lambda t: np.array(t * 2),
    lambda t: t.to(torch.float64).numpy(), lambda t: t.to("cuda").numpy(), lambda t: t.cuda().numpy(),
], ids=["numpy", "detach.numpy", "asarray", "array-of-a-result", "to-dtype", "to-cuda", "cuda"])
def test_numpy_without_the_cpu_raises_as_on_a_gpu(t: torch.Tensor, convert) -> None:
    with pytest.raises(TypeError) as raised:
        convert(t)
    assert str(raised.value) == CUDA_TO_NUMPY


@pytest.mark.parametrize("convert", [
    lambda t: t.cpu().numpy(), lambda t: t.detach().cpu().numpy(), lambda t: t.to("cpu").numpy(),
    lambda t: t.to(torch.device("cpu"), torch.float64).numpy(), lambda t: t.to(device="cpu").numpy(),
    lambda t: np.asarray(t.cpu()), lambda t: (t.cpu() if t.is_cuda else t).numpy(),
    lambda t: (t.cpu() if t.device.type == "cuda" else t).numpy(), lambda t: t.to(t.device).cpu().numpy(),
    lambda t: np.array(t.tolist()),
], ids=["cpu", "detach.cpu", "to-cpu", "to-device-and-dtype", "to-device-keyword", "asarray-of-cpu",
        "is_cuda-branch", "device-type-branch", "to-own-device", "tolist"])
def test_the_cpu_first_gives_the_values(t: torch.Tensor, convert) -> None:
    got = convert(t)
    assert isinstance(got, np.ndarray) and np.array_equal(got, np.arange(6.0).reshape(2, 3))


def test_it_reads_as_a_gpu_tensor_and_computes_as_usual(t: torch.Tensor) -> None:
    assert t.is_cuda and t.device == torch.device("cuda", 0)
    result = (t * 2 + 1).sum(dim=1)
    assert isinstance(result, OnAGpu) and result.is_cuda  # what it computes stays "on the GPU"
    moved = result.cpu()
    assert type(moved) is torch.Tensor and moved.device.type == "cpu" and moved.tolist() == [9.0, 27.0]
    weights = on_a_gpu(torch.ones(3)).requires_grad_(True)
    (weights * 3).sum().backward()
    assert weights.grad is not None and weights.grad.cpu().tolist() == [3.0, 3.0, 3.0]


def test_its_memory_is_the_cpu_tensors(t: torch.Tensor) -> None:
    base = torch.zeros(3)
    gpu = on_a_gpu(base)
    base[0] = 5.0
    assert gpu.cpu()[0].item() == 5.0  # shared, like `as_subclass`

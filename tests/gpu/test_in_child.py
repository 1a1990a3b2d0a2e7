"""What the child sets on a GPU before student code runs (`autograder.gpu.in_child`), on a stand-in for torch's
CUDA calls (no GPU here): the memory cap as a fraction of GPU 0, cuDNN made deterministic, and nothing on cpu."""
from __future__ import annotations

from types import SimpleNamespace

from autograder.gpu.in_child import configure_gpu, deterministic_algorithms, reset_gpu_state


def _torch(available: bool, *, lazy: bool = True) -> SimpleNamespace:
    """torch's calls that configure_gpu makes; `_lazy_call` runs what it is given when CUDA starts (`start()`)."""
    calls: list[tuple] = []
    queued: list = []
    cuda = SimpleNamespace(is_available=lambda: available,
                           set_per_process_memory_fraction=lambda f, d: calls.append(("fraction", f, d)))
    if lazy:
        cuda._lazy_call = queued.append
        cuda.start = lambda: [call() for call in queued]
    cudnn = SimpleNamespace(deterministic=False, benchmark=True)
    return SimpleNamespace(cuda=cuda, backends=SimpleNamespace(cudnn=cudnn), calls=calls)


def test_on_cuda_the_cap_is_set_when_cuda_starts_and_determinism_at_once() -> None:
    torch = _torch(True)
    configure_gpu(torch, {"kind": "cuda"}, fraction=0.05)
    assert torch.backends.cudnn.deterministic is True and torch.backends.cudnn.benchmark is False
    assert torch.calls == []  # no CUDA context made for a child that never uses the GPU
    torch.cuda.start()
    assert torch.calls == [("fraction", 0.05, 0)]


def test_without_torchs_lazy_hook_the_cap_is_set_at_once() -> None:
    torch = _torch(True, lazy=False)
    configure_gpu(torch, {"kind": "cuda"}, fraction=0.05)
    assert torch.calls == [("fraction", 0.05, 0)]


def test_on_cpu_nothing_is_touched() -> None:
    torch = _torch(True)
    configure_gpu(torch, {"kind": "cpu"}, fraction=0.05)
    reset_gpu_state(torch, {"kind": "cpu"})
    assert torch.calls == [] and torch.backends.cudnn.benchmark is True


def test_each_probe_puts_back_what_student_code_changed() -> None:
    torch = _torch(True)
    configure_gpu(torch, {"kind": "cuda"}, fraction=0.5)
    torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic = True, False  # the student's doing
    reset_gpu_state(torch, {"kind": "cuda"})
    assert torch.backends.cudnn.deterministic is True and torch.backends.cudnn.benchmark is False


def test_a_cuda_grading_whose_torch_sees_no_gpu_sets_no_cap() -> None:
    torch = _torch(False, lazy=False)
    configure_gpu(torch, {"kind": "cuda"}, fraction=0.5)
    assert torch.calls == []


def test_deterministic_algorithms_are_asked_for_on_cuda_only() -> None:
    assert deterministic_algorithms({"kind": "cuda"}) is True
    assert deterministic_algorithms({"kind": "cpu"}) is False and deterministic_algorithms({}) is False

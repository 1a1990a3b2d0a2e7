"""What the child sets on its GPU before any student code runs (trusted code, in the child's process): the
memory cap as a fraction of the GPU (an overrun raises torch.OutOfMemoryError, reported like the CPU memory
limit; code that lifts the cap is still stopped by the grader's own count, memory.py), and the deterministic
settings PyTorch documents for CUDA (cuDNN deterministic, no autotuning; cuBLAS's workspace is set in the
environment before CUDA starts)."""
from __future__ import annotations

from typing import Any, Mapping


def configure_gpu(torch: Any, device: Mapping[str, Any], *, fraction: float) -> None:
    """On a cuda grading: cap this process's GPU memory at `fraction` of the GPU and make cuDNN deterministic.
    On cpu: nothing (the child's CUDA_VISIBLE_DEVICES is empty, so no GPU exists for it)."""
    if device.get("kind") != "cuda":
        return
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False

    def cap() -> None:
        torch.cuda.set_per_process_memory_fraction(fraction, 0)

    # When CUDA starts (a child whose checks never touch the GPU makes no CUDA context: ~0.5 GB and a second or
    # two saved), the way torch.cuda.manual_seed defers its own work; where torch lacks that hook, now.
    lazy = getattr(torch.cuda, "_lazy_call", None)
    if lazy is not None:
        lazy(cap)
    elif torch.cuda.is_available():
        cap()


def gpu_problem(torch: Any) -> str:
    """Why this child cannot use the one GPU it was given ('' when it can): checked before any student code runs,
    so that a GPU that does not work is the grader's failure, never a silent grading on the CPU."""
    try:
        if not torch.cuda.is_available():
            return "torch.cuda.is_available() is False in the child"
        if torch.cuda.device_count() != 1:
            return f"the child sees {torch.cuda.device_count()} GPUs, not its one"
    except Exception as exc:  # noqa: BLE001 - the driver's own error, said to the instructor
        return f"{type(exc).__name__}: {exc}"
    return ""


def deterministic_algorithms(device: Mapping[str, Any]) -> bool:
    """Whether each probe runs with `torch.use_deterministic_algorithms(True, warn_only=True)`: on cuda (where
    some kernels are otherwise nondeterministic; an op without a deterministic kernel warns, never fails). The CPU's
    kernels are deterministic as they are, so a cpu grading leaves the setting off, as PyTorch's default."""
    return device.get("kind") == "cuda"


def reset_gpu_state(torch: Any, device: Mapping[str, Any]) -> None:
    """Before each probe: the cuDNN settings back (student code may have changed them)."""
    if device.get("kind") == "cuda":
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False

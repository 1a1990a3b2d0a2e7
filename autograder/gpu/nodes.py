"""The device nodes a confined child is given: a few harmless ones always (a fresh /dev holds nothing else), and
on cuda the NVIDIA nodes of its one GPU (the control and unified-memory nodes every CUDA process opens, and
/dev/nvidia<minor>); the other GPUs' nodes, disks, terminals and the kernel's log are not there."""
from __future__ import annotations

from pathlib import Path

from autograder.gpu.device import GraderDevice

BASE_NODES = ("null", "zero", "full", "random", "urandom")  # what Python, numpy, torch and subprocess use
NVIDIA_SHARED = ("nvidiactl", "nvidia-uvm", "nvidia-uvm-tools")  # every CUDA process opens these


def device_nodes(device: GraderDevice, *, dev: Path = Path("/dev")) -> tuple[str, ...]:
    """The nodes under `dev` to bind into a child's /dev (those that exist), base nodes first."""
    names = list(BASE_NODES)
    if device.is_cuda:
        names += [*NVIDIA_SHARED, f"nvidia{device.minor}"]
    return tuple(str(dev / name) for name in names if (dev / name).exists())

"""GPU slots shared by the gradings of a class (`grade-all --gpus N --per-gpu S`): N×S lock files in one folder.
A training child takes a slot for as long as it runs (a lock the kernel releases when the holder dies, so a
killed grading never keeps one) and trains on that slot's GPU; the other checks run on the CPU cores. The
slots are plain data (a folder and the GPUs), so any process of the class, local or not, can take one."""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from autograder.gpu.device import Gpu, GraderDevice, list_gpus

WAIT_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class GpuSlots:
    """`per_gpu` slots on each of `devices` (one `GraderDevice` per GPU), locked through files in `folder`."""

    folder: str
    devices: tuple[GraderDevice, ...]
    per_gpu: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {"folder": self.folder, "devices": [d.as_dict() for d in self.devices], "per_gpu": self.per_gpu}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> GpuSlots:
        devices = tuple(GraderDevice.from_mapping(d) for d in values["devices"])
        per_gpu = int(values.get("per_gpu", 1))
        if not devices or per_gpu < 1:
            raise ValueError("GPU slots need at least one GPU and one slot per GPU")
        return cls(folder=str(values["folder"]), devices=devices, per_gpu=per_gpu)

    def paths(self) -> list[tuple[Path, GraderDevice]]:
        """Every slot's lock file with its GPU, GPUs interleaved (the first slots of every GPU come first)."""
        return [(Path(self.folder) / f"gpu{g}-slot{s}.lock", device)
                for s in range(self.per_gpu) for g, device in enumerate(self.devices)]


@dataclass(frozen=True)
class Lease:
    """A slot taken: its GPU and how long the taker waited for it (not the student's time)."""

    device: GraderDevice
    waited: float
    slot: str


@contextmanager
def lease(slots: GpuSlots, *, start: int = 0) -> Iterator[Lease]:
    """Take a free slot (waiting until one is), trying from the `start`-th one; released when the block ends."""
    Path(slots.folder).mkdir(mode=0o700, parents=True, exist_ok=True)
    candidates = slots.paths()
    began = time.monotonic()
    while True:
        for offset in range(len(candidates)):
            path, device = candidates[(start + offset) % len(candidates)]
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield Lease(device=device, waited=time.monotonic() - began, slot=path.stem)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            return
        time.sleep(WAIT_POLL_SECONDS)


def class_slots(device: GraderDevice, *, folder: Path, per_gpu: int | None, jobs: int, memory_mib: int,
                lister: Callable[[], tuple[Sequence[Gpu], str]] = list_gpus) -> GpuSlots:
    """The GPU slots of a class graded on `device` (a cuda choice of `device.count` GPUs): `per_gpu` slots on each
    (default: as many gradings as fit in the smallest GPU's memory at `memory_mib` each, at most `jobs`)."""
    gpus = list(lister()[0])[:max(1, device.count)]
    if not gpus:
        raise ValueError("no GPU to make slots on")
    if per_gpu is None:
        per_gpu = max(1, min(jobs, min(g.total_mib for g in gpus) // max(1, memory_mib)))
    if per_gpu < 1:
        raise ValueError(f"--per-gpu must be at least 1, not {per_gpu}")
    return GpuSlots(folder=str(folder), devices=tuple(device.on(g) for g in gpus), per_gpu=per_gpu)

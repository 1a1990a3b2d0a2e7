"""GPU slots (`autograder.gpu.slots`): at most `per_gpu` holders per GPU across processes, a slot freed when its
holder dies, and how many slots a class gets by default."""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from autograder.gpu.device import Gpu, GraderDevice
from autograder.gpu.slots import GpuSlots, class_slots, lease

GPU_A = GraderDevice(kind="cuda", name="A", total_mib=16384, minor=0, visible_id="0", count=2)
GPU_B = GraderDevice(kind="cuda", name="A", total_mib=16384, minor=1, visible_id="1", count=2)


def _slots(tmp_path: Path, per_gpu: int = 1) -> GpuSlots:
    return GpuSlots(folder=str(tmp_path / "slots"), devices=(GPU_A, GPU_B), per_gpu=per_gpu)


def _hold(slots: dict, ready: multiprocessing.Queue, release: multiprocessing.Event) -> None:
    with lease(GpuSlots.from_mapping(slots)) as taken:
        ready.put(taken.slot)
        release.wait(600)


@contextmanager
def _held(slots: GpuSlots) -> Iterator[tuple[multiprocessing.Process, multiprocessing.Event]]:
    """Another process holding the only slot (until the event is set, or it is killed)."""
    context = multiprocessing.get_context("spawn")
    ready, release = context.Queue(), context.Event()
    holder = context.Process(target=_hold, args=(slots.as_dict(), ready, release))
    holder.start()
    try:
        assert ready.get(timeout=120) == "gpu0-slot0"
        yield holder, release
    finally:
        holder.kill()
        holder.join()


def test_slots_are_spread_over_the_gpus_and_taken_one_holder_each(tmp_path: Path) -> None:
    slots = _slots(tmp_path)
    with lease(slots) as first, lease(slots) as second:
        assert {first.device.minor, second.device.minor} == {0, 1}
        assert first.slot != second.slot


def test_a_busy_slot_is_waited_for_and_never_shared(tmp_path: Path) -> None:
    slots = GpuSlots(folder=str(tmp_path / "slots"), devices=(GPU_A,), per_gpu=1)
    taken: list = []
    waiting = lease(slots)
    with _held(slots) as (holder, release):
        waiter = threading.Thread(target=lambda: taken.append(waiting.__enter__()))
        waiter.start()
        waiter.join(timeout=3)
        assert not taken, "the slot was taken while another process held it"
        release.set()
        waiter.join(timeout=120)
    assert taken and taken[0].slot == "gpu0-slot0" and taken[0].waited > 0
    waiting.__exit__(None, None, None)


def test_a_holder_that_dies_frees_its_slot(tmp_path: Path) -> None:
    slots = GpuSlots(folder=str(tmp_path / "slots"), devices=(GPU_A,), per_gpu=1)
    with _held(slots) as (holder, _release):
        os.kill(holder.pid, signal.SIGKILL)  # dies holding it: the kernel releases the lock
        holder.join()
        with lease(slots) as taken:
            assert taken.slot == "gpu0-slot0" and taken.device == GPU_A


def test_a_class_gets_slots_by_gpu_memory_within_the_jobs(tmp_path: Path) -> None:
    gpus = [Gpu(0, "A", 16384, 0, "0"), Gpu(1, "A", 16384, 1, "1"), Gpu(2, "A", 16384, 2, "2")]
    chosen = GraderDevice(kind="cuda", name="A", total_mib=16384, minor=0, visible_id="0", count=2)
    made = class_slots(chosen, folder=tmp_path, per_gpu=None, jobs=8, memory_mib=4096, lister=lambda: (gpus, ""))
    assert [d.minor for d in made.devices] == [0, 1] and made.per_gpu == 4  # 16 GiB / 4 GiB, within 8 jobs
    assert class_slots(chosen, folder=tmp_path, per_gpu=None, jobs=2, memory_mib=4096,
                       lister=lambda: (gpus, "")).per_gpu == 2
    assert class_slots(chosen, folder=tmp_path, per_gpu=3, jobs=2, memory_mib=4096,
                       lister=lambda: (gpus, "")).per_gpu == 3
    assert len(made.paths()) == 8 and [p.name for p, _ in made.paths()[:2]] == ["gpu0-slot0.lock", "gpu1-slot0.lock"]
    with pytest.raises(ValueError, match="no GPU"):
        class_slots(chosen, folder=tmp_path, per_gpu=None, jobs=2, memory_mib=4096, lister=lambda: ([], "none"))
    with pytest.raises(ValueError, match="at least one"):
        GpuSlots.from_mapping({"folder": str(tmp_path), "devices": [], "per_gpu": 1})

"""The device nodes a confined child gets (`autograder.gpu.nodes`) and the GPU memory the grader counts from
outside the child (`autograder.gpu.memory`), without a GPU: a /dev and nvidia-smi's answers made for the test."""
from __future__ import annotations

from pathlib import Path

from autograder.gpu.device import CPU, GraderDevice
from autograder.gpu.memory import CUDA_CONTEXT_MIB, gpu_memory_mib, memory_fraction, parse_compute_apps
from autograder.gpu.nodes import BASE_NODES, device_nodes


def _dev(tmp_path: Path) -> Path:
    dev = tmp_path / "dev"
    dev.mkdir()
    for name in (*BASE_NODES, "sda", "kmsg", "tty", "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia0",
                 "nvidia1", "nvidia-modeset"):
        (dev / name).write_text("")
    return dev


def test_cpu_gets_the_harmless_nodes_only(tmp_path: Path) -> None:
    dev = _dev(tmp_path)
    assert device_nodes(CPU, dev=dev) == tuple(str(dev / n) for n in BASE_NODES)


def test_cuda_gets_its_own_gpu_and_the_shared_nvidia_nodes_not_the_others(tmp_path: Path) -> None:
    dev = _dev(tmp_path)
    nodes = [Path(p).name for p in device_nodes(GraderDevice(kind="cuda", name="GPU", minor=1), dev=dev)]
    assert nodes == [*BASE_NODES, "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia1"]
    (dev / "nvidia-uvm-tools").unlink()  # a node the machine lacks is left out, not an error
    assert "nvidia-uvm-tools" not in [Path(p).name for p in device_nodes(GraderDevice(kind="cuda", minor=1), dev=dev)]


def test_nvidia_smi_lines_become_memory_per_pid() -> None:
    text = "1234, 512\n1234, 100\n99, [N/A]\nNo running processes found\n\n4321 , 2048\n"
    assert parse_compute_apps(text) == {1234: 612, 4321: 2048}
    assert parse_compute_apps("") == {}


def test_only_the_childs_processes_count() -> None:
    answer = "10, 700\n11, 300\n12, 5000\n"
    assert gpu_memory_mib([10, 11, 11], query=lambda: answer) == 1000
    assert gpu_memory_mib([13], query=lambda: answer) == 0
    assert gpu_memory_mib([10], query=lambda: "") == 0  # no nvidia-smi: the in-child cap alone holds


def test_the_in_child_cap_is_a_fraction_of_the_gpu() -> None:
    assert memory_fraction(cap_mib=4096, total_mib=81920) == (4096 - CUDA_CONTEXT_MIB) / 81920  # context left out
    assert memory_fraction(cap_mib=100, total_mib=81920) == 0.01
    assert memory_fraction(cap_mib=100_000, total_mib=81920) == 1.0
    assert memory_fraction(cap_mib=4096, total_mib=0) == 1.0

"""Choosing the device (`autograder.gpu.device`), unit-tested without a GPU: the GPUs a torch listing describes,
their node minors from the driver's files, the identifiers a child is given, and what 'auto', 'cpu' and 'cuda'
become on a machine with and without one."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.gpu.device import (CPU, CUBLAS_WORKSPACE, Gpu, GraderDevice, NoGpuError, choose_device,
                                   device_environment, driver_present, gpus_from_listing, list_gpus, node_minors,
                                   visible_ids)

H100 = Gpu(index=0, name="NVIDIA H100 80GB HBM3", total_mib=81559, minor=3, visible_id="GPU-aaaa")
A100 = Gpu(index=1, name="NVIDIA A100-SXM4-40GB", total_mib=40536, minor=0, visible_id="GPU-bbbb")


def test_auto_is_the_first_gpu_where_there_is_one_and_the_cpu_where_there_is_none() -> None:
    chosen = choose_device("auto", lister=lambda: ([H100, A100], ""))
    assert (chosen.kind, chosen.name, chosen.minor, chosen.visible_id, chosen.count) == (
        "cuda", H100.name, 3, "GPU-aaaa", 2)
    assert choose_device("auto", lister=lambda: ([], "no NVIDIA driver is loaded on this machine")) == CPU


def test_cpu_is_the_cpu_even_on_a_machine_with_a_gpu() -> None:
    def never() -> tuple[list[Gpu], str]:
        raise AssertionError("--device cpu asks nothing about the GPUs")

    assert choose_device("cpu", lister=never) == CPU


def test_cuda_without_a_gpu_says_why_and_what_to_do_in_both_languages() -> None:
    with pytest.raises(NoGpuError) as raised:
        choose_device("cuda", lister=lambda: ([], "this PyTorch is built without CUDA (install a CUDA build of torch)"))
    message = str(raised.value)
    assert message.index("GPU가 없습니다") < message.index("no GPU can be used")
    assert "built without CUDA" in message and "--device cpu" in message


def test_more_gpus_than_the_machine_has_is_refused_and_fewer_are_counted() -> None:
    with pytest.raises(NoGpuError, match="--gpus 3"):
        choose_device("cuda", gpus=3, lister=lambda: ([H100, A100], ""))
    assert choose_device("cuda", gpus=1, lister=lambda: ([H100, A100], "")).count == 1


def test_an_unknown_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="auto, cpu, cuda"):
        choose_device("gpu", lister=lambda: ([], ""))


def test_the_driver_files_give_each_bus_its_node_minor(tmp_path: Path) -> None:
    for bus, minor in (("0000:18:00.0", 2), ("0000:3B:00.0", 0)):
        (tmp_path / "gpus" / bus).mkdir(parents=True)
        (tmp_path / "gpus" / bus / "information").write_text(
            f"Model: \t\t NVIDIA H100\nIRQ:   \t\t 42\nDevice Minor: \t {minor}\nGPU Excluded:\t No\n")
    (tmp_path / "gpus" / "0000:5e:00.0").mkdir()  # unreadable information: left out
    assert node_minors(driver=tmp_path) == {"0000:18:00.0": 2, "0000:3b:00.0": 0}
    assert node_minors(driver=tmp_path / "absent") == {}


def test_a_listing_becomes_gpus_with_minors_by_bus_and_uuids_as_identifiers() -> None:
    listing = {"cuda": "12.4", "gpus": [
        {"name": "NVIDIA H100", "total_mib": 81559, "pci": "0000:3b:00.0", "uuid": "GPU-1234"},
        {"name": "NVIDIA H100", "total_mib": 81559, "pci": "0000:18:00.0", "uuid": ""},
        {"name": "NVIDIA H100", "total_mib": 81559, "pci": ""}]}
    gpus = gpus_from_listing(listing, minors={"0000:18:00.0": 2, "0000:3b:00.0": 0}, environ={})
    assert [(g.index, g.minor, g.visible_id) for g in gpus] == [(0, 0, "GPU-1234"), (1, 2, "1"), (2, 2, "2")]


def test_the_graders_own_visible_devices_are_what_a_child_is_given() -> None:
    assert visible_ids(2, {"CUDA_VISIBLE_DEVICES": "5, 7"}) == ["5", "7"]
    assert visible_ids(2, {}) == ["0", "1"]
    assert visible_ids(2, {"CUDA_VISIBLE_DEVICES": "5"}) == ["0", "1"]  # fewer than torch sees: by index


def test_a_child_sees_no_gpu_on_cpu_and_exactly_its_own_on_cuda() -> None:
    assert device_environment(CPU) == {"CUDA_VISIBLE_DEVICES": ""}
    on_gpu = choose_device("cuda", lister=lambda: ([H100], ""))
    assert device_environment(on_gpu) == {"CUDA_VISIBLE_DEVICES": "GPU-aaaa", "CUDA_DEVICE_ORDER": "PCI_BUS_ID",
                                          "CUBLAS_WORKSPACE_CONFIG": CUBLAS_WORKSPACE}


def test_a_device_travels_as_plain_data_and_names_its_cache_kind() -> None:
    on_gpu = choose_device("cuda", lister=lambda: ([H100, A100], ""))
    assert GraderDevice.from_mapping(on_gpu.as_dict()) == on_gpu
    assert GraderDevice.from_mapping(on_gpu.on(A100).as_dict()).minor == 0
    assert on_gpu.cache_kind() == "cuda:NVIDIA H100 80GB HBM3" and CPU.cache_kind() == "cpu"
    assert on_gpu.cache_kind() != on_gpu.on(A100).cache_kind()  # another GPU model: other reference results
    with pytest.raises(ValueError, match="'cpu' or 'cuda'"):
        GraderDevice.from_mapping({"kind": "tpu"})


def test_without_a_driver_nothing_is_asked_of_torch(tmp_path: Path) -> None:
    assert driver_present(driver=tmp_path / "nvidia", dev=tmp_path) is False
    (tmp_path / "nvidiactl").write_text("")
    assert driver_present(driver=tmp_path / "nvidia", dev=tmp_path) is True
    if not driver_present():  # this machine: no driver, so the listing is empty at no cost
        assert list_gpus() == ([], "no NVIDIA driver is loaded on this machine")

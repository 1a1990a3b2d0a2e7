"""Which device a grading uses: `--device auto|cpu|cuda` resolved once, by the grader, into a `GraderDevice`
(plain data: it travels in a batch task or a Dask task as a dict).

The grader's process never imports torch (500 MiB): the GPUs are listed by a short subprocess with the
grader's own Python and torch, run only where an NVIDIA driver is present (`/proc/driver/nvidia` or
`/dev/nvidiactl`), so a machine without one pays nothing. A child process sees exactly one GPU as `cuda:0`
(`CUDA_VISIBLE_DEVICES`), or none at all on 'cpu' (so a hard-coded `.cuda()` fails as on a CPU-only machine,
even where the grading machine has a GPU)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from autograder.feedback.language import pair

DEVICE_CHOICES = ("auto", "cpu", "cuda")
DRIVER = Path("/proc/driver/nvidia")
CUBLAS_WORKSPACE = ":4096:8"  # cuBLAS's deterministic workspace (PyTorch's reproducibility notes)


class NoGpuError(ValueError):
    """`--device cuda` where no GPU can be used: the message says why and what to do."""


@dataclass(frozen=True)
class Gpu:
    """One GPU the grader's torch can use: its index among the grader's visible GPUs, model, memory, the minor
    number of its /dev/nvidiaN node, and the identifier that selects it in a child's CUDA_VISIBLE_DEVICES."""

    index: int
    name: str
    total_mib: int
    minor: int
    visible_id: str


@dataclass(frozen=True)
class GraderDevice:
    """Where student code runs: kind 'cpu' or 'cuda'; for cuda, the GPU (model, memory, node minor, the
    identifier a child's CUDA_VISIBLE_DEVICES names) and every GPU a class may spread over (`count`)."""

    kind: str = "cpu"
    name: str = ""
    total_mib: int = 0
    minor: int = -1
    visible_id: str = ""
    count: int = 0

    @property
    def is_cuda(self) -> bool:
        return self.kind == "cuda"

    def label(self) -> str:
        """What reports and provenance say: 'cpu', or 'cuda (NVIDIA H100 80GB HBM3)'."""
        return f"cuda ({self.name})" if self.is_cuda else "cpu"

    def cache_kind(self) -> str:
        """What the answer key's cached results depend on: the device kind and the GPU model."""
        return f"cuda:{self.name}" if self.is_cuda else "cpu"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> GraderDevice:
        known = {k: values[k] for k in cls.__dataclass_fields__ if k in values}
        device = cls(**known)
        if device.kind not in ("cpu", "cuda"):
            raise ValueError(f"device kind must be 'cpu' or 'cuda', not {device.kind!r}")
        return device

    def on(self, gpu: Gpu) -> GraderDevice:
        """The same choice, on `gpu` (a class spreads its gradings over its GPUs)."""
        return replace(self, name=gpu.name, total_mib=gpu.total_mib, minor=gpu.minor, visible_id=gpu.visible_id)


CPU = GraderDevice()

_LIST_GPUS = r"""
import json, torch
found = []
if torch.cuda.is_available():
    for i in range(torch.cuda.device_count()):
        p = torch.cuda.get_device_properties(i)
        bus = getattr(p, "pci_bus_id", None)
        domain = getattr(p, "pci_domain_id", None)
        device = getattr(p, "pci_device_id", None)
        pci = f"{domain:04x}:{bus:02x}:{device:02x}.0" if None not in (bus, domain, device) else ""
        uuid = getattr(p, "uuid", None)
        found.append({"name": p.name, "total_mib": int(p.total_memory // 2**20), "pci": pci,
                      "uuid": f"GPU-{uuid}" if uuid else ""})
print(json.dumps({"cuda": torch.version.cuda, "gpus": found}))
"""


def driver_present(*, driver: Path = DRIVER, dev: Path = Path("/dev")) -> bool:
    """An NVIDIA driver is loaded here (without it no GPU can be used, and nothing is asked of torch)."""
    return driver.is_dir() or (dev / "nvidiactl").exists()


def node_minors(*, driver: Path = DRIVER) -> dict[str, int]:
    """PCI bus id (lower case, 'dddd:bb:dd.f') -> minor number of /dev/nvidiaN, from the driver's files."""
    minors: dict[str, int] = {}
    try:
        folders = sorted((driver / "gpus").iterdir())
    except OSError:
        return minors
    for folder in folders:
        try:
            text = (folder / "information").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Device Minor" and value.strip().isdigit():
                minors[folder.name.lower()] = int(value.strip())
    return minors


def visible_ids(count: int, environ: Mapping[str, str]) -> list[str]:
    """The identifier of each of the grader's `count` visible GPUs as a child's CUDA_VISIBLE_DEVICES names it:
    the grader's own CUDA_VISIBLE_DEVICES entries where it has them, else the indices."""
    listed = [item.strip() for item in environ.get("CUDA_VISIBLE_DEVICES", "").split(",") if item.strip()]
    if "CUDA_VISIBLE_DEVICES" in environ and len(listed) >= count:
        return listed[:count]
    return [str(i) for i in range(count)]


def gpus_from_listing(listing: Mapping[str, Any], *, minors: Mapping[str, int],
                      environ: Mapping[str, str]) -> list[Gpu]:
    """The `Gpu`s of the torch subprocess's `listing`, with their node minors (by PCI bus id; where the driver's
    files are not readable, the i-th GPU in PCI order is taken to be /dev/nvidia<i>). A child selects its GPU by
    UUID where torch reports one (independent of any ordering), else by the grader's own identifier."""
    entries = list(listing.get("gpus") or [])
    ids = visible_ids(len(entries), environ)
    gpus = []
    for index, entry in enumerate(entries):
        pci = str(entry.get("pci") or "").lower()
        minor = minors.get(pci, minors.get("0000" + pci[4:], index) if pci else index)
        gpus.append(Gpu(index=index, name=str(entry.get("name") or "GPU"), total_mib=int(entry.get("total_mib") or 0),
                        minor=int(minor), visible_id=str(entry.get("uuid") or ids[index])))
    return gpus


def list_gpus(*, python: str = sys.executable, timeout: float = 120.0) -> tuple[list[Gpu], str]:
    """The GPUs the grader's torch can use, and why none where there are none (empty when the driver is absent)."""
    if not driver_present():
        return [], "no NVIDIA driver is loaded on this machine"
    env = {**os.environ, "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}
    try:
        done = subprocess.run([python, "-c", _LIST_GPUS], capture_output=True, text=True, timeout=timeout, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [], f"torch could not be asked about the GPUs ({type(exc).__name__})"
    if done.returncode != 0:
        return [], f"torch could not be asked about the GPUs: {done.stderr.strip()[-300:]}"
    listing = json.loads(done.stdout.strip().splitlines()[-1])
    if listing.get("cuda") is None:
        return [], "this PyTorch is built without CUDA (install a CUDA build of torch)"
    gpus = gpus_from_listing(listing, minors=node_minors(), environ=os.environ)
    return gpus, "" if gpus else "torch.cuda.is_available() is False (is the driver too old for this torch?)"


def choose_device(requested: str, *, gpus: int | None = None,
                  lister: Callable[[], tuple[Sequence[Gpu], str]] = list_gpus) -> GraderDevice:
    """`requested` ('auto', 'cpu' or 'cuda') as a `GraderDevice`: 'auto' is cuda where a GPU can be used, else
    cpu; 'cuda' without one raises NoGpuError saying why. `gpus`: how many GPUs a class spreads over (default
    all of them; more than there are is an error)."""
    if requested not in DEVICE_CHOICES:
        raise ValueError(f"--device must be one of {', '.join(DEVICE_CHOICES)}, not {requested!r}")
    if requested == "cpu":
        return CPU
    found, why = lister()
    if not found:
        if requested == "auto":
            return CPU
        raise NoGpuError(pair(f"--device cuda: 이 컴퓨터에서 쓸 수 있는 GPU가 없습니다 ({why}). --device cpu 또는 auto로 "
                              "채점하세요.",
                              f"--device cuda: no GPU can be used on this machine ({why}); grade with --device cpu "
                              "or auto."))
    if gpus is not None and not 1 <= gpus <= len(found):
        raise NoGpuError(pair(f"--gpus {gpus}: 이 컴퓨터의 GPU는 {len(found)}개입니다",
                              f"--gpus {gpus}: this machine has {len(found)} GPU(s)"))
    first = found[0]
    return GraderDevice(kind="cuda", name=first.name, total_mib=first.total_mib, minor=first.minor,
                        visible_id=first.visible_id, count=gpus or len(found))


def device_environment(device: GraderDevice) -> dict[str, str]:
    """What a child's environment says about the device: on cpu no GPU at all; on cuda exactly the chosen GPU
    (as cuda:0) and cuBLAS's deterministic workspace."""
    if not device.is_cuda:
        return {"CUDA_VISIBLE_DEVICES": ""}
    return {"CUDA_VISIBLE_DEVICES": device.visible_id, "CUDA_DEVICE_ORDER": "PCI_BUS_ID",
            "CUBLAS_WORKSPACE_CONFIG": CUBLAS_WORKSPACE}

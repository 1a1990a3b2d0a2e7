"""The answer key's probe results, cached between gradings: keyed by everything they depend on, verified by
digest before use, written only by the grader (folders 0700, files replaced atomically, the digest last)."""
from __future__ import annotations

import hashlib
import os
import shutil
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable

from autograder.grade.layout import Prepared
from autograder.gpu import CPU, GraderDevice
from autograder.gpu.slots import GpuSlots
from autograder.probes.common import ANSWER_KEY_RUN
from autograder.run import Limits, ProbeOutcome, ProbeRequest, run_probes
from autograder.run.values import read_result
from autograder.tree import tree_digest

RESULT_MAX_BYTES = 2**28  # one cached reference result


def reference_key(*, prepared: Prepared, limits: Limits, data_fingerprint: str, seed: int,
                  device: GraderDevice = CPU) -> str:
    """What a cached reference result depends on: the answer key, the probes (shared and the assignment's),
    the result encoding, torch's version, the threads, the data, the seed and the device (kind and GPU model:
    a GPU's float results are not a CPU's)."""
    package = Path(__file__).resolve().parents[1]
    record = prepared.assignment
    probes_dir = Path(record.package_dir) if record.package_dir else package / "assignments" / record.name
    digest = hashlib.sha256()
    # torch's version from its metadata: importing torch here would cost the grading process 500 MiB.
    for part in (record.name, tree_digest(prepared.reference_dir), tree_digest(package / "probes"),
                 tree_digest(probes_dir), (package / "run" / "values.py").read_text(), version("torch"),
                 str(limits.threads), data_fingerprint, str(seed), device.cache_kind()):
        digest.update(part.encode())
    return digest.hexdigest()[:24]


def reference_outcomes(*, prepared: Prepared, requests: list[ProbeRequest], limits: Limits, work_dir: Path,
                       cache_dir: Path | None, context: dict[str, Any], data_fingerprint: str, seed: int,
                       on_event: Callable[..., None] | None = None, device: GraderDevice = CPU,
                       gpu_slots: GpuSlots | None = None) -> dict[str, ProbeOutcome]:
    """The answer key's outcome of every request on `device`: from `cache_dir` where a verified entry is there,
    else run (and stored when `cache_dir` is given). `on_event` is run_probes' listener."""
    cached: dict[str, ProbeOutcome] = {}
    folder = None
    name = prepared.assignment.name
    if cache_dir is not None:
        key = reference_key(prepared=prepared, limits=limits, data_fingerprint=data_fingerprint, seed=seed,
                            device=device)
        folder = cache_dir / "reference" / f"{name}-{key}"
        for request in requests:
            path = folder / request.name
            if path.with_suffix(".json").is_file() and path.with_suffix(".npz").is_file() and _verified(path):
                try:
                    cached[request.name] = ProbeOutcome(request.name, "ok",
                                                        value=read_result(path, max_bytes=RESULT_MAX_BYTES))
                except (OSError, ValueError):
                    pass
    missing = [r for r in requests if r.name not in cached]
    if missing:
        outcomes = run_probes(assignment=name, module_dir=prepared.reference_dir, module=prepared.assignment.module,
                              probes=missing, limits=limits, work_dir=work_dir / "reference-run", seed=seed,
                              context={**context, ANSWER_KEY_RUN: True}, on_event=on_event, device=device,
                              gpu_slots=gpu_slots)
        for probe, outcome in outcomes.items():
            cached[probe] = outcome
            if folder is not None and outcome.ok:
                _store(folder, probe, sorted((work_dir / "reference-run").glob(f"out-*/{probe}.*")))
    return cached


def _entry_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for suffix in (".json", ".npz"):
        digest.update(path.with_suffix(suffix).read_bytes())
    return digest.hexdigest()


def _verified(path: Path) -> bool:
    """A cached reference result is used only when its digest matches (no half-written or altered entry)."""
    try:
        return path.with_suffix(".sha256").read_text(encoding="ascii").strip() == _entry_digest(path)
    except OSError:
        return False


def _store(folder: Path, name: str, produced: list[Path]) -> None:
    """Put a reference result in the cache: only the grader writes there (folders 0700), each file
    replaced atomically, the digest last."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for parent in (folder.parent, folder.parent.parent):
        try:
            parent.chmod(0o700)
        except OSError:
            pass
    for source in produced:
        temporary = folder / f".{source.name}.{os.getpid()}.tmp"
        shutil.copyfile(source, temporary)
        temporary.replace(folder / source.name)
    path = folder / name
    if path.with_suffix(".json").is_file() and path.with_suffix(".npz").is_file():
        temporary = folder / f".{name}.sha256.{os.getpid()}.tmp"
        temporary.write_text(_entry_digest(path) + "\n", encoding="ascii")
        temporary.replace(path.with_suffix(".sha256"))

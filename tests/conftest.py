"""Shared fixtures: where the repository and the offline CIFAR-10 copy are."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # shared test helpers import as `tests.<folder>.<module>`
    sys.path.insert(0, str(REPO_ROOT))
# One OpenMP/BLAS thread in every process the suite starts and in its own torch: two workers share two cores
# (tests/suite.py says why and what it saves). Set before anything imports torch.
os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = "1"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def cifar10_root() -> Path:
    """The folder holding CIFAR-10 for tests: $CIFAR10_ROOT, else ../shared/datasets beside the repo.

    Tests never download; without the data they fail and say how to provide it.
    """
    env = os.environ.get("CIFAR10_ROOT")
    candidates = [Path(env)] if env else []
    candidates.append(REPO_ROOT.parent / "shared" / "datasets")
    for folder in candidates:
        if folder.is_dir():
            return folder.resolve()
    pytest.fail(
        "CIFAR-10 is needed by this test: set CIFAR10_ROOT to the folder holding "
        "cifar10-jpeg.tar.gz or cifar-10-batches-py/ (scripts/test.sh does this when ../shared/datasets exists)"
    )


@pytest.fixture(scope="session")
def trained_reference_cache(tmp_path_factory: pytest.TempPathFactory, cifar10_root: Path) -> Path:
    """One cache of the answer key's results for the whole session (every probe, the two CIFAR-10 trainings
    included), under the suite's limits (tests/suite.py), shared by the pytest-xdist workers and filled once, so
    that no test trains the answer key again (a test that grades with other limits or threads misses it).

    It is filled by grading the starter code (release/), whose own probes end at once, under a file lock: the
    first worker to ask fills it while the other waits. The answer key's results are the same to the last bit in
    every process on this machine, so sharing them changes no grade."""
    from filelock import FileLock

    from autograder.grade import grade_submission
    from tests.suite import suite_limits

    folder = tmp_path_factory.getbasetemp().parent / "trained-reference-cache"
    with FileLock(str(folder.parent / "trained-reference-cache.lock")):
        if not (folder / "filled").exists():
            folder.mkdir(exist_ok=True)
            for assignment in ("pytorch_tensor", "image_classification"):
                report = grade_submission(submission=REPO_ROOT / "release", assignment=assignment,
                                          data_dir=str(cifar10_root), cache_dir=folder, limits=suite_limits())
                assert not report.grader_errors, report.to_text()
            (folder / "filled").touch()
    return folder


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slow and heavy tests first, each kept in its place among them: with pytest-xdist handing out one test at a time
    (`--maxschedchunk 1` in scripts/test.sh) the longest work starts early and the short tests fill the gaps,
    so no worker runs a long test alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None and item.get_closest_marker("heavy") is None)
    # The GPU tests (marker `gpu`) need an NVIDIA driver: without one they are deselected, not run and not skipped
    # (scripts/gpu_check.sh runs them on a machine with a GPU).
    from autograder.gpu.device import driver_present

    if not driver_present():
        deselected = [item for item in items if item.get_closest_marker("gpu") is not None]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if item.get_closest_marker("gpu") is None]

"""Shared fixtures: where the repository and the offline CIFAR-10 copy are."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # shared test helpers import as `tests.<folder>.<module>`
    sys.path.insert(0, str(REPO_ROOT))


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

"""The repository's release/ and solutions/ are a fresh build of source/ and hold no marker text.

Fails until the assignments exist under source/ and `autograder assign` has been run; then it fails
whenever source/ changes without a rebuild.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.assign import diff_against_build, find_marker_text


def test_release_and_solutions_are_up_to_date(repo_root: Path) -> None:
    for folder in ("release", "solutions"):
        assert (repo_root / folder).is_dir(), f"{folder}/ is missing: run `autograder assign` to build it"
    differ = diff_against_build(
        source_dir=repo_root / "source", release_dir=repo_root / "release", solutions_dir=repo_root / "solutions"
    )
    assert differ == [], "out of date (run `autograder assign`):\n  " + "\n  ".join(differ)


@pytest.mark.parametrize("folder", ["release", "solutions"])
def test_no_marker_text(repo_root: Path, folder: str) -> None:
    assert (repo_root / folder).is_dir(), f"{folder}/ is missing: run `autograder assign` to build it"
    assert find_marker_text(repo_root / folder) == []

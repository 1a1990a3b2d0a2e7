"""A scratch nbgrader course for the tests that run the real nbgrader commands."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from tests.suite import SUITE_THREADS

REPO = Path(__file__).resolve().parents[2]


def copy_course(target: Path) -> Path:
    """A copy of the course folder (nbgrader_config.py, source/, release/, solutions/) at `target`, whose
    configuration grades with the suite's limits (one thread, tests/suite.py) as an instructor would set them."""
    target.mkdir()
    for name in ("nbgrader_config.py", "source", "release", "solutions"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, target / name)
    with (target / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(f"\nc.GradeBeforeRun.limits = {{'threads': {SUITE_THREADS}}}  # the test suite's (tests/suite.py)\n")
    return target


def nbgrader_env(cifar10_root: Path) -> dict[str, str]:
    """The environment nbgrader runs with: this Python's tools first, CIFAR-10, notebooks in quick mode, and
    none of the variables that would point the hidden tests elsewhere (nbgrader_config.py sets them)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])  # nbgrader runs alembic
    env["CIFAR10_ROOT"] = str(cifar10_root)
    env["COURSE_QUICK_RUN"] = "1"
    for name in ("AUTOGRADER_SOLUTIONS", "AUTOGRADER_SKIP", "AUTOGRADER_TRUSTED_GRADES", "MPLBACKEND"):
        env.pop(name, None)
    return env

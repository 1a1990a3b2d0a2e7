"""Where things are: the repository (when the package runs from a checkout) and the default cache."""
from __future__ import annotations

import os
from pathlib import Path



def repo_root() -> Path:
    """The repository holding this package (source/, release/, solutions/ beside autograder/)."""
    return Path(__file__).resolve().parents[1]


def default_solutions_dir() -> Path:
    """`$AUTOGRADER_SOLUTIONS`, else the repository's solutions/."""
    env = os.environ.get("AUTOGRADER_SOLUTIONS")
    return Path(env) if env else repo_root() / "solutions"


def default_cache_dir() -> Path:
    """`$AUTOGRADER_CACHE`, else ~/.cache/ai-vision-course/autograder (reference results are kept here)."""
    env = os.environ.get("AUTOGRADER_CACHE")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ai-vision-course" / "autograder"

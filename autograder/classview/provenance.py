"""What made a grade: the versions, machine, seed, threads, limits and the digests of the submission, the answer
key and the grader, recorded in every graded.json so that `regrade` can grade it again and compare."""
from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

PROVENANCE_KEY = "provenance"
INPUT_FIELDS = ("submission_digest", "answer_key_digest", "options")  # a change: not the same grading
ENVIRONMENT_FIELDS = ("autograder", "grader_code_digest", "torch", "numpy", "python", "device", "seed")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def grading_provenance(*, submission: Path, digest: str, options: dict[str, Any]) -> dict[str, Any]:
    """The provenance of grading `submission` (content digest `digest`) with the plain `options` of a batch task
    (assignment, skip, data_dir, language, limits as a dict, solutions_dir, cache_dir, and the device chosen:
    'cpu' or 'cuda:<GPU model>', `GraderDevice.cache_kind`)."""
    from autograder.course.discover import content_digest
    from autograder.grade.engine import SEED

    package = Path(__file__).resolve().parents[1]
    solutions = Path(options["solutions_dir"])
    limits = dict(options.get("limits") or {})
    return {
        "autograder": _version("ai-vision-course"),
        "grader_code_digest": content_digest(package),
        "torch": _version("torch"), "numpy": _version("numpy"),
        "python": platform.python_version(), "implementation": sys.implementation.name,
        "machine": f"{platform.system()} {platform.machine()}", "cpus": os.cpu_count() or 0,
        "device": str(options.get("device") or "cpu"),
        "seed": SEED, "threads": limits.get("threads"), "limits": limits,
        "options": {k: options.get(k) for k in ("assignment", "skip", "data_dir", "language")},
        "submission_path": str(Path(submission).resolve()) if str(submission) else "",
        "submission_digest": digest,
        "cache_dir": str(options.get("cache_dir") or ""),  # where the answer key's results were cached (not compared)
        "answer_key_path": str(solutions.resolve()),
        "answer_key_digest": content_digest(solutions) if solutions.is_dir() else "",
    }

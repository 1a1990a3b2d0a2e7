"""`python -m autograder.course.worker TASK.json OUTCOME.json`: grade one batch task in this fresh process
(a Dask worker starts one per submission) and write `grade_student`'s plain outcome."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from autograder.course.batch import grade_student


def main(argv: list[str]) -> int:
    """Read the task, grade it, write the outcome atomically. Exit 0 when an outcome was written."""
    task_path, outcome_path = Path(argv[0]), Path(argv[1])
    outcome = grade_student(json.loads(task_path.read_text(encoding="utf-8")))
    temporary = outcome_path.with_name(f".{outcome_path.name}.tmp")
    temporary.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, outcome_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

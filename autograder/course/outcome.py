"""What a class grading produces, as plain data: the batch's summary and the outcome of a grading whose process
died (shared by the local pool and the Dask workers)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.feedback.language import DEFAULT_LANGUAGE, pair, show

GRADED_FILE = "graded.json"  # per student: the digests it was graded with, and its rows


@dataclass
class BatchSummary:
    """What `grade_all` did: the per-student records (as in graded.json) and counts."""

    out: Path
    records: list[dict[str, Any]] = field(default_factory=list)
    graded: int = 0
    unchanged: int = 0
    skipped_entries: list[str] = field(default_factory=list)
    collisions: list[str] = field(default_factory=list)  # entries whose folder names collided (see find_students)
    withdrawn: list[str] = field(default_factory=list)  # graded before, not in the class now: moved to withdrawn/
    answer_key: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def worker_died(task: dict[str, Any], *, reason: str = "the grading process died twice") -> dict[str, Any]:
    """The outcome of a submission whose grading process died (or could not run): a grader failure, not the
    student's, in the shape `grade_student` returns."""
    refusal = show(pair("채점기 오류: 이 제출물을 채점하지 못했습니다. 학생의 잘못이 아닙니다.",
                        f"The grader failed on this submission ({reason}); this is not the student's fault."),
                   task.get("options", {}).get("language", DEFAULT_LANGUAGE))
    record = {"student": task["student"], "digest": "", "grader": task["grader"], "exit_code": 4, "refusal": refusal,
              "score": 0.0, "max_score": 0.0, "seconds": 0.0, "checks": []}
    results = {"score": 0.0, "output": refusal, "tests": []}
    return {"record": record, "report": refusal + "\n", "results": results}

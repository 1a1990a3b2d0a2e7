"""From probe outcomes to a check's result: the check's verdict on the student's values, or whose failure it
was when there are none (the student's code raised or hit a limit; the grader or the machine failed)."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.feedback.catalog import bilingual, korean, marked
from autograder.feedback.inert import escape_controls, inert, inert_line
from autograder.feedback.language import PAIR_MARKS, pair
from autograder.grade.checks.common import error_verdict
from autograder.grade.compare import error_both
from autograder.grade.registry import Check, Verdict
from autograder.grade.report import CheckResult
from autograder.probes.accuracy_keys import TEST_LABELS
from autograder.run import ProbeOutcome


OVERLOADED = pair("채점 서버가 너무 바빠서 이 검사를 끝내지 못했습니다. 학생의 잘못이 아니니 다시 채점해야 합니다.",
                  "The grading machine was too busy to finish this check: this is not your fault, it must be regraded")


def student_fault(outcome: ProbeOutcome) -> Verdict:
    """The verdict when the student's probe did not end with a value (it raised, hit a limit...)."""
    if outcome.status in ("raised", "import"):
        return error_verdict(outcome.name, outcome.value) if outcome.status == "raised" else \
            Verdict.failed(bilingual("your module could not be imported: {error}. Fix the line it names and run "
                                     "the file once yourself.", error=error_both(outcome.value)))
    reasons = {
        "timeout": marked("stopped (time limit)"), "memory": marked("stopped (memory limit)"),
        "output": marked("stopped (output limit)"), "exited": marked("stopped (your code ended the process)"),
        "processes": marked("stopped (process limit)"), "total-time": marked("not run (total time limit)"),
        "ungradable": marked("its result could not be graded"),
    }
    reason = reasons.get(outcome.status, outcome.status)
    if outcome.status == "total-time" and "during" in outcome.detail:
        reason = marked("stopped (total time limit)")
    message = f"{pair(korean(reason) or reason, reason)}: {outcome.detail}"
    if outcome.output_tail.strip() and outcome.status in ("exited", "memory", "output"):
        message += f"\n{pair('마지막 출력 줄', 'last output line')}: {inert_line(outcome.output_tail)}"
    return Verdict.failed(message)


def _safe_message(message: str) -> str:
    """Every line of a message inert (student text inside was made one line already; this also escapes
    any control character that reached a grader-made line). The marks of the grader's bilingual pairs stay:
    student text cannot hold them (`inert` and the probe results' decoding escape or drop them)."""
    return "\n".join(escape_controls(line, keep=PAIR_MARKS) for line in message.split("\n"))


def grade_check(item: Check, student: ProbeOutcome | None, reference: ProbeOutcome | None,
                labels: np.ndarray | None) -> CheckResult:
    """The result of check `item` from the student's and the answer key's outcomes of its probe (`labels`: the
    test labels, for the checks that need data)."""
    def result(status: str, score: float, message: str, data: dict[str, Any] | None = None,
               pictures: dict[str, Any] | None = None) -> CheckResult:
        return CheckResult(item.assignment, item.name, item.title, item.points, round(score, 4), status,
                           _safe_message(message), student.seconds if student else 0.0, data=data or {},
                           peak_rss_mib=student.peak_rss_mib if student else 0.0, pictures=pictures or {})

    def grade(value: Any) -> Verdict:
        truth = {**reference.value, TEST_LABELS: labels} if item.needs_data else reference.value
        return item.grade(value, truth)

    if reference is None or not reference.ok:
        if reference is not None and reference.status == "overloaded":
            return result("grader-error", 0.0, f"{OVERLOADED} (answer key: {reference.detail})")
        detail = f"{reference.status}: {reference.detail or reference.value}" if reference else "it did not run"
        return result("grader-error", 0.0, f"the grader failed on the answer key ({detail}); this is not your fault")
    if student is None:
        return result("grader-error", 0.0, "the grader did not run this check")
    if student.status == "sandbox":
        return result("grader-error", 0.0, f"{student.detail}; this is not your fault")
    if student.status == "overloaded":
        return result("grader-error", 0.0, f"{OVERLOADED} ({student.detail})")
    verdict = student_fault(student) if not student.ok else None
    if verdict is None:
        try:
            verdict = grade(student.value)
        except Exception as exc:  # noqa: BLE001 - a bug in a check must not hide the other checks
            # Whose fault: if the check grades the answer key's own values, the student's values were of a
            # kind it cannot compare (strings, objects, huge numbers...): that is the student's failure.
            try:
                grade(reference.value)
            except Exception:  # noqa: BLE001
                return result("grader-error", 0.0, pair(
                    "채점기 오류입니다. 학생의 잘못이 아닙니다.", f"the grader failed in this check ({type(exc).__name__}: "
                    f"{inert(exc, max_chars=200)}); this is not your fault"))
            verdict = Verdict.failed(pair(
                "돌려준 값의 종류가 정답과 비교할 수 없는 것입니다. docstring이 말하는 모양의 숫자, 배열, 텐서를 돌려주세요.",
                f"your code returned values of a kind that cannot be compared with the answer key "
                f"({type(exc).__name__}); return what the docstring asks for (numbers, arrays or tensors of numbers, "
                "of the shapes it names)"))
    fraction = min(max(verdict.fraction, 0.0), 1.0)
    status = verdict.status or ("passed" if fraction >= 1.0 else ("partial" if fraction > 0 else "failed"))
    return result(status, item.points * fraction, verdict.message, verdict.data, verdict.pictures)


def grader_failure(item: Check, exc: BaseException) -> CheckResult:
    """The result of a check that could not run because the grader itself failed."""
    return CheckResult(item.assignment, item.name, item.title, item.points, 0.0, "grader-error",
                       pair("채점기 오류로 이 검사를 하지 못했습니다. 학생의 잘못이 아니니 강사에게 알려 주세요.",
                            f"the grader failed before this check could run ({type(exc).__name__}: "
                            f"{inert(exc, max_chars=300)}); this is not your fault, tell the instructor"))

"""What the hidden tests of the course notebooks call: the autograder's checks as an nbgrader grade cell.

Every grade cell of the source notebooks ends with

    ### BEGIN HIDDEN TESTS
    from autograder.notebook import check
    check("pytorch_tensor", "zeros_and_ones")
    ### END HIDDEN TESTS

`check` grades the folder of the notebook (the kernel's working folder; in `nbgrader autograde` that is the
student's folder under autograded/) with `autograder.grade.grade_submission`, as `autograder grade` does
(same answer key, limits, sandbox and reference cache), and turns the results of the named checks into
the outcome nbgrader scores (`nbgrader.utils.determine_grade`):

* every check passed: a summary on stdout and no value -> nbgrader gives the cell's points;
* some passed: the messages on stdout and the points earned as the cell's value (a float) -> nbgrader's
  partial credit;
* none passed: `CheckFailed` (an AssertionError) with the messages -> 0 points.

So a grade cell whose points are the sum of its checks' points (tests/nbgrader checks this) scores what
those checks score in `autograder grade`. The error shows only the messages, never a traceback with the
cell's (hidden) code.

All checks but the training ones are graded together on the first call and kept for the later cells
(keyed by the student's `.py` files, so an edited module is graded again); each training check
(`fc_accuracy`, `conv_accuracy`: one epoch on the full CIFAR-10) runs on its own, in its own cell.
`AUTOGRADER_SKIP=fc_accuracy,conv_accuracy` leaves checks out, as `autograder grade --skip` does: a
skipped check earns nothing here (its cell reports it), and `autograder grade` leaves it out of the total.
"""
from __future__ import annotations

import ast
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.feedback.language import DEFAULT_LANGUAGE, LANGUAGE_ENV, check_language, pair, show
from autograder.grade.engine import GradingError, grade_submission
from autograder.grade.registry import Check, checks_for
from autograder.grade.report import CheckResult
from autograder.run.limits import Limits
from autograder.assignments import AssignmentError, get_assignment
from autograder.tree import tree_digest

SKIP_ENV = "AUTOGRADER_SKIP"
#: The word instructors can search the autograded notebooks for (`grep -rl "GRADER ERROR" autograded/`).
GRADER_ERROR = "GRADER ERROR"
_FAST = "*"  # the scope of every check that is not a training check

_CACHE: dict[tuple[str, str, str, str], dict[str, CheckResult]] = {}


class CheckFailed(AssertionError):
    """No check of the grade cell passed. Shown as the messages alone: IPython renders an exception with
    `_render_traceback_` from that method, so the cell's code (the hidden test) never appears."""

    def __init__(self, message: str) -> None:
        message = show(message, notebook_language())
        super().__init__(message)
        self.message = message

    def _render_traceback_(self) -> list[str]:
        first, *rest = self.message.splitlines() or [""]
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {first}", *rest]


@dataclass(frozen=True)
class Outcome:
    """The named checks' results for one grade cell."""

    assignment: str
    results: tuple[CheckResult, ...]

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.results), 4)

    @property
    def points(self) -> float:
        return round(sum(r.points for r in self.results), 4)

    def lines(self, *, language: str = DEFAULT_LANGUAGE) -> list[str]:
        lines = []
        for row in self.results:
            mark = {"passed": "PASS", "partial": "PART", "failed": "FAIL", "skipped": "SKIP"}.get(row.status, "ERR!")
            lines.append(f"  [{mark}] {show(row.title, language)} — {_num(row.score)} / {_num(row.points)}")
            if row.message:  # why it failed; for a passed accuracy check, the accuracy reached
                lines.extend(f"         {text}" for text in show(row.message, language).splitlines())
        return lines


def notebook_language() -> str:
    """The language of the grade cells' messages: $AUTOGRADER_LANG ('ko+en', 'ko' or 'en'), else 'ko+en'."""
    return check_language(os.environ.get(LANGUAGE_ENV) or DEFAULT_LANGUAGE)


#: Set (to 1) for the kernels of `nbgrader autograde` when the trusted grader sets every grade cell's result
#: afterwards (`autograder.nbgrader_support.TrustedGrades`): `check` then only says so, without grading.
DEFER_ENV = "AUTOGRADER_TRUSTED_GRADES"
DEFERRED = pair("채점은 노트북 밖에서 신뢰할 수 있는 채점기가 합니다.",
                "Graded outside this notebook by the trusted grader (autograder grade).")


def check(assignment: str, *names: str) -> float | None:
    """Grade the checks `names` of `assignment` on the notebook's folder; see the module's docstring."""
    language = notebook_language()
    if os.environ.get(DEFER_ENV) == "1":
        print(show(DEFERRED, language))
        return None
    try:
        outcome = grade_checks(assignment, names)
    except ValueError as exc:  # the grade cell names no such check: the notebook's fault, not the student's
        raise CheckFailed(f"{GRADER_ERROR}: " + pair("노트북의 채점 셀이 잘못되었습니다:", "the notebook's grade cell is wrong:")
                          + f" {exc}") from None
    verdict, text = verdict_text(outcome, language=language)
    if verdict == "full":
        print(text)
        return None
    if verdict == "partial":
        print(text)
        return outcome.score  # nbgrader reads a number shown as the cell's value as partial credit
    raise CheckFailed(text)


def verdict_text(outcome: Outcome, *, language: str = DEFAULT_LANGUAGE) -> tuple[str, str]:
    """('full' | 'partial' | 'none', the text the grade cell shows in `language`) for an outcome."""
    summary = f"{show(pair('자동 채점', 'autograder'), language)}: {_num(outcome.score)} / {_num(outcome.points)}"
    lines = outcome.lines(language=language)
    if outcome.score >= outcome.points:
        return "full", "\n".join([f"{summary} ✔", *lines])
    if outcome.score > 0:
        return "partial", "\n".join([f"{summary} ({show(pair('부분 점수', 'partial credit'), language)})", *lines])
    return "none", "\n".join([summary, *lines])


def grade_checks(assignment: str, names: Iterable[str], *, folder: Path | None = None,
                 limits: Limits = Limits(), device: str = "auto") -> Outcome:
    """The results of the checks `names` on `folder` (default: the notebook's folder), graded or cached, with the
    student's code under `limits`, on `device` ('auto', 'cpu' or 'cuda': `autograder.gpu`)."""
    names = tuple(names)
    registry = _checks(assignment, names)
    skipped = {n for n in names if n in _skipped_by_env()}
    rows: dict[str, CheckResult] = {}
    for name in names:
        if name in skipped:
            item = registry[name]
            rows[name] = CheckResult(assignment, name, item.title, item.points, 0.0, "skipped", pair(
                f"채점하지 않음: {SKIP_ENV}로 뺐습니다 (여기서는 0점; `autograder grade --skip`은 합계에서 뺍니다)",
                f"not graded: left out by {SKIP_ENV} (0 points here; `autograder grade --skip` leaves it out of the "
                "total)"))
    wanted = [n for n in names if n not in skipped]
    if wanted:
        try:
            submission = folder if folder is not None else submission_folder(assignment)
            for scope, in_scope in _scopes(assignment, wanted, skipped=_skipped_by_env()).items():
                graded = _graded(assignment, submission, scope, in_scope, limits, device)
                rows.update({n: graded[n] for n in wanted if n in graded})
        except GradingError as exc:  # exit code 3: the grader's own inputs are missing (answer key, CIFAR-10)
            blame = f"{GRADER_ERROR}: " if exc.exit_code == 3 else ""
            raise CheckFailed(blame + pair("제출물을 채점할 수 없었습니다:", "the submission could not be graded:")
                              + f" {exc}") from None
        except KeyboardInterrupt:  # nbgrader interrupts a cell that runs out of time
            raise CheckFailed(f"{GRADER_ERROR}: " + pair(
                "셀의 시간 제한으로 채점이 중단되었습니다 (nbgrader_config.py의 c.Execute.timeout_func)",
                "grading was interrupted (the cell's time limit; see c.Execute.timeout_func in nbgrader_config.py)"
            )) from None
        except Exception as exc:  # noqa: BLE001 - a grader bug must read as one, without the hidden code
            raise CheckFailed(f"{GRADER_ERROR}: " + pair(
                f"채점기에 오류가 났습니다 ({type(exc).__name__}: {exc}). 학생의 잘못이 아닙니다",
                f"the grader failed ({type(exc).__name__}: {exc}); this is not the student's fault")) from None
    results = []
    for name in names:
        row = rows.get(name)
        if row is None:
            item = registry[name]
            row = CheckResult(assignment, name, item.title, item.points, 0.0, "grader-error",
                              pair("채점기가 이 검사의 결과를 알려 주지 않았습니다", "the grader did not report this check"))
        if row.status == "grader-error" and GRADER_ERROR not in row.message:
            row = CheckResult(row.assignment, row.name, row.title, row.points, row.score, row.status,
                              f"{GRADER_ERROR}: {row.message}", row.seconds)
        results.append(row)
    return Outcome(assignment, tuple(results))


def submission_folder(assignment: str) -> Path:
    """The folder to grade: the working folder when it holds the assignment's module (nbgrader starts the
    kernel in the notebook's folder), else the folder the notebook imported the module from."""
    module = get_assignment(assignment).module
    cwd = Path.cwd()
    if (cwd / f"{module}.py").is_file():
        return cwd
    imported = sys.modules.get(module)
    path = getattr(imported, "__file__", None)
    if path and Path(path).name == f"{module}.py":
        return Path(path).resolve().parent
    raise GradingError(f"{cwd} holds no {module}.py (the notebook's folder must hold the student's module)")


@dataclass(frozen=True)
class GradeCell:
    """A grade cell of a source notebook and the checks its hidden tests call (none: a 0-point cell, i.e. a
    visible test cell or the notebook's own task)."""

    grade_id: str
    points: float
    assignment: str | None
    checks: tuple[str, ...]


def grade_cells(nb: Any) -> list[GradeCell]:
    """The grade cells of a source notebook (an nbformat node), with the `check(...)` call of each.

    Raises ValueError for a hidden-test region that calls `check` other than with string literals, or
    more than once.
    """
    found = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade"):
            continue
        calls = [_literal_call(node, meta["grade_id"]) for node in ast.walk(ast.parse(_hidden(cell.source)))
                 if isinstance(node, ast.Call) and _called_name(node.func) == "check"]
        if len(calls) > 1:
            raise ValueError(f"grade cell {meta['grade_id']!r} calls check() {len(calls)} times; call it once")
        assignment, checks = calls[0] if calls else (None, ())
        found.append(GradeCell(meta["grade_id"], float(meta.get("points", 0)), assignment, checks))
    return found


def _hidden(source: str) -> str:
    lines, inside = [], False
    for line in source.split("\n"):
        if line.strip() == "### BEGIN HIDDEN TESTS":
            inside = True
        elif line.strip() == "### END HIDDEN TESTS":
            inside = False
        elif inside:
            lines.append(line)
    return "\n".join(lines)


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _literal_call(node: ast.Call, grade_id: str) -> tuple[str, tuple[str, ...]]:
    values = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if node.keywords or len(values) != len(node.args) or len(values) < 2:
        raise ValueError(f"grade cell {grade_id!r}: call check(\"<assignment>\", \"<check>\", ...) with strings only")
    return values[0], tuple(values[1:])


def clear_cache() -> None:
    """Forget every graded result (the next `check` grades again)."""
    _CACHE.clear()


# ---------------------------------------------------------------------------------------------------


def _checks(assignment: str, names: Sequence[str]) -> dict[str, Check]:
    try:
        get_assignment(assignment)
    except AssignmentError as exc:
        raise ValueError(str(exc)) from None
    registry = {c.name: c for c in checks_for(assignment)}
    unknown = [n for n in names if n not in registry]
    if not names or unknown:
        raise ValueError(f"{assignment} has no check {', '.join(map(repr, unknown)) or '(none named)'}; "
                         f"its checks: {', '.join(registry)}")
    return registry


def _skipped_by_env() -> set[str]:
    return {name.strip() for name in os.environ.get(SKIP_ENV, "").split(",") if name.strip()}


def _scope_of(item: Check) -> str:
    return item.name if item.timeout == "train" else _FAST


def _scopes(assignment: str, wanted: Sequence[str], *, skipped: set[str]) -> dict[str, list[str]]:
    """Which grading runs the wanted checks need: all fast checks together, each training check alone."""
    everything = checks_for(assignment)
    by_name = {c.name: c for c in everything}
    scopes: dict[str, list[str]] = {}
    for name in wanted:
        scope = _scope_of(by_name[name])
        if scope not in scopes:
            scopes[scope] = [c.name for c in everything if _scope_of(c) == scope and c.name not in skipped]
    return scopes


def _graded(assignment: str, submission: Path, scope: str, in_scope: list[str],
            limits: Limits, device: str) -> dict[str, CheckResult]:
    key = (assignment, str(submission.resolve()), _digest(submission), scope, limits, device)
    if key not in _CACHE:
        skip = [c.name for c in checks_for(assignment) if c.name not in in_scope]
        report = grade_submission(submission=submission, assignment=assignment, skip=skip, limits=limits,
                                  device=device)
        _CACHE[key] = {row.name: row for row in report.results}
    return _CACHE[key]


def _digest(folder: Path) -> str:
    """A fingerprint of the student's Python files (what the checks run)."""
    return tree_digest(folder, suffixes=(".py",))


def _num(value: float) -> str:
    return f"{value:g}"

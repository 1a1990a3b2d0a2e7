"""Grading results: the readable report and Gradescope's results.json."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.feedback.inert import escape_controls, inert
from autograder.feedback.language import DEFAULT_LANGUAGE, PAIR_MARKS, check_language, pair, show
from autograder.feedback.width import pad, wrap

TITLE_COLUMNS = 52  # display columns of a check's title in the text report (Hangul counts two)
MESSAGE_COLUMNS = 100  # the text report's messages wrap here


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check for one submission.

    status: 'passed', 'partial', 'failed' (the student's code is at fault or incomplete),
    'review' (held back for the instructor's review, e.g. an accuracy one epoch cannot reach) or
    'grader-error' (the grader itself failed; not the student's fault).
    data: figures behind the message (e.g. {'accuracy': 0.49, 'reference_accuracy': 0.49}).
    """

    assignment: str
    name: str
    title: str
    points: float
    score: float
    status: str
    message: str = ""
    seconds: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)
    peak_rss_mib: float = 0.0  # the student's child process's peak RSS when the check ended (0: not measured)
    pictures: dict[str, Any] = field(default_factory=dict)  # what the HTML report draws (autograder.feedback.pictures)


@dataclass
class GradeReport:
    """All check results of one submission, plus notes about how it was graded."""

    submission: str
    results: list[CheckResult] = field(default_factory=list)
    execution_time: float = 0.0
    notes: list[str] = field(default_factory=list)  # about the submission (what the intake left out): for the student
    grader_notes: list[str] = field(default_factory=list)  # about the grading machine (isolation, memory counting): for
    # the instructor only (the CLI's and Gradescope's console, graded.json, the class summary), never in results.json
    refusal: str = ""  # why the submission could not be graded at all (then there are no results)
    refusal_max_score: float = 0.0  # a refusal's maximum: the points of the assignment it was meant for, when known
    exit_code: int = 0  # what `autograder grade` exits with for a refusal (2 or 3) or a grader failure (4)
    device: str = "cpu"  # where student code ran: 'cpu' or 'cuda:<GPU model>' (`GraderDevice.cache_kind`)

    @classmethod
    def refused(cls, submission: str, message: str, *, exit_code: int, max_score: float = 0.0) -> "GradeReport":
        """The report of a submission that could not be graded at all: no check ran, score 0 of `max_score` (the
        points of the assignment it was meant for, when known)."""
        return cls(submission=submission, refusal=message, exit_code=exit_code, refusal_max_score=max_score)

    @property
    def reviews(self) -> list[CheckResult]:
        """Checks held back for the instructor's review."""
        return [r for r in self.results if r.status == "review"]

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.results), 4)

    @property
    def max_score(self) -> float:
        if self.refusal and not self.results:
            return round(self.refusal_max_score, 4)
        return round(sum(r.points for r in self.results), 4)

    @property
    def grader_errors(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == "grader-error"]

    def to_text(self, *, language: str = DEFAULT_LANGUAGE, for_instructor: bool = False) -> str:
        """The report: one line per check, then why it failed; in `language` ('ko+en', 'ko' or 'en'; see
        autograder.feedback.language). `for_instructor` adds the notes about the grading machine."""
        check_language(language)
        lines = [f"{show(pair('제출물', 'Submission'), language)}: {inert(self.submission)}"]
        if self.refusal:
            lines.append("")
            lines.append(show(pair("채점하지 못했습니다:", "Not graded:"), language))
            lines.extend(f"  {text}" for text in show(_lines_inert(self.refusal), language).splitlines())
        for assignment in dict.fromkeys(r.assignment for r in self.results):
            rows = [r for r in self.results if r.assignment == assignment]
            got, total = sum(r.score for r in rows), sum(r.points for r in rows)
            lines.append("")
            lines.append(f"{pad(assignment, TITLE_COLUMNS + 9)} {_num(got):>6} / {_num(total)}")
            for row in rows:
                mark = {"passed": "PASS", "partial": "PART", "failed": "FAIL", "review": "HOLD"}.get(row.status, "ERR!")
                # A long title: several lines, the later ones indented deeper than any message line (9 columns), so
                # that a message can never pass for the end of a title with its points.
                titles = wrap(show(row.title, language), width=TITLE_COLUMNS - 2, indent="")
                for number, title in enumerate(titles):
                    start, width = (f"  [{mark}] ", TITLE_COLUMNS) if number == 0 else (" " * 11, TITLE_COLUMNS - 2)
                    end = f" {_num(row.score):>6} / {_num(row.points)}" if number == len(titles) - 1 else ""
                    lines.append(f"{start}{pad(title, width) if end else title}{end}")
                if row.message and row.status != "passed":
                    lines.extend(wrap(show(row.message, language), width=MESSAGE_COLUMNS, indent=" " * 9))
        lines.append("")
        lines.append(f"{pad(show(pair('합계', 'Total'), language), TITLE_COLUMNS + 9)} {_num(self.score):>6} / "
                     f"{_num(self.max_score)}")
        for note in self.notes:
            lines.append(f"{show(pair('참고', 'Note'), language)}: {show(_lines_inert(note), language)}")
        if for_instructor:
            for note in self.grader_notes:
                lines.append(f"{show(pair('채점 환경 (강사용)', 'Grading machine (instructor)'), language)}: "
                             f"{show(_lines_inert(note), language)}")
        if self.grader_errors:
            count = len(self.grader_errors)
            lines.append(show(pair(f"검사 {count}개는 제출물이 아니라 채점기 때문에 실패했습니다. 강사에게 알려 주세요.",
                                   f"{count} check(s) failed because of the grader, not the submission: tell the "
                                   "instructor."), language))
        if self.reviews:
            count = len(self.reviews)
            lines.append(show(pair(f"검사 {count}개는 강사가 확인할 때까지 점수를 보류합니다 (HOLD).",
                                   f"{count} check(s) held for the instructor's review (HOLD): their points are "
                                   "not given until then."), language))
        return "\n".join(lines)

    def to_gradescope(self, *, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """Gradescope's results.json structure, its texts in `language`."""
        check_language(language)
        tests = []
        assignments = list(dict.fromkeys(r.assignment for r in self.results))
        ordinal: dict[str, int] = {}
        for row in self.results:
            ordinal[row.assignment] = ordinal.get(row.assignment, 0) + 1
            tests.append({
                "name": f"{row.assignment}: {show(row.title, language)}",
                "name_format": "text",
                "number": f"{assignments.index(row.assignment) + 1}.{ordinal[row.assignment]}",
                "score": row.score,
                "max_score": row.points,
                "status": "passed" if row.score >= row.points else "failed",
                "output": show(row.message or pair("통과", "passed"), language),
                "output_format": "text",
                "visibility": "visible",
                "tags": [row.assignment, row.name] + ([row.status] if row.status in ("grader-error", "review") else []),
                **({"extra_data": row.data} if row.data else {}),
            })
        refusal = [show(pair("채점하지 못했습니다: ", "Not graded: "), language) + show(_lines_inert(self.refusal), language)]
        output = "\n".join((refusal if self.refusal else []) + [show(_lines_inert(note), language) for note in self.notes])
        return {
            "score": self.score,
            "max_score": self.max_score,
            "execution_time": round(self.execution_time, 2),
            "output": output,
            "output_format": "text",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": tests,
        }

    def write_results(self, path: Path, *, language: str = DEFAULT_LANGUAGE) -> None:
        """Write results.json atomically, its texts in `language`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(self.to_gradescope(language=language), indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8", errors="backslashreplace")
        temporary.replace(path)


def _lines_inert(text: str) -> str:
    """A note or refusal with every control character of every line escaped (a backstop: student text in it was
    made inert where it entered); the grader's own line breaks and bilingual marks stay."""
    return "\n".join(escape_controls(line, keep=PAIR_MARKS) for line in text.split("\n"))


def _num(value: float) -> str:
    return f"{value:g}"

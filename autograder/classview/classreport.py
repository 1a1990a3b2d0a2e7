"""`autograder class-report GRADED`: everything the class view writes into a graded folder, in one call: the late
policy (late.csv and a section of summary.md/summary.json), the gradebook exports (Canvas, Moodle) and index.html
with the late totals and flags."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from autograder.classview.dashboard import ClassExtras, write_dashboard
from autograder.classview.exports import final_totals, write_canvas, write_late_csv, write_moodle
from autograder.classview.late import LatePolicy, Lateness, class_lateness
from autograder.classview.records import read_class
from autograder.classview.roster import Person, people_of
from autograder.feedback.language import DEFAULT_LANGUAGE, pair, show

LATE_MARK = "<!-- late policy -->"  # where summary.md's late section starts (replaced on every run)
LATE_FILE = "late.csv"
SIMILARITY_PAGE = "similarity.html"


@dataclass
class ClassReport:
    """What `write_class_report` wrote, and the students an export left out (not in the roster)."""

    index: Path
    written: list[Path] = field(default_factory=list)
    not_in_roster: list[str] = field(default_factory=list)
    late: list[Lateness] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # left out of the exports: a roster row could be theirs or another's
    warnings: list[str] = field(default_factory=list)  # said on stderr and in the summary


def write_class_report(graded: Path, *, language: str = DEFAULT_LANGUAGE, policy: LatePolicy | None = None,
                       times: dict[tuple[str, str], datetime] | None = None, roster: dict[str, Person] | None = None,
                       canvas: Path | None = None, moodle: Path | None = None,
                       flags: dict[str, list[str]] | None = None) -> ClassReport:
    """Apply `policy` (if any), write the exports asked for (they need `roster`), the summary's late section and
    index.html. `flags`: more flags per student for the dashboard (e.g. from the similarity review)."""
    graded = Path(graded)
    records = read_class(graded)
    late = class_lateness(records, policy, times=times) if policy else []
    written: list[Path] = []
    missing: set[str] = set()
    warnings: list[str] = []
    ambiguous: list[str] = []
    if (canvas is not None or moodle is not None) and roster is None:
        raise ValueError("the Canvas and Moodle exports need a roster (--roster)")
    if roster is not None and (canvas is not None or moodle is not None):
        _, ambiguous = people_of(records, roster)
        if ambiguous:
            warnings.append("left out of the exports, a roster row could be theirs or another student's (write the "
                            "graded folder's name in the roster's student column): " + ", ".join(ambiguous))
    if late and all(x.source.startswith("mtime") or not x.source for x in late) and any(x.source for x in late):
        warnings.append("every submission time is a file modification time (no --times, no nbgrader timestamp.txt): "
                        "copying or unpacking files changes those times; check late.csv before using it")
    unknown = sorted({x.student for x in late if x.submitted is None})
    if unknown:
        shown = ", ".join(unknown[:20]) + (f" and {len(unknown) - 20} more" if len(unknown) > 20 else "")
        warnings.append(f"the hand-in time of {len(unknown)} student(s) is unknown, so no late penalty was applied to "
                        f"them: their submission is no longer where it was graded (an LMS bulk export is unpacked into "
                        f"a folder that is removed afterwards) or has no file time; give --times with the LMS's "
                        f"submission times: {shown}")
    if any("student-supplied" in x.source for x in late):
        warnings.append("a timestamp.txt inside a student's own hand-in was ignored (only nbgrader's submitted/ "
                        "folder is trusted): see late.csv's source column")
    for warning in warnings:
        print(f"autograder class-report: warning: {warning}", file=sys.stderr)
    if policy or warnings:
        _late_summary(graded, late, language=language, warnings=warnings, policy=policy is not None)
    if policy:
        write_late_csv(graded / LATE_FILE, late)
        written.append(graded / LATE_FILE)
    for path, writer in ((canvas, write_canvas), (moodle, write_moodle)):
        if path is not None:
            missing.update(writer(path, records, roster=roster, late=late))
            written.append(path)
    missing -= set(ambiguous)
    from autograder.classview.similarity import similarity_flags

    extras = ClassExtras(flags={k: list(v) for k, v in (flags or {}).items()})
    for student, more in similarity_flags(graded).items():
        extras.flags.setdefault(student, []).extend(more)
    if policy:
        extras.final_totals = {key: total for key, (total, _) in final_totals(records, late).items()}
        for entry in late:
            if entry.days_late:
                text = (pair("마감 후 0점", "past the cut-off: 0") if entry.factor == 0 else
                        pair(f"지각 {entry.days_late}일", f"{entry.days_late} day(s) late"))
                extras.flags.setdefault(entry.student, []).append(text)
        extras.links.append((LATE_FILE, show(pair("지각 처리 표", "late policy table"), language)))
    if (graded / SIMILARITY_PAGE).is_file():
        extras.links.append((SIMILARITY_PAGE, show(pair("유사도 검토", "similarity review"), language)))
    index = write_dashboard(graded, language=language, extras=extras)
    return ClassReport(index=index, written=written, not_in_roster=sorted(missing), late=late, ambiguous=ambiguous,
                       warnings=warnings)


def _late_summary(graded: Path, late: list[Lateness], *, language: str, warnings: list[str] = (),
                  policy: bool = True) -> None:
    """summary.json's 'late' and summary.md's late section (the previous one replaced)."""
    rows = [{"student": x.student, "assignment": x.assignment, "days_late": x.days_late, "factor": x.factor,
             "total": x.total, "final": x.final, "source": x.source} for x in late if x.days_late]
    summary_json = graded / "summary.json"
    data: dict[str, Any] = json.loads(summary_json.read_text(encoding="utf-8")) if summary_json.is_file() else {}
    if policy:
        data["late"] = rows
    data["class_report_warnings"] = list(warnings)
    summary_json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    from autograder.course.tables import markdown_text

    def say(ko: str, en: str) -> str:
        return show(pair(ko, en), language)

    unknown = sum(1 for x in late if x.submitted is None)
    lines = [LATE_MARK, ""]
    if policy:
        lines += [f"## {say('지각 처리', 'Late policy')}", "",
                  f"- {say('늦게 낸 제출', 'late submissions')}: {len(rows)} / {len(late)}; "
                  f"{say('제출 시각을 모름 (감점 없음)', 'time unknown (no penalty)')}: {unknown}", ""]
    else:
        lines += [f"## {say('성적 내보내기 경고', 'Class report warnings')}", ""]
    lines += [f"- {say('경고', 'warning')}: {markdown_text(w, max_chars=4000)}" for w in warnings] + ([""] if warnings else [])
    if rows:
        lines += [f"| {say('학생', 'student')} | {say('과제', 'assignment')} | {say('지각 일수', 'days late')} | "
                  f"{say('점수', 'total')} | {say('반영 점수', 'final')} |", "|---|---|---|---|---|"]
        lines += [f"| {markdown_text(r['student'])} | {r['assignment']} | {r['days_late']} | {r['total']:g} | "
                  f"{r['final']:g} |" for r in rows]
    summary_md = graded / "summary.md"
    before = summary_md.read_text(encoding="utf-8").split(LATE_MARK)[0].rstrip("\n") if summary_md.is_file() else ""
    summary_md.write_text((before + "\n\n" if before else "") + "\n".join(lines) + "\n", encoding="utf-8")

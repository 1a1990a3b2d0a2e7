"""The class-level outputs of `grade_all`: grades.csv and the summary (per check: passes, common failures)."""
from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder.feedback.inert import inert
from autograder.feedback.language import DEFAULT_LANGUAGE, pair, show
from autograder.assignments import assignment_names
from autograder.grade.registry import checks_for

if TYPE_CHECKING:
    from autograder.course.outcome import BatchSummary



FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a string starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def markdown_text(text: Any, *, max_chars: int = 300) -> str:
    """`text` (student-derived: names, messages) as inert Markdown: one line, HTML and Markdown syntax escaped, so
    a preview (an IDE, a wiki) renders it as the characters it is."""
    return _MARKDOWN.sub(r"\\\1", html.escape(inert(text, max_chars=max_chars), quote=True))


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def _check_columns(assignment: str | None = None) -> list[tuple[str, str]]:
    return [(a, c.name) for a in assignment_names() if assignment in (None, a) for c in checks_for(a)]


def grade_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per student and assignment graded (a refused submission: one row, status 'refused')."""
    rows = []
    for record in records:
        by_assignment: dict[str, list[dict[str, Any]]] = {}
        for check in record["checks"]:
            by_assignment.setdefault(check["assignment"], []).append(check)
        if not by_assignment:
            rows.append({"student": record["student"], "entry": record.get("entry") or record["student"],
                         "assignment": record.get("assignment") or "",
                         "status": "refused" if record["exit_code"] in (2, 3) else "grader-error", "total": 0,
                         "max_score": record.get("max_score", 0)})
            continue
        for assignment in sorted(by_assignment, key=assignment_names().index):
            checks = by_assignment[assignment]
            statuses = {c["status"] for c in checks}
            status = "grader-error" if "grader-error" in statuses else "review" if "review" in statuses else "graded"
            row = {"student": record["student"], "entry": record.get("entry") or record["student"],
                   "assignment": assignment, "status": status,
                   "total": round(sum(c["score"] for c in checks), 4),
                   "max_score": round(sum(c["points"] for c in checks), 4)}
            row.update({c["name"]: c["score"] for c in checks})
            rows.append(row)
    return rows


def write_grades_csv(path: Path, records: list[dict[str, Any]], *, assignment: str | None = None) -> None:
    """grades.csv: student (the output folder's name), entry (the name handed in), assignment, status, total,
    max_score, then every check's points (blank when the check does not belong to the row's assignment or was
    skipped); only `assignment`'s checks when one assignment was graded."""
    columns = ["student", "entry", "assignment", "status", "total", "max_score",
               *[name for _, name in _check_columns(assignment)]]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in grade_rows(records):
            writer.writerow({key: spreadsheet_cell(value) for key, value in row.items()})


def check_summary(records: list[dict[str, Any]], *, top: int = 3) -> list[dict[str, Any]]:
    """Per check (in report order): how many students it graded and passed, and its most common failure
    messages with their counts."""
    summary = []
    for assignment, name in _check_columns():
        results = [c for r in records for c in r["checks"] if c["assignment"] == assignment and c["name"] == name]
        if not results:
            continue
        failures = Counter(c["message"] for c in results if c["score"] < c["points"] and c["message"])
        summary.append({"assignment": assignment, "check": name, "graded": len(results),
                        "passed": sum(1 for c in results if c["score"] >= c["points"]),
                        "common_failures": [{"message": m, "students": n} for m, n in failures.most_common(top)]})
    return summary


def write_summary(out: Path, batch: "BatchSummary", *, language: str = DEFAULT_LANGUAGE) -> None:
    """summary.json (everything) and summary.md (the same, to read, in `language`)."""
    records = batch.records
    data = {
        "students": len(records), "graded_now": batch.graded, "unchanged": batch.unchanged,
        "refused": sorted(r["student"] for r in records if r["exit_code"] in (2, 3)),
        "grader_errors": sorted(r["student"] for r in records if r["exit_code"] == 4),
        "skipped_entries": batch.skipped_entries,
        "name_collisions": batch.collisions,
        "withdrawn": batch.withdrawn,
        "answer_key": {"score": batch.answer_key.get("score"), "max_score": batch.answer_key.get("max_score"),
                       "exit_code": batch.answer_key.get("exit_code")},
        "seconds": batch.seconds,
        "grading_seconds": round(sum(r.get("seconds", 0.0) for r in records), 1),
        "peak_rss_mib": {part: max((r.get("peak_rss_mib", {}).get(part, 0.0) for r in records), default=0.0)
                         for part in ("grader", "student")},
        "checks": check_summary(records),
        "grader_notes": sorted({note for r in records for note in r.get("grader_notes", [])}),
    }
    (out / "summary.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def say(ko: str, en: str) -> str:
        return show(pair(ko, en), language)

    peaks = data["peak_rss_mib"]
    lines = [f"# {say('채점 요약', 'Grading summary')}", "",
             f"- {say('학생', 'students')}: {data['students']} ({say('이번에 채점', 'graded now')} {data['graded_now']}, "
             f"{say('바뀌지 않아 건너뜀', 'unchanged')} {data['unchanged']})",
             f"- {say('정답 코드', 'answer key')}: {data['answer_key']['score']} / {data['answer_key']['max_score']}",
             f"- {say('채점할 수 없었던 제출물', 'refused')}: {', '.join(map(markdown_text, data['refused'])) or '-'}",
             f"- {say('채점기 오류', 'grader errors')}: {', '.join(map(markdown_text, data['grader_errors'])) or '-'}",
             f"- {say('제외한 항목', 'entries left out')}: "
             f"{'; '.join(map(markdown_text, data['skipped_entries'])) or '-'}",
             f"- {say('폴더 이름이 겹친 항목 (grades.csv의 entry 열로 확인하세요)', 'entries whose folder names collided (check the entry column of grades.csv)')}: "
             f"{'; '.join(map(markdown_text, data['name_collisions'])) or '-'}",
             f"- {say('이번 제출물에 없어 withdrawn/으로 옮긴 학생 (표와 내보내기에서 빠짐)', 'no longer handed in: moved to withdrawn/ (left out of the tables and exports)')}: "
             f"{', '.join(map(markdown_text, data['withdrawn'])) or '-'}",
             f"- {say('걸린 시간', 'time')}: {data['seconds']} s ({say('채점 합계', 'sum of gradings')} "
             f"{data['grading_seconds']} s)",
             f"- {say('최대 메모리', 'peak memory')} (RSS): {say('채점 프로세스', 'grading process')} "
             f"{peaks['grader']:.0f} MiB, {say('학생 코드', 'student code')} {peaks['student']:.0f} MiB",
             *(f"- {say('채점 환경', 'grading machine')}: {markdown_text(note, max_chars=600)}"
               for note in data["grader_notes"]), "",
             f"| {say('검사', 'check')} | {say('통과', 'passed')} | {say('흔한 실패', 'common failures')} |", "|---|---|---|"]
    titles = {(a, c.name): c.title for a in assignment_names() for c in checks_for(a)}
    for row in data["checks"]:
        failures = "<br>".join(f"{f['students']}× {markdown_text(_first_line(show(f['message'], language)))}"
                               for f in row["common_failures"])
        title = markdown_text(show(titles.get((row["assignment"], row["check"]), row["check"]), language))
        lines.append(f"| {title} | {row['passed']} / {row['graded']} | {failures or '-'} |")
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def class_lines(records: list[dict[str, Any]], *, out: Path, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The end of a batch on screen: each student's total (by display width), then how many were graded, refused
    or failed by the grader, and where the grades and reports are."""
    from autograder.feedback.width import display_width, pad

    def say(ko: str, en: str) -> str:
        return show(pair(ko, en), language)

    rows = grade_rows(records)
    width = max([display_width(inert(r["student"], max_chars=40)) for r in rows] + [8])
    status_words = {"graded": say("채점함", "graded"), "review": say("강사 확인 대기", "held for review"),
                    "refused": say("채점 불가", "refused"), "grader-error": say("채점기 오류", "grader error")}
    lines = ["", f"{pad(say('학생', 'student'), width)}  {pad(say('과제', 'assignment'), 20)}  "
                 f"{say('점수', 'score'):>12}  {say('상태', 'status')}"]
    for row in rows:
        score = f"{row['total']:g} / {row['max_score']:g}"
        lines.append(f"{pad(inert(row['student'], max_chars=40), width)}  {pad(row['assignment'] or '-', 20)}  "
                     f"{score:>12}  {status_words.get(row['status'], row['status'])}")
    counts = Counter(row["status"] for row in rows)
    lines += ["", say(f"학생 {len(records)}명: 채점 {counts['graded']}, 확인 대기 {counts['review']}, 채점 불가 "
                      f"{counts['refused']}, 채점기 오류 {counts['grader-error']}",
                      f"{len(records)} students: {counts['graded']} graded, {counts['review']} held for review, "
                      f"{counts['refused']} refused, {counts['grader-error']} grader errors"),
              f"{say('성적', 'grades')}: {out / 'grades.csv'}",
              f"{say('학생별 보고서', 'reports')}: {out / 'students'}/<{say('학생', 'student')}>/report.html"]
    return lines

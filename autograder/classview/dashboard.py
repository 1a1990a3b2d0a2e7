"""graded/index.html, the class at a glance: per assignment the score histogram with mean, median and standard
deviation, per check the pass rate and discrimination, the most common failures (students with identical failing
values grouped), the accuracies against the reference and a sortable table of students linking each report.

One self-contained page (inline CSS, one inline script allowed by its hash in the page's Content-Security-Policy, the
Korean font's glyphs embedded, no network). Everything that came from a student (names, messages) is escaped with
`html.escape(quote=True)` and never enters the script; links go only to `students/<folder>/report.html` of folders
that exist under the graded folder."""
from __future__ import annotations

import base64
import hashlib
import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from autograder.classview.clusters import failure_clusters
from autograder.classview.records import read_accuracies, read_class
from autograder.classview.stats import assignment_scores, check_statistics, describe, histogram
from autograder.classview.svg import histogram_svg
from autograder.feedback.language import DEFAULT_LANGUAGE, check_language, pair, show

INDEX_FILE = "index.html"
TOP_FAILURES = 8  # failures shown per assignment; the rest (up to MORE_FAILURES) behind "more"
MORE_FAILURES = 200
LOW_DISCRIMINATION = 0.2  # below this a check tells strong and weak students apart poorly

SORT_SCRIPT = """(function () {
  var tables = document.querySelectorAll('table.sortable');
  for (var t = 0; t < tables.length; t++) { setUp(tables[t]); }
  function setUp(table) {
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) { heads[i].addEventListener('click', sorter(table, i)); }
  }
  function key(row, column) { return row.cells[column].getAttribute('data-sort') || ''; }
  function sorter(table, column) {
    return function () {
      var head = table.tHead.rows[0].cells[column];
      var direction = head.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      var heads = table.tHead.rows[0].cells;
      for (var h = 0; h < heads.length; h++) { heads[h].removeAttribute('aria-sort'); }
      head.setAttribute('aria-sort', direction === 1 ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, column), y = key(b, column), nx = parseFloat(x), ny = parseFloat(y);
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return direction * (order || key(a, 0).localeCompare(key(b, 0)));
      });
      for (var r = 0; r < rows.length; r++) { body.appendChild(rows[r]); }
    };
  }
})();"""

STYLE = """
body { font-family: '%(family)s', 'Noto Sans KR', 'Malgun Gothic', sans-serif; margin: 1.5em auto; max-width: 90em;
       padding: 0 1em; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.3em; border-bottom: 2px solid #ddd; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
table { border-collapse: collapse; font-size: 0.9em; } td, th { padding: 0.25em 0.5em; border-bottom: 1px solid #eee; }
th { text-align: left; background: #f4f4f8; position: sticky; top: 0; }
table.sortable th { cursor: pointer; } th[aria-sort=ascending]::after { content: ' \\25B2'; }
th[aria-sort=descending]::after { content: ' \\25BC'; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.passed { background: #e8f5e9; } td.partial { background: #fff3e0; } td.failed { background: #ffebee; }
td.review { background: #f3e5f5; } td.grader-error { background: #eceff1; }
.figures { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.bar { display: inline-block; height: 0.7em; background: #66bb6a; vertical-align: middle; }
.low { color: #c62828; font-weight: 700; } .flag { display: inline-block; background: #ffe0b2; border-radius: 0.3em;
       padding: 0 0.3em; margin: 0 0.15em; font-size: 0.85em; }
pre.message { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f8; padding: 0.4em 0.6em; margin: 0.2em 0;
              font-family: inherit; font-size: 0.9em; max-height: 12em; overflow: auto; }
.note { color: #555; font-size: 0.9em; } .wide { overflow-x: auto; max-height: 48em; }
"""


@dataclass
class ClassExtras:
    """What other parts add to the page: flags per student ('late', 'similar to ...': bilingual pairs), per
    (student, assignment) the total after the late policy, and links (relative, under the graded folder) to
    further pages with their titles."""

    flags: dict[str, list[str]] = field(default_factory=dict)
    final_totals: dict[tuple[str, str], float] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)


def _e(value: Any) -> str:
    """Any value as HTML text, escaped (quotes too)."""
    return html.escape(str(value), quote=True)


def _num(value: float | None, digits: int = 2) -> str:
    """`value` with at most `digits` decimals, trailing zeros dropped ('–' for None; never '-0')."""
    if value is None:
        return "–"
    value = round(float(value), digits) + 0.0  # + 0.0: -0.0 becomes 0.0
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def check_titles(assignments: list[str], *, language: str) -> dict[tuple[str, str], str]:
    """(assignment, check) -> the check's title in `language`, from the grader's registry."""
    from autograder.grade.registry import checks_for

    titles = {}
    for assignment in assignments:
        try:
            checks = checks_for(assignment)
        except (KeyError, ValueError, ImportError):
            continue
        titles.update({(assignment, c.name): show(c.title, language) for c in checks})
    return titles


def report_link(graded: Path, student: str) -> str | None:
    """The relative link to a student's report.html, when that file is under `graded/students/`; else None."""
    if not student or student in (".", "..") or "/" in student or os.sep in student:
        return None
    path = Path(graded) / "students" / student / "report.html"
    return f"students/{quote(student, safe='')}/report.html" if path.is_file() and not path.is_symlink() else None


def render_dashboard(graded: Path, *, language: str = DEFAULT_LANGUAGE, extras: ClassExtras | None = None,
                     records: list[dict[str, Any]] | None = None) -> str:
    """The page for the graded folder `graded` (its students' graded.json and results.json) in `language`."""
    from autograder.feedback.fonts import FONT_FAMILY, font_face_css

    check_language(language)
    extras = extras or ClassExtras()
    records = read_class(graded) if records is None else records

    def say(ko: str, en: str) -> str:
        return _e(show(pair(ko, en), language))

    by_assignment = assignment_scores(records)
    assignments = sorted(by_assignment)
    titles = check_titles(assignments, language=language)
    accuracies = read_accuracies(graded)
    links = {r["student"]: report_link(graded, r["student"]) for r in records}
    body = [f"<h1>{say('수업 한눈에 보기', 'The class at a glance')}</h1>",
            f"<p class='note'>{say(f'학생 {len(records)}명', f'{len(records)} students')} · "
            f"{say('변별도: 보정된 점-양분 상관 (이 검사 통과 여부와 같은 과제의 나머지 점수)', 'discrimination: corrected point-biserial correlation (passing this check against the rest of the assignment score)')}"
            f"</p>"]
    if extras.links:
        body.append("<p>" + " · ".join(f"<a href='{_e(href)}'>{_e(text)}</a>" for href, text in extras.links) + "</p>")
    for assignment in assignments:
        rows = by_assignment[assignment]
        body += _assignment_section(assignment, rows, records=records, titles=titles, links=links, say=say,
                                    accuracies=[a for a in accuracies if a["assignment"] == assignment],
                                    extras=extras, language=language)
    text = "\n".join(body)
    script_hash = base64.b64encode(hashlib.sha256(SORT_SCRIPT.encode()).digest()).decode()
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; "
              f"script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'")
    lang = "en" if language == "en" else "ko"
    return (f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{policy}\">"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{say('수업 한눈에 보기', 'The class at a glance')}</title>"
            f"<style>{font_face_css(show(text, language))}{STYLE % {'family': FONT_FAMILY}}</style></head>"
            f"<body>\n{text}\n<script>{SORT_SCRIPT}</script></body></html>\n")


def _assignment_section(assignment: str, rows: list[dict[str, Any]], *, records: list[dict[str, Any]],
                        titles: dict[tuple[str, str], str], links: dict[str, str | None], say: Any,
                        accuracies: list[dict[str, Any]], extras: ClassExtras, language: str) -> list[str]:
    maximum = max((r["max_score"] for r in rows), default=0.0) or 1.0
    figures = describe(r["score"] for r in rows)
    counts = histogram((r["score"] for r in rows), low=0.0, high=maximum, bins=min(20, max(5, int(maximum))))
    chart = histogram_svg(counts, low=0.0, high=maximum, label=show(pair("점수 분포", "score histogram"), language),
                          marks=((figures["mean"], show(pair("평균", "mean"), language), "#c62828"),
                                 (figures["median"], show(pair("중앙값", "median"), language), "#2e7d32")))
    out = [f"<section class='assignment' id='a-{_e(assignment)}'><h2>{_e(assignment)}</h2>",
           "<div class='figures'><div>", chart, "</div><table class='describe'>",
           f"<tr><th>{say('학생', 'students')}</th><td class='num'>{figures['n']}</td></tr>",
           f"<tr><th>{say('평균', 'mean')}</th><td class='num' id='mean-{_e(assignment)}'>{_num(figures['mean'])}</td></tr>",
           f"<tr><th>{say('중앙값', 'median')}</th><td class='num'>{_num(figures['median'])}</td></tr>",
           f"<tr><th>{say('표준편차', 'SD')}</th><td class='num'>{_num(figures['sd'])}</td></tr>",
           f"<tr><th>{say('만점', 'maximum')}</th><td class='num'>{_num(maximum)}</td></tr></table></div>"]
    stats = check_statistics(rows)
    out += [f"<h3>{say('검사별 통과율과 변별도', 'Pass rate and discrimination per check')}</h3>",
            "<table class='checks'><thead><tr>"
            f"<th>{say('검사', 'check')}</th><th>{say('배점', 'points')}</th><th>{say('통과', 'passed')}</th>"
            f"<th>{say('통과율', 'pass rate')}</th><th>{say('변별도', 'discrimination')}</th></tr></thead><tbody>"]
    for row in stats:
        d = row["discrimination"]
        low = " low" if d is not None and d < LOW_DISCRIMINATION else ""
        out.append(f"<tr data-check='{_e(row['check'])}'><td>{_e(titles.get((assignment, row['check']), row['check']))}</td>"
                   f"<td class='num'>{_num(row['points'])}</td><td class='num'>{row['passed']} / {row['graded']}</td>"
                   f"<td class='num'><span class='bar' style='width:{row['pass_rate'] * 6:.2f}em'></span> "
                   f"{100 * row['pass_rate']:.0f}%</td><td class='num{low}'>{_num(d)}</td></tr>")
    out.append("</tbody></table>")
    out += _failures(assignment, records, titles=titles, links=links, say=say)
    if accuracies:
        out += _accuracy(accuracies, titles=titles, say=say, language=language, assignment=assignment)
    out += _student_table(assignment, rows, records=records, titles=titles, links=links, say=say, extras=extras,
                          language=language)
    out.append("</section>")
    return out


def _student_link(student: str, links: dict[str, str | None]) -> str:
    href = links.get(student)
    return f"<a href='{_e(href)}'>{_e(student)}</a>" if href else _e(student)


def _failures(assignment: str, records: list[dict[str, Any]], *, titles: dict[tuple[str, str], str],
              links: dict[str, str | None], say: Any) -> list[str]:
    clusters = [c for c in failure_clusters(records) if c["assignment"] == assignment][:TOP_FAILURES + MORE_FAILURES]
    if not clusters:
        return []
    out = [f"<h3>{say('가장 흔한 실패와 진단 (같은 값을 낸 학생끼리 묶음)', 'Most common failures and diagnoses (students with identical failing values grouped)')}</h3>",
           "<table class='failures'><thead><tr>"
           f"<th>{say('학생 수', 'students')}</th><th>{say('검사', 'check')}</th><th>{say('메시지', 'message')}</th>"
           f"<th>{say('학생', 'who')}</th></tr></thead><tbody>"]
    for number, cluster in enumerate(clusters):
        if number == TOP_FAILURES:
            out.append(f"</tbody></table><details><summary>{say('나머지 실패', 'the other failures')} "
                       f"({len(clusters) - TOP_FAILURES})</summary><table class='failures'><tbody>")
        kind = (say("진단", "diagnosis") + " · ") if cluster["diagnosis"] else ""
        group = say("같은 값 묶음", "misconception cluster") if len(cluster["students"]) > 1 else ""
        out.append(f"<tr class='cluster' data-students='{len(cluster['students'])}'>"
                   f"<td class='num'>{len(cluster['students'])}</td>"
                   f"<td>{_e(titles.get((assignment, cluster['check']), cluster['check']))}<br>"
                   f"<span class='note'>{kind}{group}</span></td>"
                   f"<td><pre class='message'>{_e(cluster['message'])}</pre></td>"
                   f"<td>{', '.join(_student_link(s, links) for s in cluster['students'])}</td></tr>")
    out.append("</tbody></table>" + ("</details>" if len(clusters) > TOP_FAILURES else ""))
    return out


def _accuracy(accuracies: list[dict[str, Any]], *, titles: dict[tuple[str, str], str], say: Any, language: str,
              assignment: str) -> list[str]:
    out = [f"<h3>{say('정확도 분포 (정답 코드와 비교)', 'Accuracies against the reference')}</h3><div class='figures'>"]
    for check in dict.fromkeys(a["check"] for a in accuracies):
        values = [100 * a["accuracy"] for a in accuracies if a["check"] == check]
        reference = describe(100 * a["reference_accuracy"] for a in accuracies if a["check"] == check)["median"]
        figures = describe(values)
        chart = histogram_svg(histogram(values, low=0.0, high=100.0, bins=20), low=0.0, high=100.0,
                              label=show(pair("정확도 분포", "accuracy histogram"), language),
                              marks=((reference, show(pair("정답 코드", "reference"), language), "#c62828"),))
        below = sum(1 for v in values if v < reference - 5)
        out.append(f"<div class='accuracy' data-check='{_e(check)}'><strong>{_e(titles.get((assignment, check), check))}</strong>"
                   f"<br>{chart}<br><span class='note'>{say('정답 코드', 'reference')} {_num(reference)}% · "
                   f"{say('중앙값', 'median')} {_num(figures['median'])}% · "
                   f"{say('정답 코드보다 5점 넘게 낮음', 'more than 5 points below the reference')}: {below}</span></div>")
    out.append("</div>")
    return out


def _student_table(assignment: str, rows: list[dict[str, Any]], *, records: list[dict[str, Any]],
                   titles: dict[tuple[str, str], str], links: dict[str, str | None], say: Any, extras: ClassExtras,
                   language: str) -> list[str]:
    by_student = {r["student"]: r for r in records}
    checks = list(dict.fromkeys(name for row in rows for name in row["checks"]))
    late = any((row["student"], assignment) in extras.final_totals for row in rows)
    head = [say("학생", "student"), say("제출 이름", "entry"), say("합계", "total")]
    head += [say("지각 반영", "after late policy")] if late else []
    head += [_e(titles.get((assignment, c), c)) for c in checks]
    head += [say("시간 (초)", "time (s)"), say("메모리 (MiB)", "memory (MiB)"), say("표시", "flags")]
    out = [f"<h3>{say('학생 (머리글을 누르면 정렬)', 'Students (click a header to sort)')}</h3><div class='wide'>"
           f"<table class='sortable students' id='students-{_e(assignment)}'><thead><tr>"
           + "".join(f"<th title='{h}'>{h}</th>" for h in head) + "</tr></thead><tbody>"]
    for row in sorted(rows, key=lambda r: r["student"]):
        record = by_student.get(row["student"], {})
        flags = [show(f, language) for f in _flags(record)] + [show(f, language) for f in extras.flags.get(row["student"], [])]
        cells = [f"<td data-sort='{_e(row['student'])}'>{_student_link(row['student'], links)}</td>",
                 f"<td data-sort='{_e(record.get('entry', ''))}'>{_e(record.get('entry', ''))}</td>",
                 f"<td class='num total' data-sort='{row['score']}'>{_num(row['score'])}</td>"]
        if late:
            final = extras.final_totals.get((row["student"], assignment), row["score"])
            cells.append(f"<td class='num final' data-sort='{final}'>{_num(final)}</td>")
        for name in checks:
            check = row["checks"].get(name)
            if check is None:
                cells.append("<td data-sort='-1'></td>")
                continue
            status = check["status"] if check["status"] in ("passed", "partial", "failed", "review", "grader-error") else "failed"
            cells.append(f"<td class='num {status}' data-sort='{check['score']}'>{_num(check['score'])}</td>")
        memory = (record.get("peak_rss_mib") or {}).get("student", 0.0)
        cells += [f"<td class='num' data-sort='{float(record.get('seconds', 0.0))}'>{_num(record.get('seconds', 0.0), 1)}</td>",
                  f"<td class='num' data-sort='{float(memory)}'>{_num(memory, 0)}</td>",
                  f"<td data-sort='{len(flags)}'>{''.join(f'<span class=flag>{_e(f)}</span>' for f in flags)}</td>"]
        out.append(f"<tr>{''.join(cells)}</tr>")
    out.append("</tbody></table></div>")
    return out


def _flags(record: dict[str, Any]) -> list[str]:
    exit_code = record.get("exit_code", 0)
    flags = []
    if exit_code in (2, 3):
        flags.append(pair("채점 불가", "refused"))
    if exit_code == 4:
        flags.append(pair("채점기 오류", "grader error"))
    if any(c.get("status") == "review" for c in record.get("checks", [])):
        flags.append(pair("확인 대기", "held for review"))
    return flags


def write_dashboard(graded: Path, *, language: str = DEFAULT_LANGUAGE, extras: ClassExtras | None = None) -> Path:
    """Write graded/index.html (atomically) and return its path."""
    path = Path(graded) / INDEX_FILE
    temporary = path.with_name(f".{INDEX_FILE}.tmp")
    temporary.write_text(render_dashboard(graded, language=language, extras=extras), encoding="utf-8")
    os.replace(temporary, path)
    return path

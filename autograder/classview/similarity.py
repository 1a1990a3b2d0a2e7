"""`autograder similarity GRADED` (or `grade-all --similarity`): pairs of students to review, for review only (it
never changes a grade). Code similarity (copydetect, `codesim`) and behaviour similarity (rare identical wrong
values, `behaviour`) per assignment, ranked by the stronger of the two; a pair is flagged when its code similarity
reaches `CODE_FLAG` or its behaviour evidence reaches `BEHAVIOUR_FLAG`. Writes similarity.json and similarity.html
(the ranked pairs, and for the top ones the two modules side by side, shared code marked)."""
from __future__ import annotations

import html
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from autograder.classview.behaviour import behaviour_pairs
from autograder.classview.codesim import CodePair, canonical_order, code_pairs, scratch_folder, student_modules
from autograder.classview.dashboard import report_link
from autograder.classview.records import read_class
from autograder.feedback.inert import escape_controls, inert
from autograder.feedback.language import DEFAULT_LANGUAGE, pair, show

CODE_FLAG = 0.6  # the share of one module's own (non-starter, non-answer-key) code found in the other's
BEHAVIOUR_FLAG = 1.0  # BehaviourPair.strength: two failures only these two students share
SIDE_BY_SIDE = 20  # pairs shown side by side
JSON_FILE, PAGE_FILE = "similarity.json", "similarity.html"
MODULES = {"pytorch_tensor": "tensor_basics", "image_classification": "classifier"}


@dataclass
class SimilarPair:
    """One pair of students of one assignment, with both kinds of evidence."""

    assignment: str
    first: str
    second: str
    code: float = 0.0
    behaviour: float = 0.0
    shared_failures: list[list[str]] = field(default_factory=list)
    flagged: bool = False

    @property
    def score(self) -> float:
        return max(self.code, self.behaviour)


Modules = dict[tuple[str, str], dict[str, Any]]  # (assignment, student) -> {"path": Path, "text": str}
NotCompared = dict[tuple[str, str], str]  # (assignment, student) -> why their code was not compared


def find_similar(graded: Path, *, solutions_dir: Path, release_dir: Path,
                 not_compared: NotCompared | None = None) -> tuple[list[SimilarPair], dict[tuple[str, str, str], CodePair], Modules]:
    """The ranked pairs of the graded class, the code comparisons behind them and each student's module (its text
    as fingerprinted): the very module the grader graded (`codesim.graded_module`). The students whose module
    cannot be determined are left out of the code comparison, and said in `not_compared`."""
    not_compared = {} if not_compared is None else not_compared
    records = read_class(graded)
    pairs: dict[tuple[str, str, str], SimilarPair] = {}
    code: dict[tuple[str, str, str], CodePair] = {}
    modules_of: Modules = {}
    with scratch_folder() as scratch:
        for assignment, module in MODULES.items():
            modules, left_out = student_modules(records, assignment, module, scratch=Path(scratch) / assignment,
                                                graded=graded)
            not_compared.update({(assignment, student): why for student, why in left_out.items()})
            for student, path in modules.items():
                text = canonical_order(path.read_text(encoding="utf-8", errors="replace"))  # as fingerprinted
                modules_of[(assignment, student)] = {"path": path, "text": text}
            if len(modules) < 2:
                continue
            boilerplate = [release_dir / assignment / f"{module}.py", solutions_dir / assignment / f"{module}.py"]
            for found in code_pairs(modules, assignment=assignment, boilerplate_files=boilerplate):
                key = (assignment, found.first, found.second)
                code[key] = found
                pairs[key] = SimilarPair(assignment=assignment, first=found.first, second=found.second,
                                         code=round(found.similarity, 4))
    for found in behaviour_pairs(records):
        assignments = {a for a, _, _ in found.shared}
        for assignment in assignments:
            key = (assignment, found.first, found.second)
            entry = pairs.setdefault(key, SimilarPair(assignment=assignment, first=found.first, second=found.second))
            shared = [f for f in found.shared if f[0] == assignment]
            entry.shared_failures = [[c, m] for _, c, m in shared]
            entry.behaviour = round(found.strength(len(records)) * len(shared) / len(found.shared), 4)
    ranked = sorted(pairs.values(), key=lambda p: (-p.score, p.assignment, p.first, p.second))
    for entry in ranked:
        entry.flagged = entry.code >= CODE_FLAG or entry.behaviour >= BEHAVIOUR_FLAG
    return ranked, code, modules_of


def write_similarity(graded: Path, *, solutions_dir: Path, release_dir: Path,
                     language: str = DEFAULT_LANGUAGE) -> list[SimilarPair]:
    """similarity.json and similarity.html in `graded`; returns the ranked pairs."""
    graded = Path(graded)
    not_compared: NotCompared = {}
    ranked, code, modules = find_similar(graded, solutions_dir=solutions_dir, release_dir=release_dir,
                                         not_compared=not_compared)
    data = {"code_flag": CODE_FLAG, "behaviour_flag": BEHAVIOUR_FLAG,
            "pairs": [{**asdict(p), "score": p.score} for p in ranked if p.score > 0],
            "not_compared": [{"assignment": a, "student": s, "why": why} for (a, s), why in sorted(not_compared.items())]}
    _write(graded / JSON_FILE, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    _write(graded / PAGE_FILE, render_page(graded, ranked, code, modules, language=language,
                                           not_compared=not_compared))
    return ranked


def similarity_flags(graded: Path) -> dict[str, list[str]]:
    """student -> the dashboard's flags ('similar to X') from similarity.json, for the flagged pairs."""
    try:
        data = json.loads((Path(graded) / JSON_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    flags: dict[str, list[str]] = {}
    for entry in data.get("pairs", []):
        if entry.get("flagged"):
            for me, other in ((entry["first"], entry["second"]), (entry["second"], entry["first"])):
                flags.setdefault(me, []).append(pair(f"유사: {other}", f"similar: {other}"))
    return flags


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _code(text: str) -> str:
    """Student code as HTML text: escaped, and every control or format character (bidi overrides such as U+202E,
    zero-width ones) shown as a visible escape, so that the code reads as the characters it is; lines kept."""
    return _e(escape_controls(text, keep="\n\r\t"))


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` escaped, the shared `spans` (character offsets) in <mark>."""
    out, position = [], 0
    for start, end in sorted(spans):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        out += [_code(text[position:start]), "<mark>", _code(text[start:end]), "</mark>"]
        position = end
    out.append(_code(text[position:]))
    return "".join(out)


def render_page(graded: Path, ranked: list[SimilarPair], code: dict[tuple[str, str, str], CodePair],
                modules: Modules, *, language: str = DEFAULT_LANGUAGE, not_compared: NotCompared | None = None) -> str:
    """similarity.html: the ranked pairs and, for the first SIDE_BY_SIDE, the modules side by side."""
    def say(ko: str, en: str) -> str:
        return _e(show(pair(ko, en), language))

    def who(student: str) -> str:
        link = report_link(graded, student)
        return f"<a href='{_e(link)}'>{_e(student)}</a>" if link else _e(student)

    shown = [p for p in ranked if p.score > 0]
    rows = []
    for number, p in enumerate(shown, start=1):
        failures = "<br>".join(f"{_e(inert(c, max_chars=80))}: {_e(inert(m, max_chars=200))}" for c, m in p.shared_failures[:3])
        side = f"<a href='#pair-{number}'>{say('나란히 보기', 'side by side')}</a>" if number <= SIDE_BY_SIDE and (p.assignment, p.first, p.second) in code else ""
        rows.append(f"<tr class='{'flagged' if p.flagged else ''}' data-rank='{number}' data-first='{_e(p.first)}' "
                    f"data-second='{_e(p.second)}'><td>{number}</td><td>{_e(p.assignment)}</td><td>{who(p.first)}</td>"
                    f"<td>{who(p.second)}</td><td class='num'>{100 * p.code:.0f}%</td><td class='num'>{p.behaviour:.2f}</td>"
                    f"<td>{say('검토', 'review') if p.flagged else ''}</td><td class='small'>{failures}</td><td>{side}</td></tr>")
    sections = []
    for number, p in enumerate(shown[:SIDE_BY_SIDE], start=1):
        found = code.get((p.assignment, p.first, p.second))
        left, right = modules.get((p.assignment, p.first)), modules.get((p.assignment, p.second))
        if not (found and left and right):
            continue
        sections.append(f"<section id='pair-{number}'><h3>{number}. {_e(p.first)} ↔ {_e(p.second)} ({_e(p.assignment)}, "
                        f"{100 * p.code:.0f}%)</h3><div class='side'><pre>{_marked(left['text'], found.spans[0])}</pre>"
                        f"<pre>{_marked(right['text'], found.spans[1])}</pre></div></section>")
    left_out = "".join(f"<li data-student='{_e(student)}'>{_e(assignment)}: {who(student)}: {_e(why)}</li>"
                       for (assignment, student), why in sorted((not_compared or {}).items()))
    if left_out:
        left_out = (f"<h2>{say('코드를 비교하지 않은 학생', 'Not compared (code)')}</h2><p class='small'>"
                    f"{say('채점한 모듈을 정할 수 없어 코드 비교에서 뺐습니다 (행동 비교에는 들어갑니다).', 'The module the grader graded cannot be determined: left out of the code comparison (still in the behaviour comparison).')}"
                    f"</p><ul class='not-compared'>{left_out}</ul>")
    style = ("body{font-family:sans-serif;margin:1.5em;color:#1d1d1f} table{border-collapse:collapse;font-size:.9em}"
             "td,th{padding:.25em .5em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}"
             "tr.flagged{background:#fff3e0} td.num{text-align:right} .small{font-size:.8em;color:#555}"
             ".side{display:grid;grid-template-columns:1fr 1fr;gap:.5em} pre{font-size:.75em;background:#f6f6f8;"
             "padding:.5em;overflow:auto;max-height:40em;white-space:pre-wrap} mark{background:#ffcc80}")
    policy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
    return (f"<!DOCTYPE html>\n<html lang='{'en' if language == 'en' else 'ko'}'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{policy}\"><title>{say('유사도 검토', 'Similarity review')}</title>"
            f"<style>{style}</style></head><body><h1>{say('유사도 검토 (검토용일 뿐, 점수와 무관)', 'Similarity review (for review only; no grade depends on it)')}</h1>"
            f"<p class='small'>{say(f'코드: copydetect, 시작 코드와 정답 코드는 제외, 한쪽 코드가 다른 쪽에 있는 비율 (검토 기준 {100 * CODE_FLAG:.0f}%). 행동: 드문 같은 오답(같은 검사, 같은 값)을 드문 정도로 가중 (1 = 두 학생만 가진 오답 두 개).', f'code: copydetect, the starter and the answer key left out, the share of one module found in the other (review from {100 * CODE_FLAG:.0f}%). behaviour: rare identical wrong values (same check, same values) weighted by rarity (1 = two failures only these two students have).')}</p>"
            f"<table class='pairs'><thead><tr><th>#</th><th>{say('과제', 'assignment')}</th><th>{say('학생', 'student')}</th>"
            f"<th>{say('학생', 'student')}</th><th>{say('코드', 'code')}</th><th>{say('행동', 'behaviour')}</th>"
            f"<th>{say('표시', 'flag')}</th><th>{say('같은 오답', 'shared wrong values')}</th><th></th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{left_out}{''.join(sections)}</body></html>\n")

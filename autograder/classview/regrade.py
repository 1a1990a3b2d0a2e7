"""`autograder regrade graded/students/<student>`: grade a student again from the provenance in their graded.json
(the same submission, answer key, options and limits) and say whether the score and every check's status are the
same, and if not, what differs."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.classview.provenance import ENVIRONMENT_FIELDS, PROVENANCE_KEY
from autograder.classview.records import read_record
from autograder.feedback.inert import inert
from autograder.feedback.language import pair


class RegradeError(Exception):
    """The record cannot be graded again (no provenance, the submission or the answer key is gone)."""


@dataclass
class Regraded:
    """The outcome of a regrade: `differences` (bilingual pairs) make it not the same; `notes` are differences of
    the environment that did not change the grade (they count as differences when `strict`)."""

    student: str
    recorded_score: float
    score: float
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)  # the new grading's record

    @property
    def same(self) -> bool:
        return not self.differences


def regrade(folder: Path, *, submission: Path | None = None, cache_dir: Path | None = None,
            strict: bool = False) -> Regraded:
    """Grade the student of `folder` again as recorded. `submission` replaces the recorded path (a kept copy; its
    content digest must still match). `cache_dir`: the answer key's results (default: the recorded one)."""
    from autograder.course.batch import grade_student
    from autograder.course.discover import content_digest

    recorded = read_record(folder)
    provenance = recorded.get(PROVENANCE_KEY)
    if not isinstance(provenance, dict):
        raise RegradeError(f"{folder}: graded.json has no provenance (graded before it was recorded); grade again "
                           "with grade-all")
    _check_record(folder, recorded, provenance)
    recorded_path = provenance.get("submission_path")
    if submission is None and not (isinstance(recorded_path, str) and recorded_path
                                   and Path(recorded_path).is_absolute()):
        raise RegradeError(f"cannot regrade {folder}: the recorded submission path {inert(recorded_path, max_chars=200)!r} "
                           "is not an absolute path; give the submission with --submission")
    path = Path(submission) if submission is not None else Path(recorded_path)
    if not path.exists():
        raise RegradeError(f"cannot regrade {folder}: the submission {str(path)!r} is gone; give a kept copy with "
                           "--submission")
    answer_key = provenance.get("answer_key_path")
    if not (isinstance(answer_key, str) and answer_key and Path(answer_key).is_absolute()):
        raise RegradeError(f"cannot regrade {folder}: the recorded answer key path "
                           f"{inert(answer_key, max_chars=200)!r} is not an absolute path")
    solutions = Path(answer_key)
    if not solutions.is_dir():
        raise RegradeError(f"cannot regrade {folder}: the answer key {str(solutions)!r} is gone")
    limits = dict(provenance.get("limits") or {})
    options = dict(provenance.get("options") or {})
    task_options = {"assignment": options.get("assignment"), "skip": list(options.get("skip") or []),
                    "data_dir": options.get("data_dir"), "language": options.get("language") or "ko+en",
                    "limits": limits, "solutions_dir": str(solutions), "device": str(provenance.get("device") or "cpu"),
                    "cache_dir": str(cache_dir or _recorded_cache(provenance))}
    digest = content_digest(path)
    try:
        outcome = grade_student({"student": recorded["student"], "entry": recorded.get("entry"), "path": str(path),
                                 "digest": digest, "grader": recorded.get("grader", ""), "options": task_options})
    except (TypeError, KeyError, AttributeError) as exc:  # recorded options or limits the grader cannot take
        raise RegradeError(f"cannot regrade {folder}: the recorded options or limits are malformed "
                           f"({type(exc).__name__}: {inert(exc, max_chars=200)})") from None
    new = outcome["record"]
    result = Regraded(student=recorded["student"], recorded_score=float(recorded.get("score", 0.0)),
                      score=float(new["score"]), record=new)
    result.differences += _input_differences(provenance, new[PROVENANCE_KEY])
    result.differences += _grade_differences(recorded, new)
    environment = _environment_differences(provenance, new[PROVENANCE_KEY])
    (result.differences if strict else result.notes).extend(environment)
    return result


def _check_record(folder: Path, recorded: dict[str, Any], provenance: dict[str, Any]) -> None:
    """RegradeError ('cannot regrade') for a record whose fields are not what grade-all writes."""
    def bad(what: str) -> RegradeError:
        return RegradeError(f"cannot regrade {folder}: graded.json's {what} is malformed")

    if not isinstance(recorded.get("student"), str) or not recorded["student"]:
        raise bad("student")
    if not isinstance(recorded.get("score", 0.0), (int, float)) or isinstance(recorded.get("score"), bool):
        raise bad("score")
    checks = recorded.get("checks")
    if not isinstance(checks, list) or not all(
            isinstance(c, dict) and isinstance(c.get("assignment"), str) and isinstance(c.get("name"), str)
            for c in checks):
        raise bad("checks")
    for key in ("limits", "options"):
        if provenance.get(key) is not None and not isinstance(provenance[key], dict):
            raise bad(f"provenance.{key}")
    options = provenance.get("options") or {}
    if options.get("skip") is not None and not (isinstance(options["skip"], list)
                                                and all(isinstance(x, str) for x in options["skip"])):
        raise bad("provenance.options.skip")
    for key in ("assignment", "data_dir", "language"):
        if options.get(key) is not None and not isinstance(options[key], str):
            raise bad(f"provenance.options.{key}")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) or v is None
               for v in (provenance.get("limits") or {}).values()):
        raise bad("provenance.limits")


def _recorded_cache(provenance: dict[str, Any]) -> Path:
    """The recorded cache of the answer key's results where it still exists, else the default one."""
    from autograder.paths import default_cache_dir

    recorded = Path(provenance.get("cache_dir") or "")
    return recorded if str(recorded) not in ("", ".") and recorded.is_dir() else default_cache_dir()


def _input_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    names = {"submission_digest": pair("제출물의 내용", "the submission's content"),
             "answer_key_digest": pair("정답 코드", "the answer key"),
             "options": pair("채점 옵션", "the grading options")}
    return [pair(f"{names[key]}이(가) 기록과 다릅니다: 기록 {_short(old.get(key))}, 지금 {_short(new.get(key))}",
                 f"{names[key]} differs from the record: recorded {_short(old.get(key))}, now {_short(new.get(key))}")
            for key in names if old.get(key) != new.get(key)]


def _environment_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [pair(f"채점 환경의 {key}: 기록 {_short(old.get(key))}, 지금 {_short(new.get(key))}",
                 f"grading environment's {key}: recorded {_short(old.get(key))}, now {_short(new.get(key))}")
            for key in (*ENVIRONMENT_FIELDS, "threads", "limits") if old.get(key) != new.get(key)]


def _grade_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for key, ko in (("exit_code", "종료 코드"), ("score", "점수"), ("max_score", "만점")):
        if old.get(key) != new.get(key):
            out.append(pair(f"{ko}: 기록 {old.get(key)}, 다시 채점 {new.get(key)}",
                            f"{key}: recorded {old.get(key)}, regraded {new.get(key)}"))
    listed = [(c.get("assignment"), c.get("name")) for c in old.get("checks", [])]
    for key in dict.fromkeys(k for k in listed if listed.count(k) > 1):
        name = inert(f"{key[0]}:{key[1]}", max_chars=80)
        out.append(pair(f"검사 {name}: 기록에 {listed.count(key)}번 있습니다", f"check {name}: listed "
                        f"{listed.count(key)} times in the record"))
    before = {(c.get("assignment"), c.get("name")): c for c in old.get("checks", [])}
    after = {(c["assignment"], c["name"]): c for c in new.get("checks", [])}
    for key in list(dict.fromkeys([*before, *after])):
        name = inert(f"{key[0]}:{key[1]}", max_chars=80)
        if key not in after or key not in before:
            where = ("기록에만", "only in the record") if key not in after else ("다시 채점에만", "only in the regrade")
            out.append(pair(f"검사 {name}: {where[0]} 있습니다", f"check {name}: {where[1]}"))
            continue
        a, b = before[key], after[key]
        if a.get("status") != b["status"] or a.get("score") != b["score"]:
            out.append(pair(f"검사 {name}: 기록 {inert(a.get('status'), max_chars=20)} {a.get('score')}점, 다시 채점 "
                            f"{b['status']} {b['score']}점",
                            f"check {name}: recorded {inert(a.get('status'), max_chars=20)} {a.get('score')}, "
                            f"regraded {b['status']} {b['score']}"))
    return out


def _short(value: Any) -> str:
    text = inert(value if isinstance(value, str) else repr(value), max_chars=200)
    return text[:12] if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else text

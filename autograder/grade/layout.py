"""Where an assignment is in a submission (release/'s layout, one assignment's folder, a wrapping folder, a
near-miss module name, a lone module file), and the grader's own copies of it and of the answer key."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments import Assignment, all_assignments, assignment_names, get_assignment
from autograder.feedback.inert import inert
from autograder.feedback.language import pair
from autograder.grade.errors import GradingError
from autograder.grade.registry import Check

IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "results.json")


@dataclass(frozen=True)
class Prepared:
    """One assignment ready to grade: the grader's copies of the student's folder and of the answer key."""

    assignment: Assignment
    student_dir: Path
    reference_dir: Path
    checks: list[Check]


def _regular_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _unwrap(folder: Path, *, levels: int = 3) -> Path:
    """The folder itself, or the one folder an archive or LMS wrapped it in (e.g. `hw1/pytorch_tensor/`)."""
    for _ in range(levels):
        if any(_regular_file(folder / f"{a.module}.py") or (folder / a.name).is_dir() for a in all_assignments()):
            return folder
        entries = [e for e in folder.iterdir() if not e.name.startswith(".")]
        if len(entries) != 1 or not entries[0].is_dir() or entries[0].is_symlink():
            return folder
        folder = entries[0]
    return folder


def near_miss_modules(folder: Path, module: str) -> list[Path]:
    """Files of `folder` whose names are the module's name as a browser or an LMS changes it when it saves a second
    copy or the student renames it by accident: `tensor_basics (1).py`, `tensor_basics(2).py`, `tensor_basics-1.py`,
    `tensor_basics copy.py`, `Tensor_Basics.py`, `tensor_basics.py.txt`."""
    pattern = re.compile(rf"{re.escape(module)}(?:\s*\(\d+\)|-\d+|_\d+|\s+copy(?:\s*\d+)?|\s*사본)?\.py(?:\.txt)?",
                         re.IGNORECASE)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [e for e in entries if _regular_file(e) and e.name != f"{module}.py" and pattern.fullmatch(e.name)]


def _python_files(folder: Path, *, limit: int = 8) -> str:
    """The .py files found in `folder` and one level below (names inert), for a refusal that says what was there."""
    found = sorted({p.relative_to(folder).as_posix() for p in [*folder.glob("*.py"), *folder.glob("*/*.py")]
                    if _regular_file(p)})
    shown = ", ".join(inert(name, max_chars=80) for name in found[:limit])
    return (shown + (" …" if len(found) > limit else "")) if found else "-"




def _lone_module(folder: Path, record: Assignment) -> list[Path]:
    """The only .py file of `folder` (one file per student, named after the student, as an LMS delivers it) when
    it defines the assignment's module (its record's `signature`), else []."""
    files = [p for p in folder.glob("*.py") if _regular_file(p) and p.name not in record.trusted_files]
    if len(files) != 1 or files[0].stat().st_size > 2**22:
        return []
    text = files[0].read_text(encoding="utf-8", errors="replace")
    return files if record.signature in text else []


def _adopt_near_miss(folder: Path, record: Assignment, notes: list[str]) -> bool:
    """When exactly one near-miss name of the module (or a lone .py file that defines it) is in `folder` (the
    grader's own copy), grade it as the module, with a note; True when the module is there now."""
    module = record.module
    if _regular_file(folder / f"{module}.py"):
        return True
    candidates = near_miss_modules(folder, module) or _lone_module(folder, record)
    if len(candidates) != 1:
        return False
    shutil.copyfile(candidates[0], folder / f"{module}.py")
    name = inert(candidates[0].name, max_chars=120)
    notes.append(pair(f"{name}을(를) {module}.py로 보고 채점했습니다. 다음에는 파일 이름을 {module}.py로 제출하세요.",
                      f"{name} was graded as {module}.py: next time hand it in under that name."))
    return True


def find_assignments(submission: Path, assignment: str | None = None, *,
                     notes: list[str] | None = None) -> dict[str, Path]:
    """The assignment folders in `submission` (release/'s layout, or one assignment's folder; the grader's own
    copy). Links are never followed: a linked folder or module counts as missing. A module handed in under an
    unambiguous near-miss name (`tensor_basics (1).py`) is graded as the module, with a note added to `notes`."""
    if not submission.is_dir() or submission.is_symlink():
        raise GradingError(pair(f"제출 폴더가 없습니다: {submission}", f"no such submission folder: {submission}"), exit_code=2)
    notes = [] if notes is None else notes
    submission = _unwrap(submission)
    found: dict[str, Path] = {}
    for record in all_assignments():
        name = record.name
        if assignment is not None and name != assignment:
            continue
        folder = submission / name
        if folder.is_dir() and not folder.is_symlink() and _adopt_near_miss(folder, record, notes):
            found[name] = folder
        elif _adopt_near_miss(submission, record, notes):
            found[name] = submission
    there = _python_files(submission)
    if assignment is not None:
        names = assignment_names()
        if assignment not in names:
            raise GradingError(pair(f"과제 이름이 잘못되었습니다: {assignment!r} ({', '.join(names)} 중 하나)",
                                    f"unknown assignment {assignment!r}; choose one of {', '.join(names)}"))
        if assignment not in found:
            module = get_assignment(assignment).module
            raise GradingError(pair(f"제출물에 {assignment}/{module}.py 파일이 없습니다 (찾은 .py 파일: {there}). 노트북과 "
                                    f"함께 {module}.py를 제출하세요.", f"The submission has no {assignment}/{module}.py "
                                    f"(nor {module}.py at its top; .py files found: {there}): hand in {module}.py with "
                                    "the notebook."))
        return {assignment: found[assignment]}
    if not found:
        expected = ", ".join(f"{a.name}/{a.module}.py" for a in all_assignments())
        raise GradingError(pair(f"제출물에서 과제를 찾지 못했습니다: {expected} 중 하나가 있어야 합니다 (찾은 .py 파일: "
                                f"{there}; 노트북만으로는 채점할 수 없습니다).", f"The submission holds no assignment: "
                                f"expected {expected} (.py files found: {there}; release/'s layout; a notebook alone "
                                "cannot be graded, hand in the .py module too)."))
    return found


def prepare(record: Assignment, folder: Path, *, solutions_dir: Path, scratch: Path,
            checks: list[Check]) -> Prepared:
    """Copy the student's folder and the answer key into `scratch`, the answer key's trusted files over the
    student's."""
    name = record.name
    student_dir = scratch / "student" / name
    reference_dir = scratch / "reference" / name
    shutil.copytree(folder, student_dir, symlinks=True)  # the intake's plain copy: regular files and folders only
    shutil.copytree(solutions_dir / name, reference_dir, ignore=IGNORED)
    for trusted in record.trusted_files:
        target = student_dir / trusted
        if target.is_dir() and not target.is_symlink():  # whatever the student put there is replaced
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        shutil.copyfile(solutions_dir / name / trusted, target)
    return Prepared(record, student_dir, reference_dir, checks)

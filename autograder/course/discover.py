"""Find each student's work in what an instructor collected.

Accepted layouts (`find_students`):

- nbgrader's course folder (a `submitted/` folder beside `nbgrader_config.py` or `gradebook.db`; the other entries
  beside it are listed as left out) or its `submitted/` folder: `submitted/<student>/<assignment>/...`; a
  `submitted/` in a folder of hand-ins without those is one more hand-in, never the class;
- a folder with one entry per student: a folder, or a `.zip`/`.tar.gz`/`.tgz`/`.tar` archive, or a single
  `.py`/`.ipynb` file (the student's name is the entry's name without its suffix);
- an LMS or Gradescope bulk export: one archive holding such a folder (unpacked safely by the intake into
  `scratch`, never followed).

Links are never followed: an entry that is a link is listed in `Found.skipped` with the reason, and so is an
entry whose name starts with '.' (a hidden file; the operating systems' own litter aside). Two entries that would
share a folder name are kept apart with a `~N` suffix, which no entry's folder name can have (`safe_name`).
"""
from __future__ import annotations

import os
import unicodedata
import stat
from dataclasses import dataclass, field
from pathlib import Path

from autograder.feedback.inert import inert
from autograder.intake import IntakeLimits, unpack_archive
from autograder.intake.archives import ARCHIVE_SUFFIXES, SINGLE_FILES
from autograder.tree import tree_digest

BULK_LIMITS = IntakeLimits(max_bytes=20 * 2**30, max_files=2_000_000, max_depth=16)  # a whole class's export
COURSE_MARKERS = ("nbgrader_config.py", "gradebook.db")  # beside submitted/: nbgrader's course folder
LITTER = (".DS_Store", "__MACOSX", ".ipynb_checkpoints", "._", ".git", "Thumbs.db")  # not listed as left out
COLLISION_MARK = "~"  # never in a safe_name


@dataclass(frozen=True)
class StudentWork:
    """One student's submission: a name safe as a folder name, and where the work is."""

    student: str
    path: Path
    entry: str = ""  # the entry's own name as handed in (inert), for the tables: the folder name may differ


@dataclass
class Found:
    """The students found, and the entries left out (with why)."""

    students: list[StudentWork] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    collisions: list[str] = field(default_factory=list)  # "entry / entry: name / name~2", for the summary


def _suffix(name: str) -> str:
    lowered = name.lower()
    return next((s for s in (*ARCHIVE_SUFFIXES, *SINGLE_FILES) if lowered.endswith(s)), "")


def entry_stem(name: str) -> str:
    """An entry's name without its archive or module suffix (`bob.zip` -> `bob`): the name its folder is made from."""
    suffix = _suffix(name)
    return name[: len(name) - len(suffix)] if suffix else name


def safe_name(name: str) -> str:
    """`name` as a folder name: NFC-normalised (macOS stores decomposed Hangul and accents), letters and digits of
    any script and `.`, `_`, `-` kept, anything else `_`."""
    normal = unicodedata.normalize("NFC", name)
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in normal).strip("._") or "student"
    return cleaned[:100]


def find_students(source: Path, *, scratch: Path) -> Found:
    """The students in `source` (see the module's docstring), sorted by name, each name unique."""
    source = Path(source)
    info = os.lstat(source)
    if stat.S_ISLNK(info.st_mode):
        raise ValueError(f"{source} is a symbolic link; give the folder or archive itself")
    if stat.S_ISREG(info.st_mode):
        if not _suffix(source.name) in ARCHIVE_SUFFIXES:
            raise ValueError(f"{source} is neither a folder nor a .zip/.tar.gz/.tgz/.tar archive of submissions")
        unpacked = scratch / "bulk-export"
        unpack_archive(source, unpacked, limits=BULK_LIMITS)
        source = _only_folder(unpacked)
    found = Found()
    course = _course_submitted(source)
    if course is not None:
        beside = sorted(e.name for e in os.scandir(source) if e.name != "submitted" and not e.name.startswith(LITTER))
        if beside:
            shown = ", ".join(inert(name, max_chars=60) for name in beside[:10]) + (" …" if len(beside) > 10 else "")
            found.skipped.append(f"beside submitted/ in nbgrader's course folder (only submitted/ is graded): {shown}")
        source = course
    names: dict[str, str] = {}
    for entry in sorted(os.scandir(source), key=lambda e: e.name):
        if entry.name.startswith(LITTER):
            continue
        if entry.name.startswith("."):
            found.skipped.append(f"{inert(entry.name, max_chars=120)}: a hidden entry (its name starts with '.')")
            continue
        if entry.is_symlink():
            found.skipped.append(f"{inert(entry.name, max_chars=120)}: a symbolic link (not followed)")
            continue
        suffix = _suffix(entry.name)
        if entry.is_file(follow_symlinks=False) and not suffix:
            found.skipped.append(f"{inert(entry.name, max_chars=120)}: not a folder, an archive or a .py/.ipynb file")
            continue
        if not (entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False)):
            found.skipped.append(f"{inert(entry.name, max_chars=120)}: not a regular file or folder")
            continue
        base = safe_name(entry_stem(entry.name))
        name, number = base, 2
        while name in names:
            name, number = f"{base}{COLLISION_MARK}{number}", number + 1
        shown = inert(entry.name, max_chars=120)
        if name != base:  # two entries with one folder name: said, so that no grade lands on the wrong student
            found.collisions.append(f"{names[base]} / {shown}: {base} / {name}")
        names[name] = shown
        found.students.append(StudentWork(student=name, path=Path(entry.path), entry=shown))
    return found


def _course_submitted(source: Path) -> Path | None:
    """`source/submitted` when `source` is nbgrader's course folder (a marker file beside it), else None."""
    submitted = source / "submitted"
    if not submitted.is_dir() or submitted.is_symlink():
        return None
    if any((source / marker).is_file() and not (source / marker).is_symlink() for marker in COURSE_MARKERS):
        return submitted
    return None


def _only_folder(folder: Path) -> Path:
    """An export that holds one folder (the class) is that folder; else the export itself."""
    entries = [e for e in os.scandir(folder) if not e.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir(follow_symlinks=False):
        return Path(entries[0].path)
    return folder


def content_digest(path: Path) -> str:
    """SHA-256 of a submission's content (relative paths and bytes of its regular files; links and caches
    left out, as the intake leaves them out), so that an unchanged submission is recognised."""
    return tree_digest(Path(path))

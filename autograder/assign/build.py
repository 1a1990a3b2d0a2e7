"""The build: source/<assignment>/ -> release/<assignment>/ (students) and solutions/<assignment>/ (answer key).

Everything is built into hidden temporary folders beside the targets, checked (valid Python, no marker
text left), and only then swapped in with renames. A failed build leaves the old folders untouched.
The output depends only on the source files: building twice gives byte-identical files.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .markers import MARKER_TEXTS
from .notebooks import convert_notebook, read_notebook
from .pipelines import (
    notebook_release_pipeline,
    notebook_solution_pipeline,
    python_release_pipeline,
    python_solution_pipeline,
)
from .preprocessors import PythonModule, run_python_pipeline
from .report import COPIED, NOTEBOOK, PYTHON, AssignmentReport, BuildReport, FileReport, display

#: Folder and file names never built or compared (besides hidden names, which start with '.').
SKIPPED_NAMES = frozenset({"__pycache__", ".ipynb_checkpoints"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")
FILE_MODE = 0o644  # as nbgrader sets on release files
DIR_MODE = 0o755


def is_skipped(name: str) -> bool:
    """Whether a file or folder name is left out of the build (caches, checkpoints, hidden files)."""
    return name.startswith(".") or name in SKIPPED_NAMES or name.endswith(SKIPPED_SUFFIXES)


def list_files(folder: Path) -> list[Path]:
    """The files under ``folder`` that the build handles, relative to it, sorted."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not is_skipped(d))
        found.extend(Path(root, f).relative_to(folder) for f in files if not is_skipped(f))
    return sorted(found, key=lambda p: p.as_posix())


def list_assignments(source_dir: Path) -> list[Path]:
    """The assignment folders of ``source_dir``, sorted by name."""
    if not source_dir.is_dir():
        raise BuildError(f"{source_dir}: no such folder (the build reads assignments from it)")
    found = sorted(p for p in source_dir.iterdir() if p.is_dir() and not is_skipped(p.name))
    if not found:
        raise BuildError(f"{source_dir}: no assignment folders to build")
    return found


@dataclass(frozen=True)
class BuiltFile:
    """One source file's two products."""

    release: bytes
    solution: bytes
    report: FileReport


def build_file(path: Path, *, relative: str) -> BuiltFile:
    """Build one source file; ``relative`` is its path inside the assignment (for the report)."""
    name = display(path)
    if path.suffix == ".py":
        return _build_python(_read_text(path, name), name=name, relative=relative)
    if path.suffix == ".ipynb":
        return _build_notebook(_read_text(path, name), name=name, relative=relative)
    data = path.read_bytes()
    return BuiltFile(data, data, FileReport(path=relative, kind=COPIED))


def _read_text(path: Path, name: str) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise BuildError(
            f"{name}: not UTF-8 text ({error.reason} at byte {error.start})\n  fix: save it as UTF-8"
        ) from error


def _build_python(text: str, *, name: str, relative: str) -> BuiltFile:
    module = PythonModule.from_text(text, name=name)
    release = run_python_pipeline(module, python_release_pipeline())
    solution = run_python_pipeline(module, python_solution_pipeline())
    report = FileReport(
        path=relative,
        kind=PYTHON,
        regions_replaced=release.regions_replaced,
        stubs=tuple(f"{r.qualname}: {r.label}" if r.label else r.qualname for r in release.located),
    )
    return BuiltFile(release.text.encode("utf-8"), solution.text.encode("utf-8"), report)


def _build_notebook(text: str, *, name: str, relative: str) -> BuiltFile:
    nb = read_notebook(text, name=name)
    release, resources = convert_notebook(nb, notebook_release_pipeline(notebook_name=name), name=name)
    solution, _ = convert_notebook(nb, notebook_solution_pipeline(notebook_name=name), name=name)
    counts = resources["assign"]["counts"]
    report = FileReport(
        path=relative,
        kind=NOTEBOOK,
        regions_replaced=counts["solution_regions"],
        solution_cells=counts["solution_cells"],
        hidden_tests_removed=counts["hidden_tests"],
    )
    return BuiltFile(release.encode("utf-8"), solution.encode("utf-8"), report)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    path.write_bytes(data)
    path.chmod(FILE_MODE)


def _build_assignment_into(source: Path, release: Path, solutions: Path) -> AssignmentReport:
    """Build one assignment into the (new, empty) folders ``release`` and ``solutions``."""
    reports = []
    for relative in list_files(source):
        built = build_file(source / relative, relative=relative.as_posix())
        _write(release / relative, built.release)
        _write(solutions / relative, built.solution)
        reports.append(built.report)
    return AssignmentReport(name=source.name, release=release, solutions=solutions, files=tuple(reports))


def find_marker_text(folder: Path) -> list[str]:
    """``"path: TEXT"`` for every marker text (BEGIN SOLUTION, …) left in a file under ``folder``."""
    found = []
    for relative in list_files(folder):
        data = (folder / relative).read_bytes()
        found.extend(f"{relative.as_posix()}: {text}" for text in MARKER_TEXTS if text.encode() in data)
    return found


def _verify(folder: Path, what: str) -> None:
    leftovers = find_marker_text(folder)
    if leftovers:
        raise BuildError(
            f"marker text left in the built {what}; nothing was written:\n  "
            + "\n  ".join(leftovers)
            + "\n  fix: files without solution regions are copied unchanged, so they must not mention "
            "the markers; reword or remove that text in the source file"
        )


# ---------------------------------------------------------------------------------------------
# Staging and swapping


@contextlib.contextmanager
def _staging(target: Path) -> Iterator[Path]:
    """A new empty hidden folder beside ``target``; removed on exit unless it was moved away."""
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    folder.chmod(DIR_MODE)
    try:
        yield folder
    finally:
        if folder.exists():
            shutil.rmtree(folder)


def _swap_in(pairs: list[tuple[Path, Path]]) -> None:
    """Move each staged folder to its target; the old targets go away only once all moves succeeded."""
    moved: list[tuple[Path, Path, Path | None]] = []  # (staged, target, old copy)
    try:
        for staged, target in pairs:
            old = None
            if target.exists() or target.is_symlink():
                old = target.with_name(f".{target.name}.old-{secrets.token_hex(4)}")
                os.replace(target, old)
            try:
                os.replace(staged, target)
            except OSError:
                if old is not None:
                    os.replace(old, target)
                raise
            moved.append((staged, target, old))
    except OSError as error:
        for staged, target, old in reversed(moved):  # undo: the old folders come back
            os.replace(target, staged)
            if old is not None:
                os.replace(old, target)
        raise BuildError(f"could not move the built folders into place: {error}") from error
    for _, _, old in moved:
        if old is None:
            continue
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink()


def _check_folders(source: Path, release: Path, solutions: Path) -> None:
    s, r, o = (p.resolve() for p in (source, release, solutions))
    if r == o:
        raise BuildError(f"release and solutions are the same folder: {release}")
    for out in (r, o):
        if out == s or out.is_relative_to(s) or s.is_relative_to(out):
            raise BuildError(f"{out}: an output folder cannot be inside the source folder {source} or contain it")


# ---------------------------------------------------------------------------------------------
# Public API


def build_all(*, source_dir: Path, release_dir: Path, solutions_dir: Path) -> BuildReport:
    """Build every assignment folder of ``source_dir``; replace ``release_dir`` and ``solutions_dir`` wholly."""
    source_dir, release_dir, solutions_dir = Path(source_dir), Path(release_dir), Path(solutions_dir)
    _check_folders(source_dir, release_dir, solutions_dir)
    assignments = list_assignments(source_dir)
    with _staging(release_dir) as release_tmp, _staging(solutions_dir) as solutions_tmp:
        reports = [
            _build_assignment_into(a, release_tmp / a.name, solutions_tmp / a.name) for a in assignments
        ]
        _verify(release_tmp, "release")
        _verify(solutions_tmp, "solutions")
        _swap_in([(release_tmp, release_dir), (solutions_tmp, solutions_dir)])
    final = tuple(
        AssignmentReport(r.name, release_dir / r.name, solutions_dir / r.name, r.files) for r in reports
    )
    return BuildReport(release_dir=release_dir, solutions_dir=solutions_dir, assignments=final)


def build_assignment(*, source: Path, release: Path, solutions: Path) -> AssignmentReport:
    """Build one assignment folder ``source`` into ``release`` and ``solutions`` (each replaced wholly)."""
    source, release, solutions = Path(source), Path(release), Path(solutions)
    _check_folders(source, release, solutions)
    if not source.is_dir():
        raise BuildError(f"{source}: no such assignment folder")
    with _staging(release) as release_tmp, _staging(solutions) as solutions_tmp:
        report = _build_assignment_into(source, release_tmp, solutions_tmp)
        _verify(release_tmp, "release")
        _verify(solutions_tmp, "solutions")
        _swap_in([(release_tmp, release), (solutions_tmp, solutions)])
    return AssignmentReport(name=source.name, release=release, solutions=solutions, files=report.files)


def diff_trees(expected: Path, actual: Path) -> list[str]:
    """Paths (relative, '/') whose bytes differ, or that exist in only one tree (skipped names ignored)."""
    ours = set(list_files(expected)) if expected.is_dir() else set()
    theirs = set(list_files(actual)) if actual.is_dir() else set()
    differ = (ours ^ theirs) | {
        p for p in ours & theirs if (expected / p).read_bytes() != (actual / p).read_bytes()
    }
    return sorted(p.as_posix() for p in differ)


def diff_against_build(*, source_dir: Path, release_dir: Path, solutions_dir: Path) -> list[str]:
    """The files of ``release_dir``/``solutions_dir`` that differ from a fresh build (missing and extra
    files included), as paths ``<release_dir>/<relative>``; empty when both are up to date.
    """
    release_dir, solutions_dir = Path(release_dir), Path(solutions_dir)
    with tempfile.TemporaryDirectory(prefix="assign-check-") as tmp:
        fresh_release, fresh_solutions = Path(tmp, "release"), Path(tmp, "solutions")
        build_all(source_dir=Path(source_dir), release_dir=fresh_release, solutions_dir=fresh_solutions)
        return [
            *(str(release_dir / p) for p in diff_trees(fresh_release, release_dir)),
            *(str(solutions_dir / p) for p in diff_trees(fresh_solutions, solutions_dir)),
        ]

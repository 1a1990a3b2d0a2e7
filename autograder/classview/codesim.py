"""Code similarity for review: each student's module compared with every other's by copydetect (winnowed k-gram
fingerprints of the token stream with identifiers, literals and comments filtered out, so renamed variables,
reordered functions and changed comments do not hide a copy). Left out as boilerplate: the starter code given to
everyone (release/) and the answer key's code (solutions/): the canonical solution is what independent correct
students converge on (`return a + b`), so sharing it is no evidence; what is left is code a student wrote their own
way, which two students rarely share by chance. Before fingerprinting, every module's top-level functions and classes
are put in name order (`canonical_order`), so that reordering them changes nothing (the grader calls them by name,
so they cannot be renamed)."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

NOISE_TOKENS = 25  # k: the shortest run of tokens counted as shared
GUARANTEE_TOKENS = 30  # winnowing window + k - 1: a shared run this long is always found
MAX_MODULE_BYTES = 2 * 2**20  # a larger "module" is left out (not a student's hand-written code)
MIN_OWN_FINGERPRINTS = 10  # a module with less code of its own (past the starter and the answer key) is not judged
# A module found (nearly) whole in another is a copy however much was added around it (padding with unused helpers
# dilutes the smaller share): then the pair's similarity is that module's share, where it has this much code of its own.
CONTAINED_SHARE = 0.9
CONTAINED_MIN_FINGERPRINTS = 2 * MIN_OWN_FINGERPRINTS


@dataclass(frozen=True)
class CodePair:
    """Two students' modules of one assignment: the share of each one's fingerprints found in the other's, and the
    spans (character offsets) they share, for the side-by-side view."""

    assignment: str
    first: str
    second: str
    similarity: float  # the smaller share (how much of each module, at least, is found in the other), or the share of
    # a module found whole in the other (`contained_similarity`)
    shares: tuple[float, float]
    spans: tuple[list[tuple[int, int]], list[tuple[int, int]]]  # in the modules as `canonical_order` puts them


def find_module(path: Path, module: str, *, scratch: Path) -> Path | None:
    """The student's `module` (.py) in their submission `path`: a folder (searched, links never followed), a lone
    .py file, or an archive (unpacked by the intake into `scratch`). None when there is none."""
    from autograder.intake import unpack_archive
    from autograder.intake.archives import ARCHIVE_SUFFIXES

    path = Path(path)
    if path.is_symlink() or not path.exists():
        return None
    if path.is_file():
        if path.name.lower().endswith(tuple(ARCHIVE_SUFFIXES)):
            try:
                unpack_archive(path, scratch)
            except Exception:  # noqa: BLE001 - an archive the intake refuses has no module to compare
                return None
            path = scratch
        else:
            return path if path.suffix == ".py" and path.stat().st_size <= MAX_MODULE_BYTES else None
    found = []
    for folder, folders, files in os.walk(path, followlinks=False):
        folders[:] = sorted(f for f in folders if not f.startswith((".", "__")))
        if f"{module}.py" in files:
            full = Path(folder) / f"{module}.py"
            if not full.is_symlink() and full.stat().st_size <= MAX_MODULE_BYTES:
                found.append(full)
    return min(found, key=lambda p: (len(p.parts), str(p))) if found else None


def graded_module(record: dict[str, Any], assignment: str, *, scratch: Path) -> tuple[Path | None, str]:
    """The very module the grader graded for `assignment` in the record's submission, found by the grader's own
    rules (the intake's copy into `scratch`, then `find_assignments`: release/'s layout, one assignment's folder, an
    adopted near-miss name), so that a decoy `a/tensor_basics.py` is never compared in its place. (None, why) when
    it cannot be determined: the submission is gone, changed since it was graded, or the grader's rules find no
    module now."""
    from autograder.assignments.registry import get_assignment
    from autograder.course.discover import content_digest
    from autograder.grade.errors import GradingError
    from autograder.grade.layout import find_assignments
    from autograder.intake import receive_submission

    provenance = record.get("provenance") or {}
    source = provenance.get("submission_path")
    if not isinstance(source, str) or not source or not Path(source).is_absolute():
        return None, "no recorded submission path"
    path = Path(source)
    if path.is_symlink() or not path.exists():
        return None, "the submission is no longer there"
    recorded = provenance.get("submission_digest") or record.get("digest")
    try:
        if isinstance(recorded, str) and recorded and content_digest(path) != recorded:
            return None, "the submission changed since it was graded"
        received = receive_submission(path, scratch)
        options = provenance.get("options") or {}
        found = find_assignments(received.root, options.get("assignment") or None, notes=[])
    except (GradingError, OSError, ValueError, Exception) as exc:  # noqa: BLE001 - any refusal: not determined
        return None, f"the graded module cannot be determined ({type(exc).__name__})"
    folder = found.get(assignment)
    if folder is None:
        return None, "the grader's rules find no module of this assignment now"
    module = folder / f"{get_assignment(assignment).module}.py"
    if not module.is_file() or module.is_symlink() or module.stat().st_size > MAX_MODULE_BYTES:
        return None, "the graded module cannot be determined"
    return module, ""


KEPT_FOLDER = "code"  # graded/students/<student>/code/<assignment>.py: the module graded, kept by grade-all


def kept_modules(*, submission: Path, digest: str, assignments: list[str], option: str | None,
                 scratch: Path) -> dict[str, str]:
    """assignment -> the text of the module the grader graded in `submission` (while it is still there), for
    grade-all to keep beside the record: a bulk export's unpacked copy is gone once the class is graded."""
    record = {"provenance": {"submission_path": str(Path(submission).resolve()), "submission_digest": digest,
                             "options": {"assignment": option}}}
    kept = {}
    for number, assignment in enumerate(assignments):
        found, _why = graded_module(record, assignment, scratch=scratch / str(number))
        if found is not None:
            kept[assignment] = found.read_text(encoding="utf-8", errors="replace")
    return kept


def kept_module(folder: Path, assignment: str) -> Path | None:
    """The graded module kept in a student's graded folder (`kept_modules`), or None."""
    path = Path(folder) / KEPT_FOLDER / f"{assignment}.py"
    if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_MODULE_BYTES:
        return path
    return None


def student_modules(records: list[dict[str, Any]], assignment: str, module: str = "", *,
                    scratch: Path, graded: Path | None = None) -> tuple[dict[str, Path], dict[str, str]]:
    """student -> the module of `assignment` that the grader graded: the copy grade-all kept in the student's
    folder of `graded`, else found again in the submission (`graded_module`), for the records that graded it; and
    student -> why they are left out of the comparison (not compared, said on the page)."""
    out, left_out = {}, {}
    for number, record in enumerate(records):
        if not any(c.get("assignment") == assignment for c in record.get("checks", [])):
            continue
        kept = kept_module(graded / "students" / record["student"], assignment) if graded is not None else None
        if kept is not None:
            out[record["student"]] = kept
            continue
        found, why = graded_module(record, assignment, scratch=scratch / str(number))
        if found is not None:
            out[record["student"]] = found
        else:
            left_out[record["student"]] = why
    return out, left_out


def canonical_order(source: str) -> str:
    """`source` with its top-level functions and classes in name order (each with its decorators and the lines up to
    the next one); the text before the first is kept first. Source that does not parse is returned as it is."""
    import ast

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return source
    lines = source.splitlines(keepends=True)
    nodes = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    if not nodes:
        return source
    starts = [min([n.lineno] + [d.lineno for d in n.decorator_list]) - 1 for n in nodes]
    blocks = []
    for index, node in enumerate(nodes):
        end = starts[index + 1] if index + 1 < len(nodes) else len(lines)
        text = "".join(lines[starts[index]:end]).rstrip("\n") + "\n\n\n"
        blocks.append((node.name, index, text))
    return "".join(lines[:starts[0]]) + "".join(text for _, _, text in sorted(blocks))


def _fingerprint(path: Path, scratch: Path, *, boilerplate: Any = None) -> Any:
    from copydetect import CodeFingerprint

    scratch.mkdir(parents=True, exist_ok=True)
    ordered = scratch / f"{len(list(scratch.iterdir()))}.py"
    ordered.write_text(canonical_order(path.read_text(encoding="utf-8", errors="replace")), encoding="utf-8")
    window = GUARANTEE_TOKENS - NOISE_TOKENS + 1
    if boilerplate is None:
        return CodeFingerprint(str(ordered), NOISE_TOKENS, window, language="python")
    return CodeFingerprint(str(ordered), NOISE_TOKENS, window, boilerplate=boilerplate, language="python")


def code_pairs(modules: dict[str, Path], *, assignment: str, boilerplate_files: list[Path]) -> list[CodePair]:
    """Every pair of `modules` compared, the fingerprints of `boilerplate_files` (the starter, the answer key) left
    out; the most similar first. A module with less than MIN_OWN_FINGERPRINTS of its own code scores 0 with all."""
    import numpy as np
    from copydetect import compare_files

    with tempfile.TemporaryDirectory(prefix="fingerprints-") as scratch:
        folder = Path(scratch)
        boilerplate = np.array(sorted({h for path in boilerplate_files if path.is_file()  # unique: copydetect needs it
                                       for h in _fingerprint(path, folder).hashes}), dtype=np.int64)
        prints = {}
        for student, path in sorted(modules.items()):
            try:
                prints[student] = _fingerprint(path, folder, boilerplate=boilerplate)
            except Exception:  # noqa: BLE001 - a file that does not tokenize is left out of the comparison
                continue
    pairs = []
    for a, b in combinations(sorted(prints), 2):
        if min(len(prints[a].hashes), len(prints[b].hashes)) < MIN_OWN_FINGERPRINTS:
            pairs.append(CodePair(assignment=assignment, first=a, second=b, similarity=0.0, shares=(0.0, 0.0),
                                  spans=([], [])))
            continue
        _overlap, (share_a, share_b), (spans_a, spans_b) = compare_files(prints[a], prints[b])
        similarity = contained_similarity((float(share_a), float(share_b)),
                                          (len(prints[a].hashes), len(prints[b].hashes)))
        pairs.append(CodePair(assignment=assignment, first=a, second=b, similarity=similarity,
                              shares=(float(share_a), float(share_b)),
                              spans=(_spans(spans_a), _spans(spans_b))))
    pairs.sort(key=lambda p: (-p.similarity, p.first, p.second))
    return pairs


def contained_similarity(shares: tuple[float, float], own: tuple[int, int]) -> float:
    """A pair's similarity from each module's share found in the other and its count of own fingerprints: the smaller
    share, unless one module with at least CONTAINED_MIN_FINGERPRINTS of its own is found nearly whole
    (CONTAINED_SHARE) in the other; then that share (a copy padded with unused code is still a copy)."""
    whole = [share for share, count in zip(shares, own)
             if share >= CONTAINED_SHARE and count >= CONTAINED_MIN_FINGERPRINTS]
    return max(whole) if whole else min(shares)


def _spans(slices: Any) -> list[tuple[int, int]]:
    """copydetect's slices (a 2 x n array: starts, ends) as (start, end) pairs."""
    import numpy as np

    array = np.asarray(slices)
    return [(int(a), int(b)) for a, b in zip(array[0], array[1])] if array.ndim == 2 and array.shape[0] == 2 else []


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for unpacked archives (removed when closed)."""
    return tempfile.TemporaryDirectory(prefix="similarity-")

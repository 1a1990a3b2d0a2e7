"""Grade a submission: run every check's probe on the student's code and on the answer key, compare."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection

import numpy as np

from autograder.grade.checks.common import error_verdict
from autograder.grade.registry import Check, Verdict, checks_for
from autograder.grade.report import CheckResult, GradeReport
from autograder.paths import ASSIGNMENT_MODULES, TRUSTED_FILES, default_cache_dir, default_solutions_dir
from autograder.run import Limits, ProbeOutcome, ProbeRequest, run_probes
from autograder.run import confine as sandbox_confine
from autograder.run.values import read_result

SEED = 0
MAX_SUBMISSION_BYTES = 50 * 1024 * 1024
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "results.json")


class GradingError(Exception):
    """The submission could not be graded at all (bad folder, no data); `exit_code` says which case."""

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class _Prepared:
    assignment: str
    student_dir: Path
    reference_dir: Path
    checks: list[Check]


def find_assignments(submission: Path, assignment: str | None = None) -> dict[str, Path]:
    """The assignment folders in `submission` (release/'s layout, or one assignment's folder)."""
    if not submission.is_dir():
        raise GradingError(f"no such submission folder: {submission}", exit_code=2)
    found: dict[str, Path] = {}
    for name, module in ASSIGNMENT_MODULES.items():
        if (submission / name / f"{module}.py").is_file():
            found[name] = submission / name
        elif submission.name == name or (submission / f"{module}.py").is_file():
            if (submission / f"{module}.py").is_file():
                found[name] = submission
    if assignment is not None:
        if assignment not in ASSIGNMENT_MODULES:
            raise GradingError(f"unknown assignment {assignment!r}; choose one of {', '.join(ASSIGNMENT_MODULES)}")
        if assignment not in found:
            module = ASSIGNMENT_MODULES[assignment]
            raise GradingError(f"{submission} has no {assignment}/{module}.py (nor {module}.py at its top)")
        return {assignment: found[assignment]}
    if not found:
        expected = ", ".join(f"{a}/{m}.py" for a, m in ASSIGNMENT_MODULES.items())
        raise GradingError(f"{submission} holds no assignment: expected {expected} (release/'s layout)")
    return found


def _copy_submission(source: Path, target: Path) -> None:
    size = sum(p.stat().st_size for p in source.rglob("*") if p.is_file() and not p.is_symlink())
    if size > MAX_SUBMISSION_BYTES:
        raise GradingError(f"{source} is {size // 2**20} MiB; submissions are limited to "
                           f"{MAX_SUBMISSION_BYTES // 2**20} MiB (remove data and checkpoints)")

    def ignore(folder: str, names: list[str]) -> set[str]:
        # Links are left out (a link could point the grader at the answer key), so are devices and pipes.
        skipped = set(IGNORED(folder, names))
        for name in names:
            path = os.path.join(folder, name)
            if os.path.islink(path) or not (os.path.isfile(path) or os.path.isdir(path)):
                skipped.add(name)
        return skipped

    shutil.copytree(source, target, ignore=ignore, symlinks=True)


def _load_data_module(solutions_dir: Path) -> Any:
    path = solutions_dir / "image_classification" / "cifar10.py"
    spec = importlib.util.spec_from_file_location("_autograder_trusted_cifar10", path)
    if spec is None or spec.loader is None:
        raise GradingError(f"the trusted data module {path} is missing; run `autograder assign`", exit_code=3)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def prepare_data(*, solutions_dir: Path, data_dir: str | None, target: Path) -> tuple[np.ndarray, str]:
    """Write the CIFAR-10 images the children may see (train images and labels, test images; never the
    test labels) into `target`; return the test labels, kept in this process, and a data fingerprint."""
    cifar10 = _load_data_module(solutions_dir)
    try:
        arrays = cifar10.load_cifar10(data_dir)
    except cifar10.CIFAR10DataError as exc:
        raise GradingError(f"CIFAR-10 is needed for the accuracy checks and could not be loaded:\n{exc}", exit_code=3) from exc
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o755)  # a confined child (another uid) reads these files
    for name, array in (("train_images", arrays.train_images), ("train_labels", arrays.train_labels),
                        ("test_images", arrays.test_images)):
        np.save(target / f"{name}.npy", array)
        (target / f"{name}.npy").chmod(0o644)
    digest = hashlib.sha256()
    for array in (arrays.train_images, arrays.train_labels, arrays.test_images, arrays.test_labels):
        digest.update(np.ascontiguousarray(array).tobytes()[:: 4093])  # a cheap sample of every array
    return np.asarray(arrays.test_labels, dtype=np.int64), digest.hexdigest()[:16]


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _reference_key(*, assignment: str, reference_dir: Path, limits: Limits, data_fingerprint: str) -> str:
    import torch

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for part in (assignment, _tree_digest(reference_dir), _tree_digest(package / "probes"),
                 (package / "run" / "values.py").read_text(), torch.__version__, str(limits.threads),
                 data_fingerprint, str(SEED)):
        digest.update(part.encode())
    return digest.hexdigest()[:24]


def _requests(checks: list[Check], limits: Limits) -> list[ProbeRequest]:
    requests: dict[str, ProbeRequest] = {}
    for item in checks:
        timeout = limits.train_seconds if item.timeout == "train" else limits.check_seconds
        requests.setdefault(item.probe, ProbeRequest(item.probe, timeout))
    return list(requests.values())


def _reference_outcomes(*, prepared: _Prepared, requests: list[ProbeRequest], limits: Limits, work_dir: Path,
                        cache_dir: Path | None, context: dict[str, Any], data_fingerprint: str) -> dict[str, ProbeOutcome]:
    cached: dict[str, ProbeOutcome] = {}
    folder = None
    if cache_dir is not None:
        key = _reference_key(assignment=prepared.assignment, reference_dir=prepared.reference_dir,
                             limits=limits, data_fingerprint=data_fingerprint)
        folder = cache_dir / "reference" / f"{prepared.assignment}-{key}"
        for request in requests:
            path = folder / request.name
            if path.with_suffix(".json").is_file() and path.with_suffix(".npz").is_file():
                try:
                    cached[request.name] = ProbeOutcome(request.name, "ok", value=read_result(path, max_bytes=2**28))
                except (OSError, ValueError):
                    pass
    missing = [r for r in requests if r.name not in cached]
    if missing:
        outcomes = run_probes(assignment=prepared.assignment, module_dir=prepared.reference_dir,
                              module=ASSIGNMENT_MODULES[prepared.assignment], probes=missing,
                              limits=limits, work_dir=work_dir / "reference-run", seed=SEED, context=context)
        for name, outcome in outcomes.items():
            cached[name] = outcome
            if folder is not None and outcome.ok:
                folder.mkdir(parents=True, exist_ok=True)
                for produced in sorted((work_dir / "reference-run").glob(f"out-*/{name}.*")):
                    shutil.copyfile(produced, folder / produced.name)
    return cached


def _secret_paths(*, solutions_dir: Path, cache_dir: Path | None, data_dir: str | None, scratch: Path,
                  hidden: Collection[str | os.PathLike[str]]) -> list[Path]:
    """Paths a confined child must not see: the answer key, every cache and data folder (the test
    labels live there), the repository (tests, sources), the grader's scratch folder, and `hidden`."""
    from autograder.paths import repo_root

    # The data module's default folders are ~/.cache/ai-vision-course/... or under $XDG_CACHE_HOME,
    # $CIFAR10_ROOT and $CIFAR10_CACHE: all below.
    paths: list[Path] = [solutions_dir, repo_root(), scratch, default_cache_dir(), Path.home(),
                         Path.home() / ".cache" / "ai-vision-course"]
    paths += [Path(p) for p in hidden]
    if cache_dir is not None:
        paths.append(cache_dir)
    if data_dir:
        paths.append(Path(data_dir))
    for name in ("CIFAR10_ROOT", "CIFAR10_CACHE", "AUTOGRADER_CACHE", "AUTOGRADER_SOLUTIONS", "XDG_CACHE_HOME"):
        if os.environ.get(name):
            paths.append(Path(os.environ[name]))
    paths += [Path(p) for p in os.environ.get("AUTOGRADER_HIDE", "").split(os.pathsep) if p]
    return paths


def _confinement(*, confine_mode: bool | None, prepared: _Prepared, limits: Limits, secret: list[Path],
                 readable: list[Path], scratch: Path, report: GradeReport,
                 state: dict[str, Any]) -> sandbox_confine.Confinement | None:
    """The confinement of this assignment's student run, or None (with a note in the report saying why
    isolation was weaker). The check that confinement holds runs once per grading."""
    weaker = ("Isolation was weaker: student code ran as the grader's own user, with network access and "
              "the grader's view of the files ({why}); the time, memory, process and output limits still applied.")
    if confine_mode is False:
        if "note" not in state:
            state["note"] = weaker.format(why="confinement was turned off with --no-confine")
            report.notes.append(state["note"])
        return None
    if os.geteuid() != 0:
        if "note" not in state:
            state["note"] = weaker.format(why="the grader is not running as root, so it cannot switch users "
                                              "or create namespaces")
            report.notes.append(state["note"])
        return None
    ids = sandbox_confine.sandbox_ids()
    if ids is None:
        if "note" not in state:
            state["note"] = weaker.format(why="no unprivileged uid is available in this user namespace")
            report.notes.append(state["note"])
        return None
    plan = sandbox_confine.plan_confinement(module_dir=prepared.student_dir, secret=secret, readable=readable, ids=ids,
                                    tmp_mib=limits.disk_mib, nproc=max(8 * limits.processes, 256))
    if "support" not in state:
        state["support"] = sandbox_confine.check_confinement(plan, work_dir=scratch / "confinement-check")
        if not state["support"].available:
            state["note"] = weaker.format(why=state["support"].reason)
            report.notes.append(state["note"])
    return plan if state["support"].available else None


def _student_fault(outcome: ProbeOutcome) -> Verdict:
    if outcome.status in ("raised", "import"):
        return error_verdict(outcome.name, outcome.value) if outcome.status == "raised" else \
            Verdict.failed(f"your module could not be imported: {outcome.value}")
    reasons = {
        "timeout": "stopped (time limit)", "memory": "stopped (memory limit)", "output": "stopped (output limit)",
        "exited": "stopped (your code ended the process)", "processes": "stopped (process limit)",
        "total-time": "not run (total time limit)", "ungradable": "its result could not be graded",
    }
    reason = reasons.get(outcome.status, outcome.status)
    if outcome.status == "total-time" and "during" in outcome.detail:
        reason = "stopped (total time limit)"
    message = f"{reason}: {outcome.detail}"
    if outcome.output_tail.strip() and outcome.status in ("exited", "memory", "output"):
        last = outcome.output_tail.strip().splitlines()[-1][:300]
        message += f"\nlast output line: {last}"
    return Verdict.failed(message)


def _grade_check(item: Check, student: ProbeOutcome | None, reference: ProbeOutcome | None,
                 labels: np.ndarray | None) -> CheckResult:
    def result(status: str, score: float, message: str) -> CheckResult:
        return CheckResult(item.assignment, item.name, item.title, item.points, round(score, 4), status, message,
                           student.seconds if student else 0.0)

    if reference is None or not reference.ok:
        detail = f"{reference.status}: {reference.detail or reference.value}" if reference else "it did not run"
        return result("grader-error", 0.0, f"the grader failed on the answer key ({detail}); this is not your fault")
    if student is None:
        return result("grader-error", 0.0, "the grader did not run this check")
    if student.status == "sandbox":
        return result("grader-error", 0.0, f"{student.detail}; this is not your fault")
    verdict = _student_fault(student) if not student.ok else None
    if verdict is None:
        try:
            if item.needs_data:
                verdict = item.grade(student.value, reference.value, labels)
            else:
                verdict = item.grade(student.value, reference.value)
        except Exception as exc:  # noqa: BLE001 - a bug in a check must not hide the other checks
            return result("grader-error", 0.0, f"the grader failed in this check ({type(exc).__name__}: {exc}); "
                                               "this is not your fault")
    fraction = min(max(verdict.fraction, 0.0), 1.0)
    status = "passed" if fraction >= 1.0 else ("partial" if fraction > 0 else "failed")
    return result(status, item.points * fraction, verdict.message)


def grade_submission(
    *,
    submission: Path,
    assignment: str | None = None,
    solutions_dir: Path | None = None,
    data_dir: str | None = None,
    limits: Limits = Limits(),
    cache_dir: Path | None = None,
    use_cache: bool = True,
    work_dir: Path | None = None,
    skip: Collection[str] = (),
    confine: bool | None = None,
    hidden: Collection[str | os.PathLike[str]] = (),
) -> GradeReport:
    """Grade `submission` (release/'s layout or one assignment's folder) against the answer key.

    `skip` names checks to leave out (e.g. the slow accuracy checks); they do not count towards the total.
    `confine`: run the student's code confined (another uid, namespaces, hidden paths; see
    docs/isolation.md): None (default) when the grader runs as root, False never, True whenever possible.
    When it is not possible, the report's notes say that isolation was weaker and why. `hidden` adds
    paths that the confined code must not see.
    """
    started = time.monotonic()
    solutions_dir = Path(solutions_dir or default_solutions_dir())
    submission = Path(submission)
    found = find_assignments(submission, assignment)
    for name in found:
        if not (solutions_dir / name / f"{ASSIGNMENT_MODULES[name]}.py").is_file():
            raise GradingError(f"the answer key {solutions_dir / name} is missing; run `autograder assign`", exit_code=3)
    cache = (cache_dir or default_cache_dir()) if use_cache else None
    report = GradeReport(submission=str(submission))
    deadline = started + limits.total_seconds
    confine_state: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="autograder-") as scratch_name:
        scratch = Path(work_dir or scratch_name)
        secret = _secret_paths(solutions_dir=solutions_dir, cache_dir=cache, data_dir=data_dir, scratch=scratch,
                               hidden=hidden)
        for name, folder in found.items():
            prepared = _prepare(name, folder, solutions_dir=solutions_dir, scratch=scratch, skip=skip)
            requests = _requests(prepared.checks, limits)
            labels, fingerprint, context = None, "", {}
            if any(c.needs_data for c in prepared.checks):
                labels, fingerprint = prepare_data(solutions_dir=solutions_dir, data_dir=data_dir,
                                                   target=scratch / "data")
                context = {"data_dir": str(scratch / "data")}
            reference = _reference_outcomes(prepared=prepared, requests=requests, limits=limits,
                                            work_dir=scratch / name, cache_dir=cache, context=context,
                                            data_fingerprint=fingerprint)
            confinement = _confinement(confine_mode=confine, prepared=prepared, limits=limits, secret=secret,
                                       readable=[scratch / "data"] if context else [], scratch=scratch,
                                       report=report, state=confine_state)
            student = run_probes(assignment=name, module_dir=prepared.student_dir, module=ASSIGNMENT_MODULES[name],
                                 probes=requests, limits=limits, work_dir=scratch / name / "student-run",
                                 seed=SEED, context=context, deadline=deadline, confinement=confinement)
            for item in prepared.checks:
                report.results.append(_grade_check(item, student.get(item.probe), reference.get(item.probe), labels))
    report.execution_time = time.monotonic() - started
    return report


def _prepare(name: str, folder: Path, *, solutions_dir: Path, scratch: Path, skip: Collection[str]) -> _Prepared:
    student_dir = scratch / "student" / name
    reference_dir = scratch / "reference" / name
    _copy_submission(folder, student_dir)
    shutil.copytree(solutions_dir / name, reference_dir, ignore=IGNORED)
    for trusted in TRUSTED_FILES.get(name, ()):
        shutil.copyfile(solutions_dir / name / trusted, student_dir / trusted)
    unknown = set(skip) - {c.name for a in ASSIGNMENT_MODULES for c in checks_for(a)}
    if unknown:
        raise GradingError(f"no such check to skip: {', '.join(sorted(unknown))}")
    return _Prepared(name, student_dir, reference_dir, [c for c in checks_for(name) if c.name not in skip])

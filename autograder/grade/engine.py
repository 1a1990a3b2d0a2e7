"""Grade a submission: the orchestration. Take the submission in (`autograder.intake`), find its assignments
(`layout`), prepare the data (`data`), decide the isolation (`confinement`), get the answer key's results
(`reference_cache`), run the probes on the student's code (`autograder.run`), re-score the trained weights
(`rescore`) and turn outcomes into results (`outcomes`)."""
from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection

from autograder.assignments import Assignment, assignment_names, get_assignment
from autograder.feedback.inert import inert
from autograder.feedback.language import pair
from autograder.feedback.pictures import attach_test_images
from autograder.grade.confinement import Isolation, secret_paths
from autograder.grade.data import prepare_data
from autograder.grade.errors import GradingError
from autograder.grade.layout import Prepared, find_assignments, prepare
from autograder.grade.progress import GradingEvent, ProgressListener
from autograder.grade.reference_cache import reference_outcomes
from autograder.grade.registry import Check, checks_for
from autograder.grade.report import GradeReport
from autograder.grade.rescore import rescore
from autograder.gpu import CPU, GraderDevice, choose_device
from autograder.gpu.slots import GpuSlots
from autograder.grade.outcomes import grade_check, grader_failure
from autograder.intake import IntakeError, IntakeLimits, receive_submission
from autograder.paths import default_cache_dir, default_solutions_dir
from autograder.run import Limits, ProbeRequest, run_probes
from autograder.run.sandbox import ProbeEvent

SEED = 0  # the student's and the answer key's probes run under the same seed

__all__ = ["SEED", "GradingError", "find_assignments", "grade_or_report", "grade_submission"]


@dataclass
class _Grading:
    """What every assignment of one grading shares."""

    solutions_dir: Path
    data_dir: str | None
    limits: Limits
    scratch: Path
    cache: Path | None
    secret: list[Path]
    isolation: Isolation
    memory_modes: set[str] = field(default_factory=set)  # how memory was counted ('cgroup v2', ...)
    progress: ProgressListener | None = None
    device: GraderDevice = CPU
    gpu_slots: GpuSlots | None = None


def _requests(checks: list[Check], limits: Limits) -> list[ProbeRequest]:
    requests: dict[str, ProbeRequest] = {}
    for item in checks:
        timeout = limits.train_seconds if item.timeout == "train" else limits.check_seconds
        # a training probe gets a child of its own: its memory is the training's, not the sum of the probes
        requests.setdefault(item.probe, ProbeRequest(item.probe, timeout, alone=item.timeout == "train"))
    return list(requests.values())


def _listener(progress: ProgressListener | None, *, who: str, prepared: Prepared) -> Any:
    """run_probes' `on_event` that tells `progress` (None: nothing to tell) in the checks' terms."""
    if progress is None:
        return None
    titles: dict[str, tuple[str, ...]] = {}
    for item in prepared.checks:
        titles[item.probe] = titles.get(item.probe, ()) + (item.title,)

    def on_event(event: ProbeEvent) -> None:
        outcome = event.outcome
        progress(GradingEvent(event.kind, who, prepared.assignment.name, event.probe, titles.get(event.probe, ()),
                              done=event.done, total=event.total, status=outcome.status if outcome else "",
                              seconds=outcome.seconds if outcome else 0.0))

    return on_event


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
    intake_limits: IntakeLimits = IntakeLimits(),
    progress: ProgressListener | None = None,
    device: GraderDevice | str = "auto",
    gpu_slots: GpuSlots | None = None,
) -> GradeReport:
    """Grade `submission` (release/'s layout, one assignment's folder, an archive or a single file)
    against the answer key.

    The submission is first taken in by `autograder.intake` (read, never followed; links and special
    files left out; bounded). `skip` names checks to leave out (e.g. the slow accuracy checks); they do
    not count towards the total. `confine`: run the student's code confined (another uid, namespaces,
    hidden paths; see docs/isolation.md): None (default) when the grader runs as root, False never, True
    whenever possible. When it is not possible, the report's notes for the instructor say that isolation was weaker and
    why. `hidden` adds paths that the confined code must not see. The student's time (`total_seconds`)
    counts only while student code runs, after the grader's own reference work and data preparation.
    `progress` is told each step as it happens (`GradingEvent`); it never changes a result.
    `device`: 'auto' (cuda where a GPU can be used), 'cpu', 'cuda', or a `GraderDevice` already chosen (a class
    chooses once); the answer key and the re-scoring run on it too. `gpu_slots`: the class's GPU slots, taken by
    the training checks (`autograder.gpu.slots`).
    Raises GradingError when the submission cannot be graded at all (exit codes 2 and 3).
    """
    started = time.monotonic()
    solutions_dir = Path(solutions_dir or default_solutions_dir())
    submission = Path(submission)
    cache = (cache_dir or default_cache_dir()) if use_cache else None
    report = GradeReport(submission=shown_path(submission))
    remaining = limits.total_seconds
    isolation = Isolation(mode=confine)
    if isinstance(device, str):
        try:
            device = choose_device(device)
        except ValueError as exc:
            raise GradingError(str(exc), exit_code=3) from None
    with tempfile.TemporaryDirectory(prefix="autograder-") as scratch_name:
        scratch = Path(work_dir or scratch_name)
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            received = receive_submission(submission, scratch / "intake", limits=intake_limits)
        except IntakeError as exc:
            raise GradingError(str(exc), exit_code=2) from None
        report.notes.extend(received.notes())
        try:
            found = find_assignments(received.root, assignment, notes=report.notes)
        except GradingError as exc:  # say what the intake left out: often the reason nothing was found
            raise GradingError("\n".join([str(exc), *received.notes()]), exit_code=exc.exit_code) from None
        for name in found:
            if not (solutions_dir / name / f"{get_assignment(name).module}.py").is_file():
                raise GradingError(pair(f"정답 코드 {solutions_dir / name}이(가) 없습니다. `autograder assign`을 실행하세요.",
                                        f"the answer key {solutions_dir / name} is missing; run `autograder assign`"),
                                   exit_code=3)
        unknown = set(skip) - {c.name for a in assignment_names() for c in checks_for(a)}
        if unknown:
            raise GradingError(pair(f"건너뛸 검사 이름이 없습니다: {', '.join(sorted(unknown))}",
                                    f"no such check to skip: {', '.join(sorted(unknown))}"))
        secret = secret_paths(solutions_dir=solutions_dir, cache_dir=cache, data_dir=data_dir, scratch=scratch,
                              hidden=[*hidden, submission])
        grading = _Grading(solutions_dir=solutions_dir, data_dir=data_dir, limits=limits, scratch=scratch, cache=cache,
                           secret=secret, isolation=isolation, progress=progress, device=device,
                           gpu_slots=gpu_slots)
        for name, folder in found.items():
            checks = [c for c in checks_for(name) if c.name not in skip]
            try:
                remaining -= _grade_assignment(get_assignment(name), folder, checks=checks, grading=grading,
                                               report=report, remaining=remaining)
            except GradingError:
                raise
            except Exception as exc:  # noqa: BLE001 - the grader's own failure costs this assignment's checks only
                graded = {r.name for r in report.results if r.assignment == name}
                report.results.extend(grader_failure(item, exc) for item in checks if item.name not in graded)
    report.grader_notes.extend(isolation.notes)
    report.device = device.cache_kind()
    if device.is_cuda:
        report.grader_notes.append(pair(f"GPU에서 채점했습니다: {device.label()} (GPU 메모리 제한 {limits.gpu_memory_mib} MiB).",
                                        f"Graded on the GPU: {device.label()} (GPU memory limit {limits.gpu_memory_mib} MiB)."))
    if grading.memory_modes:
        report.grader_notes.append(_memory_note(grading.memory_modes))
    report.execution_time = time.monotonic() - started
    return report


def shown_path(path: Path | str) -> str:
    """A path as text that can be written anywhere (UTF-8): bytes of a name that are not UTF-8 shown escaped."""
    return os.fsencode(str(path)).decode("utf-8", errors="backslashreplace")


def _memory_note(modes: set[str]) -> str:
    if "polling" in modes:
        return pair("메모리 제한: 프로세스의 PSS와 memfd 크기를 주기적으로 재서 적용했습니다 (cgroup을 쓸 수 없음).",
                    "Memory limit: applied by polling the processes' PSS plus memfd sizes (no cgroup available).")
    mode = " / ".join(sorted(modes))
    return pair(f"메모리 제한: 커널이 센 메모리로 적용했습니다 ({mode}).", f"Memory limit: counted by the kernel ({mode}).")


def _grade_assignment(record: Assignment, folder: Path, *, checks: list[Check], grading: _Grading,
                      report: GradeReport, remaining: float) -> float:
    """Grade one assignment into `report`; return the wall time its student code used."""
    name, limits, scratch, isolation = record.name, grading.limits, grading.scratch, grading.isolation
    solutions_dir, progress = grading.solutions_dir, grading.progress
    prepared = prepare(record, folder, solutions_dir=solutions_dir, scratch=scratch, checks=checks)
    requests = _requests(prepared.checks, limits)
    labels, fingerprint, permutation, context, student_context = None, "", None, {}, {}
    if any(c.needs_data for c in prepared.checks):
        labels, fingerprint, permutation = prepare_data(record, solutions_dir=solutions_dir, data_dir=grading.data_dir,
                                                        target=scratch / "data", student_target=scratch / "student-data")
        context = {"data_dir": str(scratch / "data")}
        student_context = {"data_dir": str(scratch / "student-data"), "return_weights": True}
    confinement = isolation.plan(prepared=prepared, limits=limits, secret=grading.secret,
                                 readable=[scratch / "student-data"] if context else [], scratch=scratch)
    # Student code that runs as the grader's own user could rewrite the shared cache for every later grading:
    # then this grading's reference is its own (computed here, nothing shared read or written).
    reference = reference_outcomes(prepared=prepared, requests=requests, limits=limits, work_dir=scratch / name,
                                   cache_dir=None if isolation.shares_grader_user(confinement) else grading.cache,
                                   context=context, data_fingerprint=fingerprint, seed=SEED,
                                   on_event=_listener(progress, who="answer key", prepared=prepared),
                                   device=grading.device, gpu_slots=grading.gpu_slots)
    # The student's time starts now, after the grader's own work.
    student_started = time.monotonic()
    run_as = isolation.run_as if confinement is None else None
    slot_waits: list[float] = []  # waiting for a GPU slot is not the student's time
    if run_as is not None:  # another uid without namespaces: it may cross the scratch folder, read only its data
        scratch.chmod(0o711)
        for entry in scratch.iterdir():
            entry.chmod(0o755 if entry.name == "student-data" else 0o700)
    student = run_probes(assignment=name, module_dir=prepared.student_dir, module=record.module,
                         probes=requests, limits=limits, work_dir=scratch / name / "student-run",
                         seed=SEED, context=student_context or context,
                         deadline=student_started + max(remaining, 0.0),
                         confinement=confinement, memory_modes=grading.memory_modes, run_as=run_as,
                         on_event=_listener(progress, who="student", prepared=prepared),
                         device=grading.device, gpu_slots=grading.gpu_slots, slot_waits=slot_waits)
    used = time.monotonic() - student_started - sum(slot_waits)
    if context:
        rescore(record, outcomes=student, permutation=permutation, reference_dir=prepared.reference_dir,
                data_dir=scratch / "data", work_dir=scratch / name / "rescore", limits=limits, seed=SEED,
                device=grading.device, gpu_slots=grading.gpu_slots)
    results = [grade_check(item, student.get(item.probe), reference.get(item.probe), labels)
               for item in prepared.checks]
    if context:
        results = attach_test_images(results, test_images_path=scratch / "data" / "test_images.npy")
    report.results.extend(results)
    return used


def _points_of(assignment: str | None, *, skip: Collection[str] = ()) -> float:
    """The points `assignment`'s checks (less `skip`) are worth; 0 when no assignment was named."""
    if assignment not in assignment_names():
        return 0.0
    return float(sum(c.points for c in checks_for(assignment) if c.name not in skip))


def grade_or_report(*, submission: Path, **options: Any) -> GradeReport:
    """`grade_submission`, but whatever happens the result is a report (with `exit_code` set): a
    submission that cannot be graded is a refusal report (2, or 3 when the grader's own inputs are
    missing), and a failure of the grader itself a report that says so (4)."""
    maximum = _points_of(options.get("assignment"), skip=options.get("skip", ()))
    try:
        report = grade_submission(submission=submission, **options)
    except GradingError as exc:
        return GradeReport.refused(shown_path(submission), str(exc), exit_code=exc.exit_code, max_score=maximum)
    except Exception as exc:  # noqa: BLE001 - the grader's own bug still ends in a report and results.json
        return GradeReport.refused(
            shown_path(submission), pair("채점기 자체에 오류가 났습니다. 학생의 잘못이 아니니 강사에게 알려 주세요.",
                                  f"The grader itself failed ({type(exc).__name__}: {inert(exc, max_chars=300)}); "
                                  "this is not your fault, tell the instructor."), exit_code=4, max_score=maximum)
    report.exit_code = 4 if report.grader_errors else 0
    return report

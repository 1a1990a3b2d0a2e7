"""Grade a whole class: every student's submission, in parallel, resumable.

The unit of work is `grade_student(task)`: a plain function of plain data (a dict in, a dict out) that
grades one submission with the usual engine and sandbox and returns that student's report, results.json
and record, which `store` writes into their folder of the output (`students/<student>/`). `grade_all`
finds the students, grades the answer key once first (its results are then cached for every worker; a key that does not get full
marks is reported), skips every submission whose content and grader are unchanged since it was last
graded, runs the rest in a process pool and writes `grades.csv` and `summary.json`/`summary.md`.
One submission that crashes, hangs or exhausts a limit never stops the batch: the engine always ends in
a report, and a worker process that dies is replaced (its submission is tried once more, then recorded
as a grader failure).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import resource
import tempfile
import time
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable, Collection, Iterable

from autograder.grade.isolation import ALLOW_UNCONFINED_ENV, opted_in, refuse_unconfined_class, same_user_reason
from autograder.course.discover import content_digest, find_students
from autograder.tree import tree_digest
from autograder.course.outcome import GRADED_FILE, BatchSummary, worker_died
from autograder.course.tables import write_grades_csv, write_summary
from autograder.feedback.language import DEFAULT_LANGUAGE, check_language, show
from autograder.gpu.device import CPU, GraderDevice, choose_device
from autograder.gpu.slots import GpuSlots, class_slots
from autograder.paths import default_cache_dir, default_solutions_dir
from autograder.run.limits import Limits

WORKERS_GPUS = GraderDevice(kind="cuda", name="the Dask workers' GPUs")  # chosen on each worker, for its own GPU
MIB_PER_JOB = 2560  # one grading at its peak: the grader (~0.7 GB) and one child (~1.1 GB), with room to spare


def default_jobs(limits: Limits) -> int:
    """As many gradings at once as the cores (each uses `limits.threads`) and the memory allow."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    by_cores = max(1, cores // max(1, limits.threads))
    available_mib = _available_mib()
    by_memory = max(1, available_mib // MIB_PER_JOB) if available_mib else by_cores
    return max(1, min(by_cores, by_memory))


def _available_mib() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def grader_digest(*, solutions_dir: Path, options: dict[str, Any]) -> str:
    """A digest of everything a grade depends on besides the submission: the grader's code, the answer
    key and the grading options. A change to any of them grades every submission again."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    digest.update(tree_digest(package).encode())
    digest.update(tree_digest(solutions_dir).encode())
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def grade_student(task: dict[str, Any]) -> dict[str, Any]:
    """Grade one student's submission (`task`: student, path, digest, grader, options). Returns plain data:
    the graded.json `record`, the `report` text and the `results` (Gradescope's results.json); the caller
    writes them (so a worker on another machine needs no access to the output folder), and the `html` report."""
    from autograder.feedback.html import render_html
    from autograder.grade import grade_or_report

    options = dict(task["options"])
    language = options.pop("language", DEFAULT_LANGUAGE)  # how the reports speak; the grading is the same
    options["limits"] = Limits.from_mapping(options["limits"], where="the task's limits")
    options["device"] = task_device(task)
    options["gpu_slots"] = GpuSlots.from_mapping(task["gpu_slots"]) if task.get("gpu_slots") else None
    options["cache_dir"] = Path(options["cache_dir"])
    options["solutions_dir"] = Path(options["solutions_dir"])
    started = time.monotonic()
    report = grade_or_report(submission=Path(task["path"]), **options)
    record = {
        "student": task["student"], "entry": task.get("entry") or task["student"], "digest": task["digest"],
        "grader": task["grader"],
        "assignment": options.get("assignment") or "", "exit_code": report.exit_code, "refusal": report.refusal, "score": report.score,
        "max_score": report.max_score, "seconds": round(time.monotonic() - started, 1),
        "checks": [{"assignment": r.assignment, "name": r.name, "points": r.points, "score": r.score,
                    "status": r.status, "message": show(r.message, language)} for r in report.results],
        "grader_notes": [show(note, language) for note in report.grader_notes],  # the machine's: for the instructor
        # Peak resident memory in MiB: this grading process's so far (a pool's process grades several) and
        # the largest of the student's child processes (the kernel's VmHWM, read by the grader).
        "peak_rss_mib": {"grader": _own_peak_rss_mib(),
                         "student": max((r.peak_rss_mib for r in report.results), default=0.0)},
    }
    from autograder.classview.codesim import kept_modules
    from autograder.classview.provenance import PROVENANCE_KEY, grading_provenance

    record[PROVENANCE_KEY] = grading_provenance(submission=Path(task["path"]), digest=task["digest"],
                                                options={**task["options"], "device": report.device})  # for regrade
    with tempfile.TemporaryDirectory(prefix="kept-") as scratch:  # the graded modules, for the similarity review
        code = kept_modules(submission=Path(task["path"]), digest=task["digest"], option=options.get("assignment"),
                            assignments=sorted({r.assignment for r in report.results}), scratch=Path(scratch)) \
            if task["digest"] else {}
    return {"record": record, "report": report.to_text(language=language) + "\n", "code": code,
            "results": report.to_gradescope(language=language), "html": render_html(report, language=language)}


def task_device(task: dict[str, Any]) -> GraderDevice | str:
    """The device a task grades on: the GPU the class gave it, else what its options chose ('cpu', or 'cuda:<model>'
    on a machine that may not be the one that chose: a Dask worker, a regrade; then this machine's GPU, or a
    clear refusal where it has none)."""
    if task.get("device"):
        return GraderDevice.from_mapping(task["device"])
    chosen = str(task["options"].get("device") or "cpu")
    return "cuda" if chosen.startswith("cuda") else CPU if chosen == "cpu" else chosen


def _own_peak_rss_mib() -> float:
    """This process's peak resident memory in MiB, as the kernel counts it for its own memory (VmHWM): not
    getrusage's ru_maxrss, which keeps the peak of the process it was forked from across exec (a spawned worker
    of a large parent would report the parent's)."""
    from autograder.run.accounting import read_kib

    kib = read_kib("/proc/self/status", "VmHWM:")
    return round((kib if kib is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024, 1)


def store(folder: Path, outcome: dict[str, Any]) -> dict[str, Any]:
    """Write one student's `grade_student` outcome into `folder` (report.txt, results.json, report.html, then
    graded.json last, so that a folder with graded.json is complete). Returns the record."""
    from autograder.classview.codesim import KEPT_FOLDER

    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(folder / "report.txt", outcome["report"])
    kept = folder / KEPT_FOLDER
    if kept.is_dir() and not kept.is_symlink():  # a regrading keeps what it graded now, nothing from before
        for old in kept.iterdir():
            old.unlink()
    for assignment, text in (outcome.get("code") or {}).items():
        kept.mkdir(exist_ok=True)
        _write_atomic(kept / f"{assignment}.py", text)
    _write_atomic(folder / "results.json", _json_text(outcome["results"], indent=2))
    if "html" in outcome:  # (not in the outcome of a grading process that died)
        _write_atomic(folder / "report.html", outcome["html"])
    _write_atomic(folder / GRADED_FILE, _json_text(outcome["record"], indent=1))
    return outcome["record"]


def _json_text(value: Any, *, indent: int) -> str:
    """JSON that is valid UTF-8: Korean kept as it is, unless the value holds a lone surrogate (a file name that is
    not UTF-8, kept exactly for `regrade`): then everything beyond ASCII is escaped, which reads back the same."""
    text = json.dumps(value, ensure_ascii=False, indent=indent) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, indent=indent) + "\n"
    return text


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _previous(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / GRADED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def grade_all(
    *,
    submissions: Path,
    out: Path,
    jobs: int | None = None,
    assignment: str | None = None,
    skip: Collection[str] = (),
    data_dir: str | None = None,
    limits: Limits = Limits(),
    solutions_dir: Path | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
    scheduler: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    allow_unconfined: bool = False,
    device: str = "auto",
    gpus: int | None = None,
    per_gpu: int | None = None,
) -> BatchSummary:
    """Grade every student in `submissions` (see `autograder.course.discover`) into `out`.

    `jobs`: gradings at once (default: `default_jobs(limits)`). `progress(iterable, total)` wraps the
    stream of finished gradings (the CLI passes a progress bar). Unchanged submissions already graded by
    the same grader are not graded again. `scheduler`: the address of a Dask distributed scheduler
    (tcp://host:8786) whose workers grade instead of a local pool (see `autograder.course.remote`).
    `language`: of the reports, results.json and messages ('ko+en', 'ko', 'en'); a change grades again.
    Raises `UnconfinedClassRefused` where student code would run as the grader's own user (one student could
    then change another's grade), unless `allow_unconfined` (or $AUTOGRADER_ALLOW_UNCONFINED=1).
    `device` ('auto', 'cpu', 'cuda'; NoGpuError, a ValueError, where cuda cannot be had): on cuda the gradings
    are spread over `gpus` GPUs (default all), their non-training checks on the CPU cores and each training
    check in one of `per_gpu` slots per GPU (default: as many as the GPU memory and `jobs` allow;
    `autograder.gpu.slots`). On Dask, the workers' own GPUs are used (one worker per GPU, with Dask resources:
    docs/instructors.md)."""
    started = time.monotonic()
    if scheduler is None and not (allow_unconfined or opted_in()):
        reason = same_user_reason(confine=None)
        if reason is not None:
            raise refuse_unconfined_class(reason, how_to_allow=f"--allow-unconfined (or {ALLOW_UNCONFINED_ENV}=1)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    solutions_dir = Path(solutions_dir or default_solutions_dir()).resolve()
    cache_dir = Path(cache_dir or default_cache_dir())
    if scheduler and device == "cuda":  # the workers' GPUs (this machine needs none; it grades the answer key)
        chosen, here = WORKERS_GPUS, choose_device("auto")
    else:
        chosen = here = choose_device(device, gpus=gpus)
    jobs = jobs or default_jobs(limits)
    options = {"assignment": assignment, "skip": sorted(skip), "data_dir": data_dir, "language": check_language(language),
               "limits": dataclasses.asdict(limits), "solutions_dir": str(solutions_dir), "cache_dir": str(cache_dir),
               "device": chosen.cache_kind()}
    grader = grader_digest(solutions_dir=solutions_dir, options={k: v for k, v in options.items() if k != "cache_dir"})
    summary = BatchSummary(out=out)
    with tempfile.TemporaryDirectory(prefix="grade-all-") as scratch:
        found = find_students(Path(submissions), scratch=Path(scratch))
        summary.skipped_entries = found.skipped
        summary.collisions = found.collisions
        summary.withdrawn = set_aside_withdrawn(out, keep={work.student for work in found.students})
        slots = class_slots(chosen, folder=Path(scratch) / "gpu-slots", per_gpu=per_gpu, jobs=jobs,
                            memory_mib=limits.gpu_memory_mib) if chosen.is_cuda and not scheduler else None
        local = {"device": here.as_dict(), "gpu_slots": slots.as_dict() if slots else None}
        summary.answer_key = _grade_answer_key(solutions_dir=solutions_dir, out=out, options=options, grader=grader,
                                               local=local)
        tasks, records = [], {}
        for work in found.students:
            folder = out / "students" / work.student
            digest = content_digest(work.path)
            previous = _previous(folder)
            if previous and previous.get("digest") == digest and previous.get("grader") == grader \
                    and (folder / "results.json").is_file():
                records[work.student] = previous
                summary.unchanged += 1
                continue
            task = {"student": work.student, "entry": work.entry, "path": str(work.path), "digest": digest,
                    "grader": grader, "options": options}
            if slots is not None:  # spread over the GPUs: the quick checks' GPU in turn, training in any free slot
                task.update(device=slots.devices[len(tasks) % len(slots.devices)].as_dict(), gpu_slots=slots.as_dict())
            tasks.append(task)
        if scheduler:
            from autograder.course.remote import dask_stream, make_kit

            kit = make_kit(solutions_dir=solutions_dir, cache_dir=cache_dir)
            finished: Iterable[dict[str, Any]] = dask_stream(tasks, scheduler=scheduler, kit=kit)
            outcomes = progress(finished, len(tasks)) if progress else finished
        else:
            outcomes = _run(tasks, jobs=jobs, progress=progress)
        by_student = {task["student"]: task for task in tasks}
        for outcome in outcomes:
            folder = out / "students" / outcome["record"]["student"]
            try:
                record = store(folder, outcome)
            except (OSError, ValueError, TypeError) as exc:  # its results could not be written: that student only
                task = by_student[outcome["record"]["student"]]
                record = store(folder, worker_died(task, reason=f"its results could not be written: "
                                                               f"{type(exc).__name__}: {str(exc)[:200]}"))
            records[record["student"]] = record
            summary.graded += 1
    summary.records = [records[name] for name in sorted(records)]
    summary.seconds = round(time.monotonic() - started, 1)
    write_grades_csv(out / "grades.csv", summary.records, assignment=assignment)
    write_summary(out, summary, language=language)
    from autograder.classview.dashboard import write_dashboard

    write_dashboard(out, language=language)  # index.html, the class at a glance
    return summary


def set_aside_withdrawn(out: Path, *, keep: set[str]) -> list[str]:
    """Move the graded folders of students who are no longer in the class (a withdrawn hand-in, a student who
    handed in again under another name) from `out/students/` to `out/withdrawn/`, so that no table, page or export
    counts them; nothing is deleted. Returns the folders moved (their names under withdrawn/)."""
    students, aside = out / "students", out / "withdrawn"
    moved: list[str] = []
    for folder in sorted(students.iterdir() if students.is_dir() else [], key=lambda p: p.name):
        if folder.name in keep or folder.is_symlink() or not folder.is_dir():
            continue
        aside.mkdir(exist_ok=True)
        target, number = aside / folder.name, 2
        while target.exists():
            target, number = aside / f"{folder.name}~{number}", number + 1
        folder.rename(target)
        moved.append(target.name)
    return moved


def _grade_answer_key(*, solutions_dir: Path, out: Path, options: dict[str, Any], grader: str,
                      local: dict[str, Any]) -> dict[str, Any]:
    """Grade the answer key once, so that its results are cached before the workers start (`local`: the device
    and GPU slots of this machine's gradings)."""
    previous = _previous(out / "answer-key")
    if previous and previous.get("grader") == grader:
        return previous
    outcome = grade_student({"student": "answer-key", "path": str(solutions_dir), "digest": "", "grader": grader,
                             "options": options, **local})
    return store(out / "answer-key", outcome)


def _run(tasks: list[dict[str, Any]], *, jobs: int, progress: Callable[[Iterable[Any], int], Iterable[Any]] | None,
         work: Callable[[dict[str, Any]], dict[str, Any]] = grade_student) -> Iterable[dict[str, Any]]:
    """Grade `tasks` in a pool of `jobs` processes, yielding each outcome as it finishes. A worker that dies
    breaks the pool for every grading then in flight: those are graded again, each alone in a fresh
    process, so that only a submission whose own grading kills its process becomes a grader-failure
    outcome."""
    finished = _finished_stream(tasks, jobs, work)
    yield from (progress(finished, len(tasks)) if progress else finished)


def _finished_stream(tasks: list[dict[str, Any]], jobs: int,
                     work: Callable[[dict[str, Any]], dict[str, Any]]) -> Iterable[dict[str, Any]]:
    broken: list[dict[str, Any]] = []
    yield from _pool_stream(tasks, jobs, work, broken)
    for task in broken:  # alone now: a second death is its own
        again: list[dict[str, Any]] = []
        yield from _pool_stream([task], 1, work, again)
        if again:
            yield worker_died(task)


def _pool_stream(tasks: list[dict[str, Any]], jobs: int, work: Callable[[dict[str, Any]], dict[str, Any]],
                 broken: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    if not tasks:
        return
    context = multiprocessing.get_context("spawn")  # a fresh interpreter per worker: no state from the parent
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(tasks))), mp_context=context) as pool:
        futures: dict[Future[dict[str, Any]], dict[str, Any]] = {pool.submit(work, t): t for t in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                yield future.result()
            except BrokenProcessPool:
                broken.append(task)
            except Exception as exc:  # noqa: BLE001 - one student's grading never stops the batch
                yield worker_died(task, reason=f"{type(exc).__name__}: {exc}")

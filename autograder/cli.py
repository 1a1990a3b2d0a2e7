"""Command line: `autograder assign` builds release/ and solutions/; `autograder grade` grades a submission.

Exit codes of `grade`: 0 graded (whatever the score); 2 the submission could not be read (no such folder,
no assignment in it); 3 the grader's own inputs are missing (answer key, CIFAR-10); 4 graded, but at
least one check failed because of the grader (the report says which).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import click

from autograder.assignments import ASSIGNMENTS_ENV, AssignmentError, assignment_names
from autograder.gpu.device import DEVICE_CHOICES
from autograder.paths import repo_root
from autograder.run.limits import Limits

DEFAULTS = Limits()


def _assignments() -> tuple[str, ...]:
    """Every assignment's name (`$AUTOGRADER_ASSIGNMENTS` included); a broken one ends the command clearly."""
    try:
        return assignment_names()
    except (AssignmentError, ImportError, SyntaxError, ValueError) as exc:
        click.echo(f"autograder: {ASSIGNMENTS_ENV}: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)


LANGUAGE_OPTION = click.option(
    "--lang", "language", type=click.Choice(["ko+en", "ko", "en"]), default="ko+en", show_default=True,
    help="The language of the report, results.json and the HTML page: Korean first with English (ko+en), Korean "
         "only (ko) or English only (en).")


@click.group()
def main() -> None:
    """Build and grade the 인공지능 영상 assignments."""


@main.command()
@click.option("--source", "source_dir", type=click.Path(path_type=Path), default=None, help="default: source/")
@click.option("--release", "release_dir", type=click.Path(path_type=Path), default=None, help="default: release/")
@click.option("--solutions", "solutions_dir", type=click.Path(path_type=Path), default=None, help="default: solutions/")
@click.option("--check", is_flag=True, help="Build into a temporary folder and fail if release/ or solutions/ differ.")
def assign(source_dir: Path | None, release_dir: Path | None, solutions_dir: Path | None, check: bool) -> None:
    """Build release/ (students) and solutions/ (answer key) from source/."""
    from autograder.assign import BuildError, build_all, diff_against_build

    root = repo_root()
    source_dir = source_dir or root / "source"
    release_dir = release_dir or root / "release"
    solutions_dir = solutions_dir or root / "solutions"
    if check:
        differences = diff_against_build(source_dir=source_dir, release_dir=release_dir, solutions_dir=solutions_dir)
        if differences:
            click.echo("release/ or solutions/ is out of date; run `autograder assign`. Differences:", err=True)
            for path in differences:
                click.echo(f"  {path}", err=True)
            sys.exit(1)
        click.echo("release/ and solutions/ are up to date.")
        return
    try:
        report = build_all(source_dir=source_dir, release_dir=release_dir, solutions_dir=solutions_dir)
    except BuildError as exc:
        click.echo(f"autograder assign: {exc}", err=True)
        sys.exit(1)
    click.echo(str(report))



LIMIT_OPTIONS = (  # (option, Limits field, type, help): the limits of student code, said once for grade and grade-all
    ("--check-seconds", "check_seconds", float, "CPU time of one check (its wall time is capped at 3 x this + 10 s)."),
    ("--train-seconds", "train_seconds", float, "CPU time of one training check (accuracy)."),
    ("--total-seconds", "total_seconds", float, "Wall time of the student's code in the whole submission."),
    ("--memory-mib", "memory_mib", int, "Memory of student code and the processes it starts (kernel-counted or PSS)."),
    ("--processes", "processes", int, "Processes student code may have at once."),
    ("--output-bytes", "output_bytes", int, "Output (stdout+stderr) student code may write; more stops the check."),
    ("--threads", "threads", int, "torch threads in student code (fixed, so scores repeat); keep --jobs x --threads "
                                  "within the cores."),
    ("--import-seconds", "import_seconds", float, "CPU time to start student code and import the student's module."),
    ("--disk-mib", "disk_mib", int, "Size of the private /tmp of confined student code (its files live there)."),
    ("--gpu-memory-mib", "gpu_memory_mib", int, "GPU memory of one child of student code on --device cuda (its CUDA "
                                                "context included)."),
)
DEVICE_OPTION = click.option(
    "--device", type=click.Choice(DEVICE_CHOICES), default="auto", show_default=True,
    help="Where student code runs: cuda where a GPU can be used (auto), the CPU only (a hard-coded .cuda() then "
         "fails), or the GPU (an error where there is none).")


def limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The student-code limit options (LIMIT_OPTIONS), each defaulting to `Limits()`'s value."""
    for option, name, kind, text in reversed(LIMIT_OPTIONS):
        command = click.option(option, name, type=kind, default=getattr(DEFAULTS, name), show_default=True,
                               help=text)(command)
    return command


def limits_from(options: dict[str, Any]) -> Limits:
    """The Limits of the limit options' values."""
    return Limits(**{name: options[name] for _option, name, _kind, _text in LIMIT_OPTIONS})

@main.command()
@click.argument("submission", type=click.Path(path_type=Path))
@click.option("--assignment", type=click.Choice(_assignments()), default=None,
              help="Grade only this assignment (default: every assignment found).")
@click.option("--results", "results_path", type=click.Path(path_type=Path), default=None,
              help="Write Gradescope's results.json here.")
@click.option("--html", "html_path", type=click.Path(path_type=Path), default=None,
              help="Write the report as one HTML page here, with pictures of the accuracy checks.")
@click.option("--data-dir", default=None, help="Folder holding CIFAR-10 (default: $CIFAR10_ROOT, then the cache).")
@click.option("--solutions", "solutions_dir", type=click.Path(path_type=Path), default=None,
              help="The answer key (default: the repository's solutions/).")
@click.option("--skip", multiple=True, metavar="CHECK",
              help="Leave out a check (repeatable), e.g. --skip fc_accuracy --skip conv_accuracy.")
@click.option("--no-cache", is_flag=True, help="Recompute the answer key's results instead of reusing them.")
@limit_options
@click.option("--no-confine", is_flag=True,
              help="Do not confine student code even as root (debugging); the report notes the weaker isolation.")
@click.option("--hide", "hidden", multiple=True, metavar="PATH", type=click.Path(path_type=Path),
              help="Another path confined student code must not see (repeatable); see docs/isolation.md.")
@click.option("--quiet", is_flag=True, help="No progress on stderr while grading (the report is printed all the same).")
@DEVICE_OPTION
@LANGUAGE_OPTION
def grade(submission: Path, assignment: str | None, results_path: Path | None, html_path: Path | None, data_dir: str | None,
          solutions_dir: Path | None, skip: tuple[str, ...], no_cache: bool, no_confine: bool, hidden: tuple[Path, ...],
          quiet: bool, device: str, language: str, **limit_values: Any) -> None:
    """Grade SUBMISSION: a folder with release/'s layout, one assignment's folder, a .zip/.tar.gz/.tgz/.tar
    archive of either, or the single .py module.

    Student code runs in child processes under the limits below. When the grader runs as root it also
    runs confined: as an unprivileged user, without network, unable to see the answer key, the tests or
    the data sets (docs/isolation.md).
    """
    from autograder.feedback.language import pair, show
    from autograder.feedback.terminal import TerminalProgress
    from autograder.grade import grade_or_report

    from autograder.gpu import NoGpuError, choose_device

    limits = limits_from(limit_values)
    try:
        chosen = choose_device(device)
    except NoGpuError as exc:
        click.echo(f"autograder grade: {show(str(exc), language)}", err=True)
        sys.exit(2)
    report = grade_or_report(submission=submission, assignment=assignment, solutions_dir=solutions_dir,
                             data_dir=data_dir, limits=limits, use_cache=not no_cache, device=chosen,
                             skip=skip, confine=False if no_confine else None, hidden=hidden,
                             progress=None if quiet else TerminalProgress(sys.stderr, language=language))
    written, exit_code = [], report.exit_code
    if results_path is not None:  # first: whatever the report holds, results.json is there
        try:
            report.write_results(results_path, language=language)
            written.append(pair(f"results.json을 {results_path}에 썼습니다", f"results written to {results_path}"))
        except Exception as exc:  # noqa: BLE001 - the grader's failure, said in a results.json all the same
            write_failure_results(results_path, exc)
            exit_code = 4
    if html_path is not None:
        from autograder.feedback.html import write_html

        try:
            write_html(report, html_path, language=language)
            written.append(pair(f"HTML 보고서를 {html_path}에 썼습니다", f"HTML report written to {html_path}"))
        except Exception as exc:  # noqa: BLE001
            click.echo(f"autograder grade: the HTML report could not be written ({type(exc).__name__}: {exc})", err=True)
            exit_code = 4
    click.echo(report.to_text(language=language, for_instructor=True))
    for line in written:
        click.echo(show(line, language))
    sys.exit(exit_code)


def write_failure_results(path: Path, error: BaseException) -> None:
    """A results.json that says the grader failed to write the real one (plain ASCII JSON, nothing from the report)."""
    import json

    text = ("채점 결과를 쓰지 못했습니다. 학생의 잘못이 아니니 강사에게 알려 주세요. / The grader could not write the "
            f"results ({type(error).__name__}); this is not your fault, tell the instructor.")
    data = {"score": 0, "max_score": 0, "output": text, "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": []}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="ascii")


@main.command("grade-all")
@click.argument("submissions", type=click.Path(path_type=Path, exists=True))
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="Folder for the reports, grades.csv and the summary (kept between runs: unchanged "
                   "submissions are not graded again).")
@click.option("--jobs", type=int, default=None, help="Gradings at once (default: what the cores and memory allow).")
@click.option("--assignment", type=click.Choice(_assignments()), default=None,
              help="Grade only this assignment (default: every assignment found).")
@click.option("--skip", multiple=True, metavar="CHECK", help="Leave out a check (repeatable).")
@click.option("--data-dir", default=None, help="Folder holding CIFAR-10 (default: $CIFAR10_ROOT, then the cache).")
@click.option("--solutions", "solutions_dir", type=click.Path(path_type=Path), default=None,
              help="The answer key (default: the repository's solutions/).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="A Dask distributed scheduler (tcp://host:8786): its workers grade, instead of local processes.")
@click.option("--allow-unconfined", is_flag=True,
              help="Grade even where student code would run as your own user (no root, no namespaces): one "
                   "submission could then change others' files and grades.")
@click.option("--similarity", "similarity", is_flag=True,
              help="Also rank pairs of students by code and behaviour similarity, for review (similarity.html).")
@DEVICE_OPTION
@click.option("--gpus", type=click.IntRange(min=1), default=None,
              help="On cuda: spread the class over this many GPUs (default: all).")
@click.option("--per-gpu", type=click.IntRange(min=1), default=None,
              help="On cuda: training checks at once on each GPU (default: what --gpu-memory-mib and --jobs allow).")
@limit_options
@LANGUAGE_OPTION
def grade_all_command(submissions: Path, out: Path, jobs: int | None, assignment: str | None, skip: tuple[str, ...],
                      data_dir: str | None, solutions_dir: Path | None, scheduler: str | None, allow_unconfined: bool,
                      language: str, similarity: bool, device: str, gpus: int | None, per_gpu: int | None,
                      **limit_values: Any) -> None:
    """Grade every student in SUBMISSIONS: nbgrader's submitted/ folder (or its course folder), a folder
    with one folder or archive per student, or an LMS/Gradescope bulk-export archive."""
    from tqdm.auto import tqdm

    from autograder.course import grade_all
    from autograder.feedback.language import pair, show
    from autograder.grade.isolation import UnconfinedClassRefused

    def progress(stream, total):  # noqa: ANN001, ANN202 - click's callback types
        return tqdm(stream, total=total, unit="student", desc="grading", dynamic_ncols=True)

    try:
        summary = grade_all(submissions=submissions, out=out, jobs=jobs, assignment=assignment, skip=skip,
                            data_dir=data_dir, solutions_dir=solutions_dir, progress=progress, scheduler=scheduler,
                            language=language, allow_unconfined=allow_unconfined, limits=limits_from(limit_values),
                            device=device, gpus=gpus, per_gpu=per_gpu)
    except (OSError, ValueError, TimeoutError, UnconfinedClassRefused) as exc:
        click.echo(f"autograder grade-all: {show(str(exc), language)}", err=True)
        sys.exit(2)
    from autograder.course.tables import class_lines

    if similarity:
        from autograder.classview.classreport import write_class_report
        from autograder.classview.similarity import write_similarity
        from autograder.paths import default_solutions_dir

        write_similarity(out, solutions_dir=solutions_dir or default_solutions_dir(),
                         release_dir=repo_root() / "release", language=language)
        write_class_report(out, language=language)
    click.echo((out / "summary.md").read_text(encoding="utf-8"))
    for line in class_lines(summary.records, out=out, language=language):
        click.echo(line)
    key = summary.answer_key
    if key.get("score") != key.get("max_score"):
        click.echo(show(pair("경고: 정답 코드가 만점이 아닙니다", "warning: the answer key did not get full marks"), language),
                   err=True)
        sys.exit(1)



@main.command("regrade")
@click.argument("student_folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--submission", type=click.Path(path_type=Path, exists=True), default=None,
              help="A kept copy of the submission, where the recorded path is gone (its content must be the same).")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=None,
              help="The answer key's cached results (default: the recorded cache, else the usual one).")
@click.option("--strict", is_flag=True,
              help="Count a different environment (autograder, torch, numpy, Python, device) as a difference too.")
@LANGUAGE_OPTION
def regrade_command(student_folder: Path, submission: Path | None, cache_dir: Path | None, strict: bool,
                    language: str) -> None:
    """Grade graded/students/<student> again from its graded.json (same submission, answer key, options and
    limits) and say whether the score and every check's status are the same. Exit 0 the same, 1 different,
    2 it cannot be graded again."""
    from autograder.classview.regrade import RegradeError, regrade
    from autograder.feedback.language import pair, show

    try:
        result = regrade(student_folder, submission=submission, cache_dir=cache_dir, strict=strict)
    except (RegradeError, ValueError, OSError) as exc:
        click.echo(f"autograder regrade: {exc}", err=True)
        sys.exit(2)
    for line in result.differences:
        click.echo(show(pair("다름", "differs") + ": " + line, language))
    for line in result.notes:
        click.echo(show(pair("참고", "note") + ": " + line, language))
    click.echo(show(pair(f"같습니다: 점수 {result.score:g} (기록 {result.recorded_score:g}), 모든 검사의 상태가 같습니다",
                         f"the same: score {result.score:g} (recorded {result.recorded_score:g}), every check's status "
                         "the same") if result.same else
                    pair(f"다릅니다: 점수 {result.score:g} (기록 {result.recorded_score:g})",
                         f"different: score {result.score:g} (recorded {result.recorded_score:g})"), language))
    sys.exit(0 if result.same else 1)


@main.command("class-report")
@click.argument("graded", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--roster", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="CSV mapping each student to the school's ids: student, student_number, first_name, last_name, "
                   "email, canvas_id, sis_login_id, section (only student is required).")
@click.option("--canvas", type=click.Path(path_type=Path), default=None, help="Write Canvas's gradebook import CSV here.")
@click.option("--moodle", type=click.Path(path_type=Path), default=None, help="Write Moodle's grade import CSV here.")
@click.option("--due", multiple=True, metavar="ASSIGNMENT=TIME",
              help="A due date, e.g. pytorch_tensor='2025-04-07 23:59' (in --timezone unless it says its own); "
                   "repeatable. With it, the late policy is applied.")
@click.option("--timezone", "zone", default="Asia/Seoul", show_default=True, help="The zone of times without one.")
@click.option("--penalty-per-day", type=float, default=10.0, show_default=True,
              help="Percent of the points earned taken per day late (or part of one).")
@click.option("--cutoff-days", type=float, default=None, help="More days late than this: 0 points.")
@click.option("--grace-minutes", type=float, default=0.0, show_default=True, help="Late by at most this: on time.")
@click.option("--extensions", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="CSV student,extension ('2' or '2d' days, '36h' hours).")
@click.option("--times", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="CSV student,submitted_at[,assignment] (default: nbgrader's timestamp.txt, else the files' times).")
@LANGUAGE_OPTION
def class_report_command(graded: Path, roster: Path | None, canvas: Path | None, moodle: Path | None,
                         due: tuple[str, ...], zone: str, penalty_per_day: float, cutoff_days: float | None,
                         grace_minutes: float, extensions: Path | None, times: Path | None, language: str) -> None:
    """Write GRADED/index.html (the class at a glance) from a graded folder (grade-all --out); with --due, apply the
    late policy (late.csv, summary, dashboard); with --roster, export --canvas / --moodle gradebook CSVs."""
    from datetime import timedelta

    from autograder.classview.classreport import write_class_report
    from autograder.classview.late import LatePolicy, parse_time, read_extensions, read_times
    from autograder.classview.roster import read_roster

    try:
        policy = None
        if due:
            dates = {}
            for item in due:
                assignment, _, when = item.partition("=")
                if not when:
                    raise ValueError(f"--due {item!r}: write ASSIGNMENT=TIME")
                dates[assignment.strip()] = parse_time(when, zone=zone)
            policy = LatePolicy(due=dates, penalty_per_day=penalty_per_day / 100, cutoff_days=cutoff_days,
                                grace=timedelta(minutes=grace_minutes), zone=zone,
                                extensions=read_extensions(extensions) if extensions else {})
        report = write_class_report(graded, language=language, policy=policy,
                                    times=read_times(times, zone=zone) if times else None,
                                    roster=read_roster(roster) if roster else None, canvas=canvas, moodle=moodle)
    except (OSError, ValueError, KeyError) as exc:
        click.echo(f"autograder class-report: {exc}", err=True)
        sys.exit(2)
    for path in (report.index, *report.written):
        click.echo(str(path))
    if report.not_in_roster:
        click.echo("not in the roster (left out of the exports): " + ", ".join(report.not_in_roster), err=True)


@main.command("similarity")
@click.argument("graded", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--solutions", "solutions_dir", type=click.Path(path_type=Path), default=None,
              help="The answer key, left out of the comparison (default: the repository's solutions/).")
@click.option("--release", "release_dir", type=click.Path(path_type=Path), default=None,
              help="The starter code, left out of the comparison (default: the repository's release/).")
@click.option("--top", type=int, default=10, show_default=True, help="Pairs printed.")
@LANGUAGE_OPTION
def similarity_command(graded: Path, solutions_dir: Path | None, release_dir: Path | None, top: int,
                       language: str) -> None:
    """For review only: rank pairs of students in GRADED by code similarity (copydetect) and shared rare wrong
    values; write similarity.html and similarity.json, and flag the pairs in index.html."""
    from autograder.classview.classreport import write_class_report
    from autograder.classview.similarity import write_similarity
    from autograder.paths import default_solutions_dir

    ranked = write_similarity(graded, solutions_dir=solutions_dir or default_solutions_dir(),
                              release_dir=release_dir or repo_root() / "release", language=language)
    write_class_report(graded, language=language)
    for number, found in enumerate(ranked[:top], start=1):
        mark = "*" if found.flagged else " "
        click.echo(f"{mark} {number:3}  {found.assignment:22} {found.first} / {found.second}  code {100 * found.code:.0f}%  "
                   f"behaviour {found.behaviour:.2f}")
    click.echo(str(graded / "similarity.html"))


@main.command("gradescope")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="Folder for the zips: <assignment>.zip, one per assignment.")
@click.option("--assignment", "assignments", multiple=True,
              type=click.Choice(_assignments()),
              help="Build only this assignment's zip (repeatable; default: every assignment).")
@click.option("--solutions", "solutions_dir", type=click.Path(path_type=Path), default=None,
              help="The answer key (default: the repository's solutions/).")
@click.option("--skip", multiple=True, metavar="CHECK", help="Leave out a check (repeatable).")
@click.option("--memory-mib", type=int, default=None,
              help="Memory of student code on Gradescope (default: 1536, leaving the grader room in the container).")
@DEVICE_OPTION
@LANGUAGE_OPTION
def gradescope_command(out: Path, assignments: tuple[str, ...], solutions_dir: Path | None, skip: tuple[str, ...],
                       memory_mib: int | None, device: str, language: str) -> None:
    """Build Gradescope's autograder zip (setup.sh, run_autograder, the answer key) for each assignment."""
    from dataclasses import replace

    from autograder.gradescope import build_bundle, bundle_digest
    from autograder.gradescope.bundle import GRADESCOPE_LIMITS
    from autograder.paths import default_solutions_dir

    limits = GRADESCOPE_LIMITS if memory_mib is None else replace(GRADESCOPE_LIMITS, memory_mib=memory_mib)
    for assignment in assignments or _assignments():
        try:
            path = build_bundle(assignment=assignment, out_dir=out, solutions_dir=solutions_dir or default_solutions_dir(),
                                skip=skip, limits=limits, language=language, device=device)
        except (OSError, ValueError) as exc:
            click.echo(f"autograder gradescope: {exc}", err=True)
            sys.exit(2)
        click.echo(f"{path}  ({path.stat().st_size // 1024} KiB, sha256 {bundle_digest(path)[:16]})")


if __name__ == "__main__":
    main()

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

from autograder.paths import repo_root
from autograder.run.limits import Limits

DEFAULTS = Limits()
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
)


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
@click.option("--assignment", type=click.Choice(["pytorch_tensor", "image_classification"]), default=None,
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
@LANGUAGE_OPTION
def grade(submission: Path, assignment: str | None, results_path: Path | None, html_path: Path | None, data_dir: str | None,
          solutions_dir: Path | None, skip: tuple[str, ...], no_cache: bool, no_confine: bool, hidden: tuple[Path, ...],
          quiet: bool, language: str, **limit_values: Any) -> None:
    """Grade SUBMISSION: a folder with release/'s layout, one assignment's folder, a .zip/.tar.gz/.tgz/.tar
    archive of either, or the single .py module.

    Student code runs in child processes under the limits below. When the grader runs as root it also
    runs confined: as an unprivileged user, without network, unable to see the answer key, the tests or
    the data sets (docs/isolation.md).
    """
    from autograder.feedback.language import pair, show
    from autograder.feedback.terminal import TerminalProgress
    from autograder.grade import grade_or_report

    limits = limits_from(limit_values)
    report = grade_or_report(submission=submission, assignment=assignment, solutions_dir=solutions_dir,
                             data_dir=data_dir, limits=limits, use_cache=not no_cache,
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
@click.option("--assignment", type=click.Choice(["pytorch_tensor", "image_classification"]), default=None,
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
@limit_options
@LANGUAGE_OPTION
def grade_all_command(submissions: Path, out: Path, jobs: int | None, assignment: str | None, skip: tuple[str, ...],
                      data_dir: str | None, solutions_dir: Path | None, scheduler: str | None, allow_unconfined: bool,
                      language: str, **limit_values: Any) -> None:
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
                            language=language, allow_unconfined=allow_unconfined, limits=limits_from(limit_values))
    except (OSError, ValueError, TimeoutError, UnconfinedClassRefused) as exc:
        click.echo(f"autograder grade-all: {exc}", err=True)
        sys.exit(2)
    from autograder.course.tables import class_lines

    click.echo((out / "summary.md").read_text(encoding="utf-8"))
    for line in class_lines(summary.records, out=out, language=language):
        click.echo(line)
    key = summary.answer_key
    if key.get("score") != key.get("max_score"):
        click.echo(show(pair("경고: 정답 코드가 만점이 아닙니다", "warning: the answer key did not get full marks"), language),
                   err=True)
        sys.exit(1)



@main.command("gradescope")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="Folder for the zips: <assignment>.zip, one per assignment.")
@click.option("--assignment", "assignments", multiple=True,
              type=click.Choice(["pytorch_tensor", "image_classification"]),
              help="Build only this assignment's zip (repeatable; default: both).")
@click.option("--solutions", "solutions_dir", type=click.Path(path_type=Path), default=None,
              help="The answer key (default: the repository's solutions/).")
@click.option("--skip", multiple=True, metavar="CHECK", help="Leave out a check (repeatable).")
@click.option("--memory-mib", type=int, default=None,
              help="Memory of student code on Gradescope (default: 1536, leaving the grader room in the container).")
@LANGUAGE_OPTION
def gradescope_command(out: Path, assignments: tuple[str, ...], solutions_dir: Path | None, skip: tuple[str, ...],
                       memory_mib: int | None, language: str) -> None:
    """Build Gradescope's autograder zip (setup.sh, run_autograder, the answer key) for each assignment."""
    from dataclasses import replace

    from autograder.gradescope import build_bundle, bundle_digest
    from autograder.gradescope.bundle import GRADESCOPE_LIMITS
    from autograder.paths import ASSIGNMENT_MODULES, default_solutions_dir

    limits = GRADESCOPE_LIMITS if memory_mib is None else replace(GRADESCOPE_LIMITS, memory_mib=memory_mib)
    for assignment in assignments or tuple(ASSIGNMENT_MODULES):
        try:
            path = build_bundle(assignment=assignment, out_dir=out, solutions_dir=solutions_dir or default_solutions_dir(),
                                skip=skip, limits=limits, language=language)
        except (OSError, ValueError) as exc:
            click.echo(f"autograder gradescope: {exc}", err=True)
            sys.exit(2)
        click.echo(f"{path}  ({path.stat().st_size // 1024} KiB, sha256 {bundle_digest(path)[:16]})")


if __name__ == "__main__":
    main()

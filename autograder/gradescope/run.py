"""What runs inside Gradescope's container (`python -m autograder.gradescope.run`).

    run_autograder:  python -m autograder.gradescope.run            grade /autograder/submission
    setup.sh:        python -m autograder.gradescope.run --data     put CIFAR-10 where grading finds it
                     python -m autograder.gradescope.run --answer-key   grade the answer key once (reference
                                                                    results cached in the image; full marks or fail)

`AUTOGRADER_ROOT` (default /autograder) moves the whole layout, for tests. Whatever happens while
grading a submission, results.json is written: a grader failure gives a results.json that says so
(score 0, "tell the instructor"), never Gradescope's bare "autograder failed".
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from autograder.feedback.language import DEFAULT_LANGUAGE, check_language, pair, show
from autograder.run.limits import Limits


def layout(root: Path | None = None) -> dict[str, Path]:
    """Gradescope's folders under `root` (default `$AUTOGRADER_ROOT`, else /autograder)."""
    root = Path(root or os.environ.get("AUTOGRADER_ROOT") or "/autograder")
    source = root / "source"
    return {"root": root, "source": source, "submission": root / "submission", "results": root / "results",
            "solutions": source / "key" / "solutions", "cache": source / "key" / "cache", "data": source / "data",
            "config": source / "config.json"}


def read_config(paths: dict[str, Path]) -> dict[str, Any]:
    """config.json of the bundle."""
    return json.loads(paths["config"].read_text(encoding="utf-8"))


def grade(paths: dict[str, Path], *, submission: Path | None = None) -> Any:
    """Grade `submission` (default: Gradescope's submission folder) as the bundle's config says."""
    from autograder.grade import grade_or_report

    config = read_config(paths)
    data_dir = str(paths["data"]) if paths["data"].is_dir() else None
    return grade_or_report(submission=submission or paths["submission"], assignment=config["assignment"],
                           solutions_dir=paths["solutions"], cache_dir=paths["cache"], data_dir=data_dir,
                           limits=Limits.from_mapping(config["limits"], where="the bundle's config.json"),
                           skip=tuple(config["skip"]), device=str(config.get("device", "auto")),
                           hidden=(str(paths["source"]),))


def failure_results(message: str, *, seconds: float, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """results.json when the grader itself failed: no score, and a message saying it is not the student's fault."""
    said = show(pair("채점기 자체에 오류가 났습니다. 학생의 잘못이 아니니 강사에게 알려 주세요.",
                     "The grader itself failed; this is not your fault, tell the instructor."), language)
    return {"score": 0.0, "execution_time": round(seconds, 2), "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": [], "output": f"{said}\n{message}"}


def config_language(paths: dict[str, Path]) -> str:
    """The language of the bundle's results.json (config.json; 'ko+en' for a bundle built before it was set)."""
    try:
        return check_language(read_config(paths).get("language", DEFAULT_LANGUAGE))
    except (OSError, ValueError):
        return DEFAULT_LANGUAGE


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write `data` as JSON atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def run_submission(paths: dict[str, Path]) -> int:
    """Grade the submission into results/results.json and print the report. Always 0 once results.json is written."""
    started = time.monotonic()
    target = paths["results"] / "results.json"
    language = config_language(paths)
    try:
        report = grade(paths)
        write_json(target, report.to_gradescope(language=language))
        print(report.to_text(language=language, for_instructor=True))
    except BaseException as exc:  # noqa: BLE001 - results.json even when the grader breaks
        write_json(target, failure_results(f"{type(exc).__name__}: {str(exc)[:500]}", seconds=time.monotonic() - started,
                                           language=language))
        print(f"run_autograder: the grader failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


def grade_answer_key(paths: dict[str, Path]) -> int:
    """Grade the answer key (fills the reference cache); 0 only with full marks."""
    report = grade(paths, submission=paths["solutions"])
    print(report.to_text(for_instructor=True))
    if report.exit_code != 0 or report.score != report.max_score or not report.results:
        print("setup.sh: " + show(pair("정답 코드가 이곳에서 만점을 받지 못했습니다. 위의 보고서를 보세요.",
                                       "the answer key did not get full marks here; see the report above"),
                                  config_language(paths)), file=sys.stderr)
        return 1
    return 0


def install_data(paths: dict[str, Path]) -> int:
    """Put the assignment's data set (CIFAR-10 for image_classification) in source/data: copied from the folder its
    `root_env` names (`$CIFAR10_ROOT`) when that holds it, else downloaded (setup.sh has the internet on
    Gradescope). Then check it loads, with the answer key's own data module (the one grading uses)."""
    from autograder.assignments import get_assignment
    from autograder.grade.data import load_data_module

    record = get_assignment(read_config(paths)["assignment"])
    if record.data is None:
        return 0
    loader = load_data_module(record, solutions_dir=paths["solutions"])
    target = paths["data"]
    target.mkdir(parents=True, exist_ok=True)
    given = os.environ.get(record.data.root_env) if record.data.root_env else None
    if given and Path(given).is_dir():
        for name in record.data.files:
            source = Path(given) / name
            if source.is_file():
                shutil.copy2(source, target / name)
            elif source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True)
    arrays = getattr(loader, record.data.load)(data_dir=target, download=True)
    print(f"{record.data.module} data in {target}: {arrays}")
    return 0


def register_assignment(paths: dict[str, Path]) -> None:
    """An assignment from outside the package came in the bundle (source/assignment/<folder>/): put it in the
    registry (`$AUTOGRADER_ASSIGNMENTS`) before anything looks assignments up."""
    from autograder.assignments import ASSIGNMENTS_ENV

    try:
        folder = read_config(paths).get("assignment_package", "")
    except (OSError, ValueError):
        return  # no config: run_submission says so in results.json
    if folder:
        os.environ[ASSIGNMENTS_ENV] = str(paths["source"] / "assignment" / folder)


def main(argv: list[str] | None = None) -> int:
    """Entry point of run_autograder and setup.sh."""
    parser = argparse.ArgumentParser(prog="python -m autograder.gradescope.run")
    parser.add_argument("--root", type=Path, default=None, help="default: $AUTOGRADER_ROOT, else /autograder")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--answer-key", action="store_true", help="grade the answer key (setup.sh)")
    group.add_argument("--data", action="store_true", help="install CIFAR-10 into source/data (setup.sh)")
    options = parser.parse_args(argv)
    paths = layout(options.root)
    register_assignment(paths)
    if options.data:
        return install_data(paths)
    if options.answer_key:
        return grade_answer_key(paths)
    return run_submission(paths)


if __name__ == "__main__":
    sys.exit(main())

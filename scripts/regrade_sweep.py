"""Regrade sweep: every example and hostile submission graded as a class with `grade-all`, then each student graded
again from its graded.json's record with `autograder regrade`; every grade must be reproduced.

    .venv/bin/python scripts/regrade_sweep.py [--sample N --seed S] [--accuracy] [--jobs 2] [--out sweep.json]

Each example is built as in the example tests (tests/grade/examples.py) into one class folder, one student per
example (named after it). The training checks are skipped unless `--accuracy` (they take minutes per student);
the examples that need a data set are left out without it. Prints a line per student whose regrade differs and
a summary; exits 1 when any grade was not reproduced.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.grade.examples import ACCURACY_CHECKS, build_submission, is_slow, load_example  # noqa: E402

FOLDERS = ("tests/grade/submissions", "tests/grade/hostile")


def examples(*, accuracy: bool) -> list[Path]:
    """Every example folder, those that train left out unless `accuracy`."""
    found = sorted(p.parent for folder in FOLDERS for p in (REPO / folder).glob("*/example.toml"))
    return [f for f in found if accuracy or not is_slow(load_example(f))]


def sweep(*, chosen: list[Path], work: Path, jobs: int, accuracy: bool, data_dir: str | None) -> dict:
    """Grade `chosen` as one class, regrade each student, and say what was not reproduced."""
    from autograder.classview.regrade import regrade
    from autograder.course.batch import grade_all

    by_assignment: dict[str, list[Path]] = {}
    for folder in chosen:
        by_assignment.setdefault(load_example(folder)["assignment"], []).append(folder)
    started = time.monotonic()
    results: list[dict] = []
    for assignment, folders in sorted(by_assignment.items()):
        submissions = work / assignment / "submissions"
        for folder in folders:
            build_submission(folder, submissions / folder.name)
        out = work / assignment / "graded"
        grade_all(submissions=submissions, out=out, jobs=jobs, assignment=assignment,
                  skip=() if accuracy else ACCURACY_CHECKS, data_dir=data_dir, cache_dir=work / "cache")
        for folder in folders:
            outcome = regrade(out / "students" / folder.name)
            results.append({"student": folder.name, "assignment": assignment, "score": outcome.recorded_score,
                            "regraded": outcome.score, "same": outcome.same, "differences": outcome.differences,
                            "notes": outcome.notes})
    return {"students": len(results), "reproduced": sum(r["same"] for r in results),
            "seconds": round(time.monotonic() - started, 1), "results": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=None, help="only this many examples, drawn with --seed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--accuracy", action="store_true", help="include the training checks (needs CIFAR-10)")
    parser.add_argument("--data-dir", default=None, help="CIFAR-10 folder (default: $CIFAR10_ROOT)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="write the summary as JSON here")
    args = parser.parse_args(argv)
    chosen = examples(accuracy=args.accuracy)
    if args.sample is not None:
        chosen = sorted(random.Random(args.seed).sample(chosen, min(args.sample, len(chosen))))
    with tempfile.TemporaryDirectory(prefix="regrade-sweep-") as tmp:
        summary = sweep(chosen=chosen, work=Path(tmp), jobs=args.jobs, accuracy=args.accuracy, data_dir=args.data_dir)
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for row in summary["results"]:
        if not row["same"]:
            print(f"NOT REPRODUCED: {row['student']} ({row['score']} -> {row['regraded']}): {row['differences']}")
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}))
    return 0 if summary["reproduced"] == summary["students"] else 1


if __name__ == "__main__":
    sys.exit(main())

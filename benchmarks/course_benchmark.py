"""Wall time and peak memory of grading a class: the twelve students of tests/course (mixed outcomes, two
hostile submissions, two archives) with `--jobs 1`, `--jobs 2` and on a local Dask cluster of two workers.

    .venv/bin/python benchmarks/course_benchmark.py [--with-accuracy] [--modes jobs1,jobs2,dask]

The answer key's reference results are computed once before the timed runs (as a batch does once); every
timed run grades all twelve again into a fresh output folder. Without --with-accuracy the two one-epoch
CIFAR-10 accuracy checks are skipped (as in the course tests); with it, the four image_classification
students train both models. It ends with what a class of 300 would take at the measured rate per student,
on this machine and on N such machines (workers scale by machine; the scheduler's share is negligible).
Figures are for comparing within one run (the machine may be busy); nothing here is asserted.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.course import grade_all  # noqa: E402
from tests.course.classrooms import ACCURACY, CLASS_OF_12, CLASS_OF_12_ARCHIVES, build_classroom  # noqa: E402
from tests.course.clusters import local_dask_cluster  # noqa: E402


def _grade(classroom: Path, out: Path, cache: Path, *, skip: list[str], jobs: int = 1,
           scheduler: str | None = None) -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    summary = grade_all(submissions=classroom, out=out, jobs=jobs, skip=skip, cache_dir=cache, scheduler=scheduler)
    seconds = time.perf_counter() - started
    assert summary.graded == len(CLASS_OF_12), f"graded {summary.graded} of {len(CLASS_OF_12)}"
    peaks = {part: max(r.get("peak_rss_mib", {}).get(part, 0.0) for r in summary.records) for part in ("grader", "student")}
    return seconds, peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-accuracy", action="store_true", help="also train the models (the accuracy checks)")
    parser.add_argument("--modes", default="jobs1,jobs2,dask")
    args = parser.parse_args()
    skip = [] if args.with_accuracy else list(ACCURACY)
    modes = args.modes.split(",")

    with tempfile.TemporaryDirectory(prefix="course-benchmark-") as scratch_name:
        scratch = Path(scratch_name)
        classroom = build_classroom(scratch / "classroom", scratch / "built", CLASS_OF_12, archives=CLASS_OF_12_ARCHIVES)
        cache = scratch / "cache"
        first, _ = _grade(classroom, scratch / "warm-up", cache, skip=skip, jobs=2)
        print(f"12 students, accuracy checks {'included' if args.with_accuracy else 'skipped'}; "
              f"first batch (answer key computed too, --jobs 2): {first:.1f} s")
        rates = {}
        for mode in modes:
            if mode == "dask":
                with local_dask_cluster(scratch / "cluster", cifar10_root=os.environ.get("CIFAR10_ROOT"), workers=2) as cluster:
                    seconds, peaks = _grade(classroom, scratch / mode, cache, skip=skip, scheduler=cluster["address"])
            else:
                seconds, peaks = _grade(classroom, scratch / mode, cache, skip=skip, jobs=int(mode.removeprefix("jobs")))
            rates[mode] = seconds / len(CLASS_OF_12)
            print(f"{mode:>6}: {seconds:6.1f} s wall, {rates[mode]:.1f} s per student; peak RSS: grading process "
                  f"{peaks['grader']:.0f} MiB, student child {peaks['student']:.0f} MiB")
        best = min(rates, key=rates.get)
        hours = 300 * rates[best] / 3600
        print(f"a class of 300 at the {best} rate: {hours:.2f} h on this machine; "
              + ", ".join(f"{hours / n * 60:.0f} min on {n} machines" for n in (2, 5, 10)))


if __name__ == "__main__":
    main()

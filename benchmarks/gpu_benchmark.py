"""A class graded on the GPU against the same class on the CPU cores of the same machine, and the answer key's
and the starter code's grades on each (scripts/gpu_check.sh runs it on a machine with one NVIDIA GPU).

    python benchmarks/gpu_benchmark.py --students 50 [--cpu-students 50] [--device-only] --out RESULTS.json

The class: `--students` image_classification submissions made from the answer key, each with a comment of its own
(so every one is graded; none is taken for an unchanged submission), every fifth one with a device mistake from the
catalog (train, evaluate or run forgets `.to(device)`), so the class has mixed outcomes. It is graded with
`grade-all --device cuda` (every GPU, slots by GPU memory) and with `--device cpu` (as many gradings at once as the
cores allow at the limits' threads), both accuracy checks included, into fresh folders with a shared answer-key
cache warmed first, so each timing is the class alone. With `--cpu-students M < N` the CPU side grades the first M
(a CPU-only class of 50 takes long) and the estimate for the class is scaled from them. Prints and writes the
figures; asserts nothing but that every student was graded (timings depend on the machine and its load).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.course import grade_all  # noqa: E402
from autograder.grade import grade_submission  # noqa: E402
from autograder.gpu.device import choose_device  # noqa: E402
from autograder.run.limits import Limits  # noqa: E402
from tests.grade.examples import build_submission  # noqa: E402

MISTAKES = ("failsTrainDataNotOnDevice", "failsEvaluateImagesNotOnDevice", "failsRunModelNotOnDevice")
ASSIGNMENT = "image_classification"


def make_class(folder: Path, *, students: int) -> dict[str, str]:
    """`students` submission folders under `folder`; returns student -> what it is ('answer key' or a mistake)."""
    made: dict[str, str] = {}
    for number in range(students):
        name = f"s{number:03d}"
        target = folder / name / ASSIGNMENT
        if number % 5 == 4:
            mistake = MISTAKES[(number // 5) % len(MISTAKES)]
            build_submission(REPO / "tests" / "grade" / "submissions" / mistake, target)
            made[name] = mistake
        else:
            shutil.copytree(REPO / "solutions" / ASSIGNMENT, target, ignore=shutil.ignore_patterns("__pycache__"))
            made[name] = "answer key"
        with open(target / "classifier.py", "a", encoding="utf-8") as handle:
            handle.write(f"\n# {name}\n")
    return made


def grade_class(submissions: Path, out: Path, *, device: str, jobs: int | None, limits: Limits,
                cache: Path, data_dir: str | None, skip: tuple[str, ...]) -> dict:
    started = time.perf_counter()
    summary = grade_all(submissions=submissions, out=out, assignment=ASSIGNMENT, device=device, jobs=jobs,
                        limits=limits, cache_dir=cache, data_dir=data_dir, allow_unconfined=True, skip=skip)
    seconds = time.perf_counter() - started
    scores = [r.get("score", 0.0) for r in summary.records]
    return {"device": device, "students": len(summary.records), "seconds": round(seconds, 1),
            "per_student": round(seconds / max(1, len(summary.records)), 2),
            "full_marks": sum(1 for r in summary.records if r.get("score") == r.get("max_score")),
            "mean_score": round(sum(scores) / max(1, len(scores)), 2),
            "answer_key": f"{summary.answer_key.get('score')}/{summary.answer_key.get('max_score')}"}


def key_and_starter(*, device: str, limits: Limits, cache: Path, data_dir: str | None, skip: tuple[str, ...]) -> dict:
    """The answer key's and the starter code's scores on `device`, with each accuracy check's time."""
    figures: dict = {}
    for label, folder in (("answer key", REPO / "solutions"), ("starter", REPO / "release")):
        report = grade_submission(submission=folder, device=device, limits=limits, cache_dir=cache, data_dir=data_dir,
                                  skip=skip)
        figures[label] = {"score": f"{report.score:g}/{report.max_score:g}", "device": report.device,
                          "accuracy_seconds": {r.name: round(r.seconds, 1) for r in report.results
                                               if r.name in ("fc_accuracy", "conv_accuracy")},
                          "accuracy": {r.name: r.data.get("accuracy") for r in report.results
                                       if r.name in ("fc_accuracy", "conv_accuracy")}}
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--cpu-students", type=int, default=None, help="grade only this many on the CPU (default all)")
    parser.add_argument("--device-only", action="store_true", help="only the GPU side (no CPU class)")
    parser.add_argument("--data-dir", default=os.environ.get("CIFAR10_ROOT"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--device", choices=("cuda", "cpu"), default="cuda",
                        help="the first side's device ('cpu': a rehearsal of this script on a machine without a GPU)")
    parser.add_argument("--quick", action="store_true", help="without the accuracy checks (a rehearsal)")
    args = parser.parse_args(argv)
    limits = Limits(threads=args.threads)
    skip = ("fc_accuracy", "conv_accuracy") if args.quick else ()
    gpu = choose_device(args.device)  # on cuda: a clear error where there is no GPU
    cores = len(os.sched_getaffinity(0))
    results: dict = {"gpu": gpu.label(), "gpu_memory_mib": gpu.total_mib, "cores": cores, "threads": args.threads,
                     "students": args.students, "accuracy checks": not args.quick}
    with tempfile.TemporaryDirectory(prefix="gpu-benchmark-") as scratch:
        root = Path(scratch)
        results["made"] = sorted(set(make_class(root / "class", students=args.students).values()))
        for device in dict.fromkeys((args.device, "cpu")):  # the answer key's results cached per device first
            results[f"grades on {device}"] = key_and_starter(device=device, limits=limits, cache=root / "cache",
                                                             data_dir=args.data_dir, skip=skip)
        results["class on the device"] = grade_class(root / "class", root / "graded-cuda", device=args.device, jobs=None,
                                               limits=limits, cache=root / "cache", data_dir=args.data_dir, skip=skip)
        if not args.device_only:
            count = args.cpu_students or args.students
            subset = root / "class-cpu"
            subset.mkdir()
            for folder in sorted((root / "class").iterdir())[:count]:
                folder.rename(subset / folder.name)
            cpu = grade_class(subset, root / "graded-cpu", device="cpu", jobs=max(1, cores // args.threads),
                              limits=limits, cache=root / "cache", data_dir=args.data_dir, skip=skip)
            results["class on cpu"] = cpu
            gpu_side = results["class on the device"]
            results["speed-up (cpu per student / gpu per student)"] = round(
                cpu["per_student"] / max(gpu_side["per_student"], 1e-9), 1)
            results["estimate for 300 students (minutes)"] = {
                "cuda": round(300 * gpu_side["per_student"] / 60, 1), "cpu": round(300 * cpu["per_student"] / 60, 1)}
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0 if results["class on the device"]["students"] == args.students else 1


if __name__ == "__main__":
    sys.exit(main())

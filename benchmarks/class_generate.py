"""A generated class for the class-view benchmarks: N students' graded records (graded.json, results.json and a small
report.html each) as grade-all writes them, with outcomes drawn from the real checks of both assignments, a few
common mistakes per check (identical messages, so misconception clusters form), accuracies around the reference,
times and memory. Seeded: the same N and seed give the same class.

    python benchmarks/class_generate.py OUT --students 300 [--seed 0]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.feedback.language import show  # noqa: E402
from autograder.grade.registry import checks_for  # noqa: E402

ASSIGNMENTS = ("pytorch_tensor", "image_classification")
ACCURACY = {"fc_accuracy": 0.4894, "conv_accuracy": 0.5310}  # the reference's accuracy after one epoch (typical)


def generate(out: Path, *, students: int, seed: int = 0) -> Path:
    """Write the graded folder `out` of `students` generated students; returns `out`."""
    rng = random.Random(seed)
    for number in range(students):
        name = f"s{number:04d}"
        folder = out / "students" / name
        folder.mkdir(parents=True, exist_ok=True)
        ability = rng.betavariate(5, 2)
        checks, tests = [], []
        for assignment in ASSIGNMENTS:
            for check in checks_for(assignment):
                passed = rng.random() < ability + (1 - ability) * 0.3
                message, data = "", {}
                if check.name in ACCURACY:
                    reference = ACCURACY[check.name]
                    accuracy = reference + rng.gauss(0, 0.02) if passed else rng.uniform(0.08, 0.38)
                    data = {"accuracy": round(accuracy, 4), "reference_accuracy": reference}
                    passed = accuracy > 0.4
                if not passed:
                    mistake = rng.choice((1, 1, 1, 2, 2, 3))
                    message = (f"'{check.name}' has the wrong values: got [{mistake}, {mistake + 1}], expected [0, 1] "
                               f"(common mistake {mistake})")
                    if mistake == 1:
                        message = f"진단: 흔한 실수 {mistake} / Diagnosis — {message}"
                score = check.points if passed else 0.0
                checks.append({"assignment": assignment, "name": check.name, "points": check.points, "score": score,
                               "status": "passed" if passed else "failed", "message": message})
                tests.append({"name": f"{assignment}: {show(check.title, 'en')}", "score": score,
                              "max_score": check.points, "tags": [assignment, check.name],
                              **({"extra_data": data} if data else {})})
        record = {"student": name, "entry": name, "digest": "", "grader": "", "assignment": "", "exit_code": 0,
                  "refusal": "", "score": sum(c["score"] for c in checks),
                  "max_score": sum(c["points"] for c in checks), "seconds": round(rng.uniform(20, 60), 1),
                  "checks": checks, "grader_notes": [],
                  "peak_rss_mib": {"grader": 300.0, "student": round(rng.uniform(400, 1400), 1)}}
        (folder / "graded.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        (folder / "results.json").write_text(json.dumps({"score": record["score"], "tests": tests}), encoding="utf-8")
        (folder / "report.html").write_text(f"<!DOCTYPE html><title>{name}</title><p>{name}</p>\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(generate(args.out, students=args.students, seed=args.seed))


if __name__ == "__main__":
    main()

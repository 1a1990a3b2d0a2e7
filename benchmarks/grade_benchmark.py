"""Time `autograder grade solutions` end to end and say where the time goes.

    .venv/bin/python benchmarks/grade_benchmark.py [--submission solutions] [--runs 1]

Run 1 starts with an empty answer-key cache (the reference's probes run too, as on a grader's first
submission); the later runs reuse it (every later submission). Per-check times are the student side's
probe times, as the report records them; the rest is start-up, data preparation and the reference.
It also prints peak resident memory: the grading process's own (getrusage) and, per check, that of the
student's child process when the check ended (the kernel's VmHWM, as the report records it).
Figures are wall-clock seconds on this machine; compare them as ratios within one run.
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from autograder.grade import grade_submission
from autograder.paths import repo_root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submission", type=Path, default=repo_root() / "solutions")
    parser.add_argument("--runs", type=int, default=2, help="1 cold run, then warm runs (default 2)")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="grade-benchmark-cache-") as cache:
        for run in range(args.runs):
            started = time.perf_counter()
            report = grade_submission(submission=args.submission, data_dir=args.data_dir, cache_dir=Path(cache))
            total = time.perf_counter() - started
            kind = "cold (answer key computed)" if run == 0 else "warm (answer key cached)"
            print(f"run {run + 1}, {kind}: {total:.1f} s wall, score {report.score:g} / {report.max_score:g}")
            by_assignment: dict[str, float] = defaultdict(float)
            probe_seen: set[tuple[str, float]] = set()
            rows = []
            for row in report.results:
                key = (row.assignment, row.seconds)
                if key in probe_seen:  # checks sharing a probe share its time
                    continue
                probe_seen.add(key)
                by_assignment[row.assignment] += row.seconds
                rows.append((row.seconds, row.peak_rss_mib, f"{row.assignment}: {row.title}"))
            for assignment, seconds in by_assignment.items():
                print(f"  {assignment}: student probes {seconds:.1f} s")
            print(f"  everything else (process start-up, data preparation, answer key): "
                  f"{total - sum(by_assignment.values()):.1f} s")
            print("  slowest checks:")
            for seconds, peak, title in sorted(rows, reverse=True)[:5]:
                print(f"    {seconds:6.1f} s  child peak RSS {peak:6.0f} MiB  {title}")
            print(f"  peak RSS: the grading process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
                  f"the largest student child {max(peak for _, peak, _ in rows):.0f} MiB")


if __name__ == "__main__":
    main()

"""The class's figures: score distributions (mean, median, standard deviation, histogram) and, per check, the pass
rate and its discrimination (the corrected point-biserial correlation: passing the check against the rest of the
assignment's score)."""
from __future__ import annotations

import math
import statistics
from typing import Any, Iterable


def describe(values: Iterable[float]) -> dict[str, float]:
    """n, mean, median, sd (the sample's, n - 1; 0 for one value), min and max of `values` (zeros when empty)."""
    data = [float(v) for v in values]
    if not data:
        return {"n": 0, "mean": 0.0, "median": 0.0, "sd": 0.0, "min": 0.0, "max": 0.0}
    return {"n": len(data), "mean": statistics.fmean(data), "median": statistics.median(data),
            "sd": statistics.stdev(data) if len(data) > 1 else 0.0, "min": min(data), "max": max(data)}


def histogram(values: Iterable[float], *, low: float, high: float, bins: int) -> list[int]:
    """Counts of `values` in `bins` equal bins from `low` to `high` (the last bin holds `high`; values outside are
    clamped into the end bins)."""
    counts = [0] * bins
    width = (high - low) / bins if high > low else 1.0
    for value in values:
        index = int((float(value) - low) // width) if high > low else 0
        counts[min(max(index, 0), bins - 1)] += 1
    return counts


def point_biserial(passed: list[int], rest: list[float]) -> float | None:
    """The point-biserial correlation of the 0/1 `passed` with `rest` (the other checks' total of the same students);
    None when either does not vary (every student passed, or all have the same rest)."""
    n = len(passed)
    if n < 2 or len(set(passed)) < 2 or len(set(rest)) < 2:
        return None
    mean_rest = statistics.fmean(rest)
    sd_rest = statistics.pstdev(rest)
    p = sum(passed) / n
    mean_pass = statistics.fmean(r for r, ok in zip(rest, passed) if ok)
    return (mean_pass - mean_rest) / sd_rest * math.sqrt(p / (1 - p))


def assignment_scores(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Per assignment: one row per student who handed it in (student, score, max_score, checks by name); a refused
    submission counts 0 of its maximum in the assignment it was meant for."""
    out: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_assignment: dict[str, list[dict[str, Any]]] = {}
        for check in record.get("checks", []):
            by_assignment.setdefault(check["assignment"], []).append(check)
        if not by_assignment and record.get("assignment"):
            out.setdefault(record["assignment"], []).append(
                {"student": record["student"], "score": 0.0, "max_score": float(record.get("max_score") or 0.0),
                 "checks": {}, "refused": True})
        for assignment, checks in by_assignment.items():
            out.setdefault(assignment, []).append(
                {"student": record["student"], "score": round(sum(c["score"] for c in checks), 4),
                 "max_score": round(sum(c["points"] for c in checks), 4),
                 "checks": {c["name"]: c for c in checks}, "refused": False})
    return out


def check_statistics(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per check of one assignment's `rows` (from `assignment_scores`), in the order first met: graded, passed,
    pass_rate and discrimination (corrected point-biserial; None where it cannot be computed)."""
    names = list(dict.fromkeys(name for row in rows for name in row["checks"]))
    out = []
    for name in names:
        graded = [row for row in rows if name in row["checks"]]
        passed = [1 if row["checks"][name]["score"] >= row["checks"][name]["points"] else 0 for row in graded]
        rest = [row["score"] - row["checks"][name]["score"] for row in graded]
        out.append({"check": name, "points": graded[0]["checks"][name]["points"], "graded": len(graded),
                    "passed": sum(passed), "pass_rate": sum(passed) / len(graded) if graded else 0.0,
                    "discrimination": point_biserial(passed, rest)})
    return out

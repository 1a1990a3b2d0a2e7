"""Misconception clusters: students whose failing values are identical. Each failure message holds the values the
student's code gave (and a diagnosis, where the grader recognised a common mistake), so students with the same
message for the same check made, with all likelihood, the same mistake."""
from __future__ import annotations

from typing import Any

DIAGNOSIS_MARKS = ("진단", "Diagnosis")  # how a diagnosed mistake's message begins, in either language


def failure_clusters(records: list[dict[str, Any]], *, min_students: int = 1) -> list[dict[str, Any]]:
    """Every distinct failure (assignment, check, message) with the students who got it (at least
    `min_students`), the largest first: assignment, check, message, students, diagnosis (the message names a
    recognised mistake)."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for record in records:
        for check in record.get("checks", []):
            if check["score"] < check["points"] and check.get("message"):
                key = (check["assignment"], check["name"], check["message"])
                groups.setdefault(key, []).append(record["student"])
    clusters = [{"assignment": a, "check": c, "message": m, "students": sorted(set(s)),
                 "diagnosis": any(mark in m for mark in DIAGNOSIS_MARKS)}
                for (a, c, m), s in groups.items() if len(set(s)) >= min_students]
    clusters.sort(key=lambda g: (-len(g["students"]), g["assignment"], g["check"], g["message"]))
    return clusters

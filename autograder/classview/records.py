"""Reading a graded folder (`grade-all --out`): every student's graded.json, in name order."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autograder.course.outcome import GRADED_FILE



def read_record(folder: Path) -> dict[str, Any]:
    """The graded.json of one student's folder (`graded/students/<student>/`); ValueError when it is missing or
    not a JSON object."""
    path = Path(folder) / GRADED_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: no readable graded.json ({type(exc).__name__})") from exc
    if not isinstance(data, dict) or "checks" not in data:
        raise ValueError(f"{path}: not a graded.json record")
    return data


def read_class(graded: Path) -> list[dict[str, Any]]:
    """Every student's record under `graded/students/` (folders without a readable graded.json are left out), in
    the order of their folder names."""
    students = Path(graded) / "students"
    records = []
    for folder in sorted(students.iterdir() if students.is_dir() else [], key=lambda p: p.name):
        if folder.is_dir() and not folder.is_symlink():
            try:
                records.append(read_record(folder))
            except ValueError:
                continue
    return records


def read_accuracies(graded: Path) -> list[dict[str, Any]]:
    """Each student's accuracy figures from their results.json (a check's extra_data with 'accuracy' and
    'reference_accuracy'): student, assignment, check, accuracy, reference_accuracy. Anything else is ignored."""
    out = []
    students = Path(graded) / "students"
    for folder in sorted(students.iterdir() if students.is_dir() else [], key=lambda p: p.name):
        try:
            results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for test in results.get("tests", []) if isinstance(results, dict) else []:
            data, tags = test.get("extra_data"), test.get("tags") or []
            if not isinstance(data, dict) or len(tags) < 2:
                continue
            accuracy, reference = data.get("accuracy"), data.get("reference_accuracy")
            if isinstance(accuracy, (int, float)) and isinstance(reference, (int, float)):
                out.append({"student": folder.name, "assignment": str(tags[0]), "check": str(tags[1]),
                            "accuracy": float(accuracy), "reference_accuracy": float(reference)})
    return out

"""The late policy: a due date per assignment (with its time zone), per-student extensions, and a penalty per day
late or part of one, or a cut-off after which a submission earns nothing, applied to each student's total from the
time they handed in.

Where the time comes from, first found: a times CSV (`student,submitted_at[,assignment]`); nbgrader's
`timestamp.txt`, only in a course's `submitted/<student>/<assignment>/timestamp.txt`, where nbgrader's exchange
writes it (`nbgrader collect`; `nbgrader zip_collect` keeps a student's own file of that name instead, so with an
LMS download give the times CSV); one inside an archive or a plain folder of hand-ins was written by the student
and is never used: late.csv says 'mtime (timestamp.txt ignored: student-supplied)'); the newest modification time of the submission's files (an LMS
download keeps them only sometimes, and copying files changes them: check). A row of the times or extensions CSV
maps to exactly one student (`roster.match_rows`); a row that could be two students', an extension for no student
of the class, or a negative extension is an error. A time without a zone is in the policy's
zone (`Asia/Seoul` by default).

The rule: late = submitted − (due + extension); within `grace` it is on time; else `days` = late in whole days,
rounded up. With `cutoff_days` set and days > cutoff_days the total becomes 0; otherwise the total is multiplied by
(1 − penalty_per_day × days), at least 0 (penalty_per_day 0.1: 10 % of the points earned per day)."""
from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Seoul"


@dataclass(frozen=True)
class LatePolicy:
    """Due dates by assignment (aware datetimes), the penalty, and the extensions by student."""

    due: dict[str, datetime]
    penalty_per_day: float = 0.1
    cutoff_days: float | None = None
    grace: timedelta = timedelta(0)
    extensions: dict[str, timedelta] = field(default_factory=dict)
    zone: str = DEFAULT_ZONE


@dataclass(frozen=True)
class Lateness:
    """What the policy did to one student's assignment."""

    student: str
    assignment: str
    submitted: datetime | None
    source: str  # where the time came from: 'times.csv', 'timestamp.txt', 'mtime' or '' (unknown: not penalised)
    due: datetime
    extension: timedelta
    days_late: int
    factor: float  # what the total is multiplied by
    total: float
    final: float


def parse_time(text: str, *, zone: str = DEFAULT_ZONE) -> datetime:
    """A date and time as people and nbgrader write them ('2025-04-07 23:59', ISO 8601, '... UTC', '+09:00'); one
    without a zone is in `zone`. ValueError when it is not a time."""
    from dateutil import parser

    value = parser.parse(text.strip())
    return value.replace(tzinfo=ZoneInfo(zone)) if value.tzinfo is None else value


def parse_extension(text: str) -> timedelta:
    """'2' or '2d' (days), '36h' (hours): the extra time."""
    text = text.strip().lower()
    try:
        value = timedelta(hours=float(text[:-1])) if text.endswith("h") else timedelta(days=float(text.rstrip("d")))
    except (ValueError, OverflowError):
        raise ValueError(f"extension {text!r}: write '2', '2d' (days) or '36h' (hours)") from None
    if value < timedelta(0):
        raise ValueError(f"extension {text!r} is negative: an extension gives extra time")
    return value


def read_extensions(path: Path) -> dict[str, timedelta]:
    """student -> extension from a CSV with columns `student,extension` ('2', '2d', '36h')."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["student"].strip(): parse_extension(row["extension"]) for row in csv.DictReader(handle)
                if row.get("student") and row.get("extension")}


def read_times(path: Path, *, zone: str = DEFAULT_ZONE) -> dict[tuple[str, str], datetime]:
    """(student, assignment or '') -> submission time from a CSV with columns `student,submitted_at[,assignment]`."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {(row["student"].strip(), (row.get("assignment") or "").strip()): parse_time(row["submitted_at"], zone=zone)
                for row in csv.DictReader(handle) if row.get("student") and row.get("submitted_at")}


def submission_time(record: dict[str, Any], assignment: str, *, times: dict[tuple[str, str], datetime],
                    zone: str = DEFAULT_ZONE) -> tuple[datetime | None, str]:
    """When the student of `record` handed `assignment` in, and where that came from (see the module)."""
    for key in ((record.get("student", ""), assignment), (record.get("student", ""), "")):
        if key in times:  # `times` keyed by folder name (class_lateness maps the CSV's rows first)
            return times[key], "times.csv"
    raw = (record.get("provenance") or {}).get("submission_path")
    path = Path(raw) if isinstance(raw, str) and raw else None
    if path is None or not path.is_absolute() or not path.exists() or path.is_symlink():
        return None, ""
    stamp = path / assignment / "timestamp.txt"
    ignored = False
    if path.parent.name == "submitted" and path.is_dir() and stamp.is_file() and not stamp.is_symlink() \
            and not (path / assignment).is_symlink():  # nbgrader's exchange wrote it
        try:
            return parse_time(stamp.read_text(encoding="utf-8", errors="replace")[:100], zone=zone), "timestamp.txt"
        except (ValueError, OverflowError):
            pass
    elif path.is_dir():
        ignored = any(name == "timestamp.txt" for _, _, files in os.walk(path, followlinks=False) for name in files)
    newest = _newest_mtime(path)
    source = "mtime (timestamp.txt ignored: student-supplied)" if ignored else "mtime"
    return (datetime.fromtimestamp(newest, tz=ZoneInfo(zone)), source) if newest is not None else (None, "")


def _newest_mtime(path: Path) -> float | None:
    if path.is_file():
        return path.stat().st_mtime
    newest = None
    for folder, folders, files in os.walk(path, followlinks=False):
        folders[:] = [f for f in folders if f != "__pycache__"]
        for name in files:
            full = os.path.join(folder, name)
            if not os.path.islink(full) and os.path.isfile(full):
                newest = max(newest or 0.0, os.stat(full).st_mtime)
    return newest


def apply_policy(policy: LatePolicy, *, student: str, assignment: str, total: float,
                 submitted: datetime | None, source: str, extension: timedelta | None = None) -> Lateness:
    """The policy on one student's `total` for `assignment` (handed in at `submitted`; None: unknown, no penalty).
    `extension`: the student's (default: the policy's extension of `student`)."""
    due = policy.due[assignment]
    extension = policy.extensions.get(student, timedelta(0)) if extension is None else extension
    days = 0
    if submitted is not None:
        late = submitted - (due + extension)
        if late > policy.grace:
            days = math.ceil(late / timedelta(days=1))
    if days and policy.cutoff_days is not None and days > policy.cutoff_days:
        factor = 0.0
    else:
        factor = max(0.0, 1.0 - policy.penalty_per_day * days)
    return Lateness(student=student, assignment=assignment, submitted=submitted, source=source, due=due,
                    extension=extension, days_late=days, factor=factor, total=total,
                    final=round(total * factor, 4))


def class_lateness(records: list[dict[str, Any]], policy: LatePolicy, *,
                   times: dict[tuple[str, str], datetime] | None = None) -> list[Lateness]:
    """The policy on every student and assignment with a due date."""
    from autograder.classview.stats import assignment_scores

    from autograder.assignments.registry import assignment_names
    from autograder.classview.roster import match_rows

    unknown = sorted(set(policy.due) - set(assignment_names()))
    if unknown:
        raise ValueError(f"--due names an unknown assignment: {', '.join(unknown)} (one of {', '.join(assignment_names())})")
    for key, value in policy.extensions.items():
        if value < timedelta(0):
            raise ValueError(f"the extension of {key!r} is negative")
    extensions = match_rows(records, policy.extensions)
    if extensions.unknown or extensions.ambiguous:
        raise ValueError("extensions: " + "; ".join(
            [f"{k!r} is no student of this class" for k in extensions.unknown] +
            [f"{k!r} could be more than one student (use the graded folder's name)" for k in extensions.ambiguous]))
    extension_of = {folder: policy.extensions[key] for key, folder in extensions.of_key.items()}
    times = times or {}
    matched_times = match_rows(records, [student for student, _ in times])
    if matched_times.ambiguous:
        raise ValueError("times: " + "; ".join(f"{k!r} could be more than one student (use the graded folder's name)"
                                               for k in matched_times.ambiguous))
    by_folder = {(matched_times.of_key[s], a): t for (s, a), t in times.items() if s in matched_times.of_key}
    out = []
    by_student = {r["student"]: r for r in records}
    for assignment, rows in sorted(assignment_scores(records).items()):
        if assignment not in policy.due:
            continue
        for row in rows:
            record = by_student[row["student"]]
            submitted, source = submission_time(record, assignment, times=by_folder, zone=policy.zone)
            extension = extension_of.get(row["student"], timedelta(0))
            out.append(apply_policy(policy, student=row["student"], assignment=assignment, total=row["score"],
                                    submitted=submitted, source=source, extension=extension))
    return out

"""Grades out of a graded folder: Canvas's gradebook import CSV, Moodle's grade import CSV and late.csv, with the
late policy applied; students mapped to the school's ids by the roster.

Canvas (Grades → Import): the columns `Student`, `ID` (Canvas's user ID), `SIS User ID`, `SIS Login ID`, `Section`,
then one column per assignment (a column whose name Canvas does not know becomes a new assignment), and a second
row `Points Possible` with each assignment's maximum. Canvas matches a row by ID, else SIS User ID / SIS Login ID.

Moodle (Grades → Import → CSV file): a header row; `ID number` and `Email address` identify the user (chosen under
"Identify user by" when importing), then one grade column per assignment and one feedback column each, mapped to
the grade items on Moodle's import page.

Every cell that could start a spreadsheet formula is made text (a leading apostrophe), as in grades.csv."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterator

from autograder.classview.late import Lateness
from autograder.classview.roster import Person, people_of
from autograder.classview.stats import assignment_scores

CANVAS_ID_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_ID_COLUMNS = ("ID number", "Email address", "First name", "Last name")
POINTS_POSSIBLE = "    Points Possible"  # Canvas's own second row starts so


def _cell(value: Any) -> Any:
    from autograder.course.tables import spreadsheet_cell

    return spreadsheet_cell(value)


def final_totals(records: list[dict[str, Any]], late: list[Lateness]) -> dict[tuple[str, str], tuple[float, float]]:
    """(student, assignment) -> (final total after the late policy, maximum)."""
    penalised = {(x.student, x.assignment): x.final for x in late}
    out = {}
    for assignment, rows in assignment_scores(records).items():
        for row in rows:
            out[(row["student"], assignment)] = (penalised.get((row["student"], assignment), row["score"]),
                                                 row["max_score"])
    return out


def _feedback(student: str, assignment: str, late: dict[tuple[str, str], Lateness]) -> str:
    entry = late.get((student, assignment))
    if entry is None or not entry.days_late:
        return ""
    return (f"지각 {entry.days_late}일: {entry.total:g}점 × {entry.factor:g} = {entry.final:g}점 / "
            f"{entry.days_late} day(s) late: {entry.total:g} × {entry.factor:g} = {entry.final:g}")


def write_canvas(path: Path, records: list[dict[str, Any]], *, roster: dict[str, Person], late: list[Lateness]) -> list[str]:
    """Canvas's gradebook import CSV. Returns the students left out (not in the roster, or ambiguous: see
    `roster.people_of`; one roster row is never written twice)."""
    totals = final_totals(records, late)
    assignments = sorted({a for _, a in totals})
    maxima = {a: max(m for (s, x), (_, m) in totals.items() if x == a) for a in assignments}
    missing: list[str] = []
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*CANVAS_ID_COLUMNS, *assignments])
        writer.writerow([POINTS_POSSIBLE, "", "", "", "", *[f"{maxima[a]:g}" for a in assignments]])
        for record, person in _with_people(records, roster, missing):
            scores = _score_cells(record["student"], assignments, totals)
            writer.writerow([_cell(v) for v in (person.full_name, person.canvas_id, person.student_number,
                                                person.sis_login_id, person.section, *scores)])
    return missing


def _with_people(records: list[dict[str, Any]], roster: dict[str, Person],
                 missing: list[str]) -> Iterator[tuple[dict[str, Any], Person]]:
    """(record, roster row) of every student the roster names unambiguously; the others' names go to `missing`."""
    people, _ = people_of(records, roster)
    for record in records:
        person = people.get(record["student"])
        if person is None:
            missing.append(record["student"])
        else:
            yield record, person


def _score_cells(student: str, assignments: list[str], totals: dict[tuple[str, str], tuple[float, float]]) -> list[str]:
    """The student's final total per assignment ('' where they handed in none)."""
    return [f"{totals[(student, a)][0]:g}" if (student, a) in totals else "" for a in assignments]


def write_moodle(path: Path, records: list[dict[str, Any]], *, roster: dict[str, Person], late: list[Lateness]) -> list[str]:
    """Moodle's grade import CSV. Returns the students left out (not in the roster, or ambiguous: see
    `roster.people_of`; one roster row is never written twice)."""
    totals = final_totals(records, late)
    assignments = sorted({a for _, a in totals})
    by_key = {(x.student, x.assignment): x for x in late}
    missing: list[str] = []
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*MOODLE_ID_COLUMNS, *assignments, *[f"Feedback: {a}" for a in assignments]])
        for record, person in _with_people(records, roster, missing):
            scores = _score_cells(record["student"], assignments, totals)
            feedback = [_feedback(record["student"], a, by_key) for a in assignments]
            writer.writerow([_cell(v) for v in (person.student_number, person.email, person.first_name,
                                                person.last_name, *scores, *feedback)])
    return missing


def write_late_csv(path: Path, late: list[Lateness]) -> None:
    """late.csv: per student and assignment the time handed in (and where it came from), the due date, the
    extension, the days late, the factor, the total and the final total."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "submitted", "source", "due", "extension_hours", "days_late",
                         "factor", "total", "final"])
        for x in late:
            writer.writerow([_cell(x.student), x.assignment, x.submitted.isoformat() if x.submitted else "", x.source,
                             x.due.isoformat(), round(x.extension.total_seconds() / 3600, 2), x.days_late,
                             round(x.factor, 4), x.total, x.final])

"""The class roster: a CSV that maps each graded student (the folder name grade-all gave them, or the entry they
handed in) to their ids in the school's systems.

Columns (a header row; only `student` is required, the others may be left out or blank):
`student` (the graded folder's name or the entry's name), `student_number` (the school's id, Moodle's "ID number"
and Canvas's "SIS User ID"), `first_name`, `last_name`, `email`, `canvas_id` (Canvas's numeric user ID),
`sis_login_id`, `section`."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from autograder.course.discover import entry_stem

COLUMNS = ("student", "student_number", "first_name", "last_name", "email", "canvas_id", "sis_login_id", "section")


@dataclass(frozen=True)
class Person:
    """One roster row."""

    student: str
    student_number: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    canvas_id: str = ""
    sis_login_id: str = ""
    section: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or self.student


def read_roster(path: Path) -> dict[str, Person]:
    """student -> Person from the roster CSV (UTF-8, a byte-order mark allowed). ValueError without a `student`
    column or with a student listed twice."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "student" not in [f.strip() for f in reader.fieldnames]:
            raise ValueError(f"{path}: the roster needs a 'student' column (columns: {', '.join(COLUMNS)})")
        people: dict[str, Person] = {}
        for row in reader:
            clean = {k.strip(): (v or "").strip() for k, v in row.items() if k and k.strip() in COLUMNS}
            if not clean.get("student"):
                continue
            if clean["student"] in people:
                raise ValueError(f"{path}: student {clean['student']!r} is listed twice")
            people[clean["student"]] = Person(**clean)
    for column in ID_COLUMNS:
        seen: dict[str, str] = {}
        for person in people.values():
            value = getattr(person, column)
            if value and value in seen:
                raise ValueError(f"{path}: {column} {value!r} is listed twice (students {seen[value]!r} and "
                                 f"{person.student!r}): one id is one person")
            seen[value] = person.student
    return people


def person_of(record: dict, roster: dict[str, Person]) -> Person | None:
    """The roster's row of one graded record alone (its folder name, else its entry): only for a lone record; for
    a class use `people_of`, which never maps one row to two students."""
    return roster.get(record.get("student", "")) or roster.get(record.get("entry", ""))


ID_COLUMNS = ("student_number", "email", "canvas_id", "sis_login_id")


def _nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


@dataclass
class Matching:
    """Which record (by its folder name) each row key maps to; `ambiguous`: row keys that could be several students'
    (left out, never guessed); `unknown`: row keys that are no student's."""

    of_key: dict[str, str] = field(default_factory=dict)
    ambiguous: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def key_of(self, student: str) -> str | None:
        """The row key mapped to the record with folder name `student`, or None."""
        for key, folder in self.of_key.items():
            if folder == student:
                return key
        return None


def match_rows(records: list[dict], keys: Iterable[str]) -> Matching:
    """Map each row key (a roster's, an extensions' or a times CSV's `student`) to exactly one record: the record
    whose folder name is exactly the key, else the one record whose entry name is the key (both NFC-normalised). A
    key that fits several records (a folder name that is another student's entry, an NFD entry and its NFC twin),
    or a record that several keys fit, is ambiguous: it maps to nothing, and no guess is made."""
    keys = list(dict.fromkeys(keys))
    by_folder = {r.get("student", ""): r for r in records}
    loose: dict[str, set[str]] = {}
    for record in records:
        entry = record.get("entry", "")
        # `bob.zip` was handed in as bob too: a key `bob` fits it (and the folder `bob` of another entry: ambiguous)
        for name in (entry, entry_stem(entry) if entry else "", record.get("student", "")):
            if name:
                loose.setdefault(_nfc(name), set()).add(record.get("student", ""))
    matching = Matching()
    taken: dict[str, list[str]] = {}
    for key in keys:
        fits = loose.get(_nfc(key), set())
        if key in by_folder and fits <= {key}:
            taken.setdefault(key, []).append(key)
        elif not fits:
            matching.unknown.append(key)
        elif len(fits) > 1:
            matching.ambiguous.append(key)
        else:
            taken.setdefault(next(iter(fits)), []).append(key)
    for folder, fitting in taken.items():
        if len(fitting) == 1:
            matching.of_key[fitting[0]] = folder
        else:  # two rows (an NFC and an NFD spelling) fit one record: neither is used
            matching.ambiguous.extend(fitting)
    return matching


def ambiguous_students(records: list[dict], matching: Matching) -> list[str]:
    """The records (folder names) that an ambiguous key could have meant and that no key maps to."""
    mapped = set(matching.of_key.values())
    out = []
    for key in matching.ambiguous:
        for record in records:
            folder = record.get("student", "")
            if folder not in mapped and _nfc(key) in (_nfc(record.get("entry", "")), _nfc(folder)):
                out.append(folder)
    return sorted(set(out))


def people_of(records: list[dict], roster: dict[str, Person]) -> tuple[dict[str, Person], list[str]]:
    """student (folder name) -> their roster row, each row to at most one student; and the students left out
    because a row could be theirs or another's (ambiguous: never guessed)."""
    matching = match_rows(records, roster)
    return ({folder: roster[key] for key, folder in matching.of_key.items()},
            ambiguous_students(records, matching))
